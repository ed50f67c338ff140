/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
import type { ChildProcess } from 'child_process';
import { spawn } from 'child_process';
import { createWriteStream } from 'fs';
import net from 'net';
import path from 'path';

const running = new Set<number>();
// Children run in their own process group (so a timeout can end n8n and its task runner);
// end those groups too if this process exits first.
process.once('exit', () => {
	for (const pid of running) killGroup(pid);
});

export interface CommandResult {
	exitCode: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	durationMs: number;
}

export interface CommandOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	/** Also append both streams to this file (install logs). */
	logFile?: string;
	/** Kills the whole process group after this long; default 10 minutes. */
	timeoutMs?: number;
}

/**
 * Runs a command without blocking the event loop, so an in-process fake server
 * keeps answering while the child talks to it.
 */
export function runCommand(
	command: string,
	args: string[],
	options: CommandOptions = {},
): Promise<CommandResult> {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawnInGroup(command, args, options);
		const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
		const stdout: Buffer[] = [];
		const stderr: Buffer[] = [];
		child.stdout.on('data', (chunk: Buffer) => {
			stdout.push(chunk);
			log?.write(chunk);
		});
		child.stderr.on('data', (chunk: Buffer) => {
			stderr.push(chunk);
			log?.write(chunk);
		});
		const timer = setTimeout(() => killGroup(child.pid), options.timeoutMs ?? 600_000);
		child.once('error', (error) => {
			clearTimeout(timer);
			log?.end();
			reject(error);
		});
		child.once('close', (exitCode, signal) => {
			clearTimeout(timer);
			log?.end();
			resolve({
				exitCode,
				signal,
				stdout: Buffer.concat(stdout).toString('utf8'),
				stderr: Buffer.concat(stderr).toString('utf8'),
				durationMs: Date.now() - started,
			});
		});
	});
}

/** Spawns in a new process group, ended when this process exits. */
export function spawnInGroup(
	command: string,
	args: string[],
	options: Pick<CommandOptions, 'cwd' | 'env'> = {},
): ChildProcess & {
	stdout: NonNullable<ChildProcess['stdout']>;
	stderr: NonNullable<ChildProcess['stderr']>;
} {
	// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions -- the suite drives n8n's and npm's CLIs
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env ?? process.env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	const { pid } = child;
	if (pid !== undefined) {
		running.add(pid);
		child.once('close', () => running.delete(pid));
	}
	return child;
}

/** A long-running child in its own process group: what it printed, and a stop that always ends it. */
export class BackgroundProcess {
	private hasExited = false;
	private output = '';
	private readonly closed: Promise<void>;

	constructor(
		private readonly child: ChildProcess,
		onClose: (output: string) => void = () => {},
	) {
		const collect = (chunk: Buffer) => {
			this.output += chunk.toString('utf8');
		};
		child.stdout?.on('data', collect);
		child.stderr?.on('data', collect);
		this.closed = new Promise((resolve) => {
			child.once('close', () => {
				this.hasExited = true;
				onClose(this.output);
				resolve();
			});
		});
	}

	/** Everything it printed so far, both streams. */
	get log(): string {
		return this.output;
	}

	get exited(): boolean {
		return this.hasExited;
	}

	/** `signal` to the group (the process shuts down on its own terms), SIGKILL if it lingers. */
	async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
		if (this.hasExited) return;
		killGroup(this.child.pid, signal);
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<'timeout'>((resolve) => {
			timer = setTimeout(() => resolve('timeout'), graceMs);
		});
		const outcome = await Promise.race([this.closed, timeout]);
		clearTimeout(timer);
		if (outcome === 'timeout') {
			killGroup(this.child.pid, 'SIGKILL');
			await this.closed;
		}
	}
}

export function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
	if (pid === undefined) return;
	try {
		process.kill(-pid, signal);
	} catch {
		// Already gone.
	}
}

/**
 * The environment minus what an outer `npm run` exported (npm_config_ignore_scripts and
 * friends would override the cache folder's own .npmrc), minus Jest's NODE_ENV=test (n8n's
 * CLI commands then do nothing) and minus any n8n, database or queue settings of whoever runs it.
 */
export function hermeticEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (
			/^(npm_|n8n_|db_|queue_|executions_|node_options$|node_path$|node_env$|init_cwd$|jest_worker_id$)/i.test(
				name,
			)
		)
			continue;
		env[name] = value;
	}
	// `npm run` puts this repository's node_modules/.bin first; n8n and its installs need none of it.
	if (env.PATH) {
		env.PATH = env.PATH.split(path.delimiter)
			.filter((entry) => !/node_modules[\\/]\.bin$|node-gyp-bin$/.test(entry))
			.join(path.delimiter);
	}
	return { ...env, ...extra };
}

export async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as net.AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

export function describeFailure(what: string, result: CommandResult): string {
	const tail = (text: string) => text.split('\n').slice(-40).join('\n');
	return `${what} exited with ${result.exitCode ?? result.signal}\n--- stdout (tail)\n${tail(result.stdout)}\n--- stderr (tail)\n${tail(result.stderr)}`;
}
