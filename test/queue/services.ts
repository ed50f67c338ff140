/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
/**
 * PostgreSQL and Redis from Debian's packages for the queue-mode suite: installed when missing,
 * each started on a free 127.0.0.1 port with a throwaway data folder, stopped and removed after.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';

import type { Log } from '../e2e/n8n-install';
import type { Teardown } from './teardown';
import {
	BackgroundProcess,
	describeFailure,
	freePort,
	hermeticEnv,
	runCommand,
	spawnInGroup,
} from '../e2e/command';

const POSTGRES_ROOT = '/usr/lib/postgresql';
const POLICY_RC = '/usr/sbin/policy-rc.d';
/** The database, role and (unchecked: trust authentication) password n8n connects with. */
const DATABASE = 'n8n';
const READY_TIMEOUT_MS = 60_000;

const isRoot = () => process.getuid?.() === 0;

/** `apt-get install -y postgresql redis-server`, only for what is missing. */
export async function ensureDebianPackages(log: Log): Promise<void> {
	const missing = [
		...(postgresBinFolder() ? [] : ['postgresql']),
		...(onPath('redis-server') ? [] : ['redis-server']),
	];
	if (missing.length === 0) return;
	if (!isRoot()) {
		throw new Error(
			`The queue-mode suite needs ${missing.join(' and ')}: run as root, or install them first (apt-get install -y ${missing.join(' ')})`,
		);
	}
	const started = Date.now();
	log(`Installing ${missing.join(', ')} from Debian (apt-get install -y ${missing.join(' ')})`);
	const env = hermeticEnv({ DEBIAN_FRONTEND: 'noninteractive' });
	const apt = (args: string[]) =>
		runCommand('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], {
			env,
			timeoutMs: 15 * 60_000,
		});
	await withServiceStartsHeldBack(async () => {
		let result = await apt(['install', '-y', '--no-install-recommends', ...missing]);
		if (result.exitCode !== 0) {
			// A fresh machine has no package lists yet, an old one stale ones.
			log('apt-get install failed; apt-get update, then once more');
			const update = await apt(['update']);
			if (update.exitCode !== 0) throw new Error(describeFailure('apt-get update', update));
			result = await apt(['install', '-y', '--no-install-recommends', ...missing]);
		}
		if (result.exitCode !== 0) throw new Error(describeFailure('apt-get install', result));
	});
	if (!postgresBinFolder() || !onPath('redis-server')) {
		throw new Error(
			`apt-get installed ${missing.join(', ')}, but postgres or redis-server is still missing`,
		);
	}
	log(`Installed ${missing.join(', ')} in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * Debian's packages start their system-wide service on install unless policy-rc.d says no
 * (container images ship one): ours run on throwaway ports, so say no where nothing does.
 */
async function withServiceStartsHeldBack(work: () => Promise<void>): Promise<void> {
	const written = existsSync(POLICY_RC) ? undefined : POLICY_RC;
	if (written) {
		writeFileSync(
			written,
			'#!/bin/sh\n# Written by test/queue/services.ts during apt-get install.\nexit 101\n',
			{
				mode: 0o755,
			},
		);
	}
	try {
		await work();
	} finally {
		if (written) unlinkSync(written);
	}
}

/** The newest /usr/lib/postgresql/<major>/bin holding initdb and postgres. */
function postgresBinFolder(): string | undefined {
	if (!existsSync(POSTGRES_ROOT)) return undefined;
	return readdirSync(POSTGRES_ROOT)
		.filter((major) => /^\d+$/.test(major))
		.sort((a, b) => Number(b) - Number(a))
		.map((major) => path.join(POSTGRES_ROOT, major, 'bin'))
		.find((bin) => existsSync(path.join(bin, 'postgres')) && existsSync(path.join(bin, 'initdb')));
}

function onPath(command: string): boolean {
	return (process.env.PATH ?? '')
		.split(path.delimiter)
		.some((folder) => folder && existsSync(path.join(folder, command)));
}

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
