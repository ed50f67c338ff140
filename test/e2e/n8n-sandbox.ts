/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
import type { ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';

import type { CommandResult } from './command';
import {
	BackgroundProcess,
	describeFailure,
	freePort,
	hermeticEnv,
	runCommand,
	spawnInGroup,
} from './command';
import type { N8nInstall } from './n8n-install';
import { PACKAGE_NAME } from './package-tarball';
import type { ExecutionResult, WorkflowFile } from './workflows';

export interface CredentialFile {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** One `n8n execute` run: the process result and, when n8n printed it, the run data. */
export interface N8nRun extends CommandResult {
	execution?: ExecutionResult;
}

export interface SandboxOptions {
	/** Default: a random one. Processes that share a database must share the key (queue mode). */
	encryptionKey?: string;
	/** Extra environment for every n8n command run from this folder (a database, queue mode). */
	env?: Record<string, string>;
}

/**
 * A fresh n8n user folder with the packed package installed where n8n looks for
 * community packages, driven through n8n's own CLI.
 */
export class N8nSandbox {
	/** Everything every n8n process printed, for the no-secret-in-output check. */
	readonly transcript: string[] = [];

	private commands = 0;

	private constructor(
		readonly install: N8nInstall,
		readonly userFolder: string,
		private readonly encryptionKey: string,
		private readonly extraEnv: Record<string, string>,
	) {}

	static async create(
		install: N8nInstall,
		tarball: string,
		options: SandboxOptions = {},
	): Promise<N8nSandbox> {
		const userFolder = mkdtempSync(path.join(os.tmpdir(), `n8n-e2e-${install.version}-`));
		const packageFolder = path.join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
		mkdirSync(packageFolder, { recursive: true });
		// What n8n's community-package installer leaves behind: the tarball's package/ folder.
		const untar = await runCommand('tar', [
			'-xzf',
			tarball,
			'-C',
			packageFolder,
			'--strip-components=1',
		]);
		if (untar.exitCode !== 0) throw new Error(describeFailure(`tar -xzf ${tarball}`, untar));
		return new N8nSandbox(
			install,
			userFolder,
			options.encryptionKey ?? randomBytes(24).toString('hex'),
			options.env ?? {},
		);
	}

	async importCredentials(credentials: CredentialFile[]): Promise<void> {
		const file = this.writeInput('credentials', credentials);
		await this.runOrThrow(['import:credentials', `--input=${file}`]);
	}

	async importWorkflows(workflows: WorkflowFile[]): Promise<void> {
		const file = this.writeInput('workflows', workflows);
		await this.runOrThrow(['import:workflow', `--input=${file}`]);
	}

	/** Makes the workflow's current version the active one (production webhooks). */
	async publishWorkflow(id: string): Promise<void> {
		await this.runOrThrow(['publish:workflow', `--id=${id}`]);
	}

	/**
	 * `n8n execute --id --rawOutput`: exit 1 when a node failed; run data parsed either way.
	 * `nodeFlags` go to this run's Node itself (e.g. --cpu-prof, which NODE_OPTIONS refuses).
	 */
	async execute(workflowId: string, nodeFlags: string[] = []): Promise<N8nRun> {
		const result = await this.run(['execute', `--id=${workflowId}`, '--rawOutput'], nodeFlags);
		return { ...result, execution: parseExecution(result.stdout) };
	}

	/** `n8n start` on free ports; resolves once its webhooks are served. */
	async start(): Promise<N8nServer> {
		const port = await freePort();
		const baseUrl = `http://127.0.0.1:${port}`;
		const child = spawnInGroup(this.install.nodeBinary, [this.install.n8nScript, 'start'], {
			env: await this.env({
				N8N_PORT: String(port),
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
			}),
		});
		const server = new N8nServer(child, baseUrl, this.transcript, this.logFile(['start']));
		await whenReady(server);
		return server;
	}

	/**
	 * `n8n worker` (queue mode), its health endpoint on a free port; resolves once it is
	 * connected to the database and Redis and takes jobs.
	 */
	async startWorker(): Promise<N8nServer> {
		const port = await freePort();
		const child = spawnInGroup(this.install.nodeBinary, [this.install.n8nScript, 'worker'], {
			env: await this.env({
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(port),
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
			}),
		});
		const worker = new N8nServer(
			child,
			`http://127.0.0.1:${port}`,
			this.transcript,
			this.logFile(['worker']),
			{ readyLogLine: WORKER_READY_LOG_LINE, healthPath: '/healthz/readiness' },
		);
		await whenReady(worker);
		return worker;
	}

	remove(): void {
		if (process.env.FLINKS_E2E_KEEP) return;
		rmSync(this.userFolder, { recursive: true, force: true });
	}

	private writeInput(kind: string, content: unknown): string {
		const folder = path.join(this.userFolder, 'inputs');
		mkdirSync(folder, { recursive: true });
		const file = path.join(folder, `${kind}-${Date.now()}-${randomBytes(3).toString('hex')}.json`);
		writeFileSync(file, JSON.stringify(content, null, 2));
		return file;
	}

	private async runOrThrow(args: string[]): Promise<CommandResult> {
		const result = await this.run(args);
		if (result.exitCode !== 0) throw new Error(describeFailure(`n8n ${args.join(' ')}`, result));
		return result;
	}

	private async run(args: string[], nodeFlags: string[] = []): Promise<CommandResult> {
		const command = [...nodeFlags, this.install.n8nScript, ...args];
		const result = await runCommand(this.install.nodeBinary, command, {
			cwd: this.userFolder,
			env: await this.env(),
			timeoutMs: 180_000,
			logFile: this.logFile(args),
		});
		this.transcript.push(result.stdout, result.stderr);
		return result;
	}

	/** Each n8n command's output, kept with the user folder when FLINKS_E2E_KEEP is set. */
	private logFile(args: string[]): string {
		const folder = path.join(this.userFolder, 'logs');
		mkdirSync(folder, { recursive: true });
		const command = args
			.join(' ')
			.replace(/[^\w=.-]+/g, '_')
			.slice(0, 60);
		return path.join(folder, `${String(++this.commands).padStart(2, '0')}-${command}.log`);
	}

	private async env(extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
		return hermeticEnv({
			PATH: this.install.path,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			...this.install.env,
			...this.extraEnv,
			...extra,
		});
	}
}

const READY_LOG_LINE = 'Editor is now accessible via';
const WORKER_READY_LOG_LINE = 'n8n worker is now ready';

interface Readiness {
	/** Logged once the process is ready; "Editor is now accessible via" for `n8n start`. */
	readyLogLine: string;
	/** Answers 200 once the process is ready. */
	healthPath: string;
}

/** A running `n8n start` (or `n8n worker`: its health server at baseUrl). */
export class N8nServer extends BackgroundProcess {
	private readonly readiness: Readiness;

	constructor(
		child: ChildProcess,
		readonly baseUrl: string,
		transcript: string[],
		logFile: string,
		readiness: Partial<Readiness> = {},
	) {
		super(child, (output) => {
			transcript.push(output);
			writeFileSync(logFile, output);
		});
		this.readiness = { readyLogLine: READY_LOG_LINE, healthPath: '/healthz', ...readiness };
	}

	/**
	 * /healthz answers before n8n has activated workflows and mounted their webhooks; n8n logs
	 * "Editor is now accessible via" once it has.
	 */
	async waitUntilReady(timeoutMs = 120_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		let healthy = false;
		while (Date.now() < deadline) {
			if (this.exited) throw new Error(`n8n exited before it was ready:\n${this.log.slice(-4000)}`);
			if (!healthy) {
				try {
					healthy = (await fetch(`${this.baseUrl}${this.readiness.healthPath}`)).ok;
				} catch {
					// Not listening yet.
				}
			}
			if (healthy && this.log.includes(this.readiness.readyLogLine)) return;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		throw new Error(`n8n was not ready after ${timeoutMs} ms:\n${this.log.slice(-4000)}`);
	}

	/**
	 * Waits until n8n serves a production webhook. Newer n8n releases activate published
	 * workflows in the background after start-up, so readiness alone is not enough; a CORS
	 * preflight lists the webhook's methods once it is registered and runs no workflow.
	 */
	async waitForWebhook(webhookPath: string, method = 'POST', timeoutMs = 60_000): Promise<string> {
		const url = `${this.baseUrl}/webhook/${webhookPath}`;
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (this.exited)
				throw new Error(`n8n exited while waiting for ${url}:\n${this.log.slice(-4000)}`);
			const response = await fetch(url, {
				method: 'OPTIONS',
				headers: { origin: 'http://127.0.0.1', 'access-control-request-method': method },
			});
			await response.arrayBuffer();
			const allowed = response.headers.get('access-control-allow-methods') ?? '';
			if (response.ok && allowed.split(/,\s*/).includes(method)) return url;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		throw new Error(
			`n8n did not register ${method} ${url} within ${timeoutMs} ms:\n${this.log.slice(-4000)}`,
		);
	}
}

/** Stops a process that never became ready, so a failed start leaves nothing running. */
async function whenReady(server: N8nServer): Promise<void> {
	let ready = false;
	try {
		await server.waitUntilReady();
		ready = true;
	} finally {
		if (!ready) await server.stop();
	}
}

/** n8n logs a few lines, then prints the run data as pretty JSON starting on a line of its own. */
export function parseExecution(stdout: string): ExecutionResult | undefined {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line.startsWith('{'));
	if (start === -1) return undefined;
	for (let end = lines.length; end > start; end--) {
		if (!lines[end - 1].startsWith('}')) continue;
		try {
			return JSON.parse(lines.slice(start, end).join('\n')) as ExecutionResult;
		} catch {
			// Keep looking for an earlier closing brace.
		}
	}
	return undefined;
}
