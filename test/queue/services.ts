/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
/**
 * PostgreSQL and Redis for the queue-mode suite, each started on a free 127.0.0.1 port with a
 * throwaway data folder, stopped and removed by the run's teardown.
 */
import { existsSync, mkdtempSync, rmSync } from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';

import {
	BackgroundProcess,
	describeFailure,
	freePort,
	hermeticEnv,
	runCommand,
	spawnInGroup,
} from '../e2e/command';
import { isRoot, postgresBinFolder } from './debian-packages';
import type { Teardown } from './teardown';

/** The database, role and (unchecked: trust authentication) password n8n connects with. */
const DATABASE = 'n8n';
const READY_TIMEOUT_MS = 60_000;

/** A throwaway folder, removed by the teardown. */
function throwawayFolder(prefix: string, teardown: Teardown): string {
	const folder = mkdtempSync(path.join(os.tmpdir(), prefix));
	teardown.add(`removing ${folder}`, () => rmSync(folder, { recursive: true, force: true }));
	return folder;
}

/** A local server process in its own group, stopped by the teardown. */
abstract class LocalService {
	constructor(
		protected readonly daemon: BackgroundProcess,
		readonly port: number,
	) {}

	/** Polls `probe` until it resolves true; fails at once if the process exited. */
	protected async waitFor(what: string, probe: () => Promise<boolean>): Promise<void> {
		const deadline = Date.now() + READY_TIMEOUT_MS;
		while (Date.now() < deadline) {
			if (this.daemon.exited) throw new Error(`${what} exited:\n${this.daemon.log.slice(-3000)}`);
			if (await probe().catch(() => false)) return;
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
		throw new Error(
			`${what} was not ready after ${READY_TIMEOUT_MS} ms:\n${this.daemon.log.slice(-3000)}`,
		);
	}
}

/** Spawns a server in its own process group; the teardown stops it with `stopSignal`, then SIGKILL. */
function spawnService(
	what: string,
	[command, args]: [string, string[]],
	stopSignal: NodeJS.Signals,
	teardown: Teardown,
): BackgroundProcess {
	const daemon = new BackgroundProcess(spawnInGroup(command, args, { env: hermeticEnv() }));
	teardown.add(`stopping ${what}`, () => daemon.stop(stopSignal, 20_000));
	return daemon;
}

export class LocalPostgres extends LocalService {
	readonly database = DATABASE;
	readonly user = DATABASE;
	readonly password = DATABASE;

	private constructor(
		daemon: BackgroundProcess,
		port: number,
		private readonly bin: string,
	) {
		super(daemon, port);
	}

	/**
	 * initdb into a fresh folder, then postgres on a free port (as the postgres user when root:
	 * postgres refuses to run as root). Durability is off: the cluster lives for one run.
	 * SIGINT is PostgreSQL's fast shutdown.
	 */
	static async start(teardown: Teardown): Promise<LocalPostgres> {
		const bin = postgresBinFolder();
		if (!bin) throw new Error('PostgreSQL is not installed (apt-get install -y postgresql)');
		const dataFolder = throwawayFolder('flinks-queue-postgres-', teardown);
		if (isRoot()) {
			const chown = await runCommand('chown', ['postgres:postgres', dataFolder]);
			if (chown.exitCode !== 0) throw new Error(describeFailure('chown postgres', chown));
		}
		const initdb = await runCommand(
			...asPostgres(path.join(bin, 'initdb'), [
				'-D',
				dataFolder,
				'-U',
				DATABASE,
				'-A',
				'trust',
				'-E',
				'UTF8',
				'--locale=C',
				'--no-sync',
			]),
			{ env: hermeticEnv(), timeoutMs: 120_000 },
		);
		if (initdb.exitCode !== 0) throw new Error(describeFailure('initdb', initdb));
		const port = await freePort();
		const daemon = spawnService(
			'postgres',
			asPostgres(path.join(bin, 'postgres'), [
				'-D',
				dataFolder,
				'-p',
				String(port),
				'-k',
				dataFolder,
				'-c',
				'listen_addresses=127.0.0.1',
				'-c',
				'fsync=off',
				'-c',
				'synchronous_commit=off',
				'-c',
				'full_page_writes=off',
			]),
			'SIGINT',
			teardown,
		);
		const service = new LocalPostgres(daemon, port, bin);
		await service.waitFor(
			'postgres',
			async () => (await service.psql('postgres', 'select 1')).exitCode === 0,
		);
		const created = await service.psql('postgres', `create database ${DATABASE}`);
		if (created.exitCode !== 0) throw new Error(describeFailure('create database', created));
		return service;
	}

	/** n8n's settings for this database. */
	n8nEnv(): Record<string, string> {
		return {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(this.port),
			DB_POSTGRESDB_DATABASE: this.database,
			DB_POSTGRESDB_USER: this.user,
			DB_POSTGRESDB_PASSWORD: this.password,
		};
	}

	/** Rows of a query on n8n's database, each a list of column texts. */
	async query(sql: string): Promise<string[][]> {
		const result = await this.psql(this.database, sql);
		if (result.exitCode !== 0) throw new Error(describeFailure(`psql -c "${sql}"`, result));
		return result.stdout
			.split('\n')
			.filter((line) => line !== '')
			.map((line) => line.split('\t'));
	}

	private psql(database: string, sql: string) {
		const psql = path.join(this.bin, 'psql');
		return runCommand(
			existsSync(psql) ? psql : 'psql',
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(this.port),
				'-U',
				this.user,
				'-d',
				database,
				'-X',
				'-A',
				'-t',
				'-F',
				'\t',
				'-v',
				'ON_ERROR_STOP=1',
				'-c',
				sql,
			],
			{ env: hermeticEnv(), timeoutMs: 30_000 },
		);
	}
}

function asPostgres(command: string, args: string[]): [string, string[]] {
	return isRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

export class LocalRedis extends LocalService {
	/** redis-server on a free port, no persistence, its working folder a fresh temporary one. */
	static async start(teardown: Teardown): Promise<LocalRedis> {
		const dataFolder = throwawayFolder('flinks-queue-redis-', teardown);
		const port = await freePort();
		const daemon = spawnService(
			'redis-server',
			[
				'redis-server',
				[
					'--port',
					String(port),
					'--bind',
					'127.0.0.1',
					'--dir',
					dataFolder,
					'--save',
					'',
					'--appendonly',
					'no',
					'--daemonize',
					'no',
				],
			],
			'SIGTERM',
			teardown,
		);
		const service = new LocalRedis(daemon, port);
		await service.waitFor('redis-server', () => ping(port));
		return service;
	}

	n8nEnv(): Record<string, string> {
		return { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(this.port) };
	}
}

/** True once Redis answers PING with PONG. */
function ping(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(1000, () => done(false));
		socket.once('error', () => done(false));
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (chunk) => done(chunk.toString().startsWith('+PONG')));
	});
}
