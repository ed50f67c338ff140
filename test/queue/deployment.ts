/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test and tooling code runs in plain Node, never inside n8n */
import { randomBytes } from 'crypto';

import type { N8nInstall } from '../e2e/n8n-install';
import type { CredentialFile, N8nServer } from '../e2e/n8n-sandbox';
import { N8nSandbox } from '../e2e/n8n-sandbox';
import type { WorkflowFile } from '../e2e/workflows';
import type { LocalPostgres, LocalRedis } from './services';
import type { Teardown } from './teardown';

export interface QueueDeploymentOptions {
	install: N8nInstall;
	tarball: string;
	postgres: LocalPostgres;
	redis: LocalRedis;
	workers: number;
	credentials: CredentialFile[];
	/** Imported and published; its production webhook is what the deployment serves. */
	workflow: WorkflowFile;
	webhookPath: string;
	/** More published workflows, each with its production webhook (e.g. the create round's). */
	otherWorkflows?: Array<{ workflow: WorkflowFile; webhookPath: string }>;
	teardown: Teardown;
}

export interface ExecutionRow {
	id: string;
	status: string;
	mode: string;
}

/** n8n logs this on the worker that runs an execution (scaling/job-processor). */
const WORKER_STARTED = /Worker started execution (\d+) \(job (\d+)\)/g;

/**
 * n8n in queue mode: one `n8n start` (main: editor, webhooks, enqueues executions) and
 * `n8n worker` processes (run them), each with its own user folder holding the packed package,
 * all on one Postgres database, one Redis and one encryption key.
 */
export class QueueDeployment {
	private constructor(
		private readonly main: N8nServer,
		private readonly workerProcesses: Map<string, N8nServer>,
		private readonly postgres: LocalPostgres,
		private readonly workflowId: string,
		readonly webhookUrl: string,
		/** The production webhook URL of each of `otherWorkflows`, by path. */
		readonly otherWebhookUrls: Map<string, string>,
	) {}

	static async start(options: QueueDeploymentOptions): Promise<QueueDeployment> {
		const { install, tarball, teardown } = options;
		const shared = {
			encryptionKey: randomBytes(24).toString('hex'),
			env: {
				...options.postgres.n8nEnv(),
				...options.redis.n8nEnv(),
				EXECUTIONS_MODE: 'queue',
				...(process.env.FLINKS_QUEUE_LOG_LEVEL
					? { N8N_LOG_LEVEL: process.env.FLINKS_QUEUE_LOG_LEVEL }
					: {}),
			},
		};
		const sandbox = async (what: string) => {
			const created = await N8nSandbox.create(install, tarball, shared);
			teardown.add(`removing the ${what} user folder`, () => created.remove());
			return created;
		};
		const main = await sandbox('main');
		const workers = new Map<string, N8nSandbox>();
		for (let index = 1; index <= options.workers; index++) {
			workers.set(`worker-${index}`, await sandbox(`worker-${index}`));
		}

		// The first command creates the schema; the processes then start on a migrated database.
		const workflowId = String(options.workflow.id);
		await main.importCredentials(options.credentials);
		const others = options.otherWorkflows ?? [];
		await main.importWorkflows([options.workflow, ...others.map((other) => other.workflow)]);
		await main.publishWorkflow(workflowId);
		for (const other of others) await main.publishWorkflow(String(other.workflow.id));

		const names = ['main', ...workers.keys()];
		const started = await Promise.allSettled([
			main.start(),
			...[...workers.values()].map((worker) => worker.startWorker()),
		]);
		const processes = new Map<string, N8nServer>();
		started.forEach((outcome, index) => {
			if (outcome.status === 'fulfilled') processes.set(names[index], outcome.value);
		});
		// All at once: each waits up to N8N_GRACEFUL_SHUTDOWN_TIMEOUT for its running executions.
		teardown.add(`stopping n8n ${[...processes.keys()].join(', ')}`, async () => {
			await Promise.all([...processes.values()].map((n8n) => n8n.stop()));
		});
		const failed = started.find((outcome) => outcome.status === 'rejected');
		if (failed) throw (failed as PromiseRejectedResult).reason;

		const mainProcess = processes.get('main') as N8nServer;
		processes.delete('main');
		const webhookUrl = await mainProcess.waitForWebhook(options.webhookPath);
		const otherWebhookUrls = new Map<string, string>();
		for (const { webhookPath } of others) {
			otherWebhookUrls.set(webhookPath, await mainProcess.waitForWebhook(webhookPath));
		}
		return new QueueDeployment(
			mainProcess,
			processes,
			options.postgres,
			workflowId,
			webhookUrl,
			otherWebhookUrls,
		);
	}

	get workerNames(): string[] {
		return [...this.workerProcesses.keys()];
	}

	/** Highest execution ID of the workflow so far ("0" for none). */
	async lastExecutionId(): Promise<string> {
		const [[id]] = await this.postgres.query(
			`select coalesce(max(id), 0) from execution_entity where "workflowId" = '${this.workflowId}'`,
		);
		return id;
	}

	/** The workflow's executions after `afterId`, as n8n recorded them in Postgres. */
	async executionsAfter(afterId: string): Promise<ExecutionRow[]> {
		const rows = await this.postgres.query(
			`select id, status, mode from execution_entity where "workflowId" = '${this.workflowId}' and id > ${Number(afterId)} order by id`,
		);
		return rows.map(([id, status, mode]) => ({ id, status, mode }));
	}

	/**
	 * Which worker ran which execution: n8n records no worker in the database, but each worker
	 * logs "Worker started execution N (job J)" for every job it takes. More than one name for
	 * an execution means it ran twice (a stalled job taken over by another worker).
	 */
	workersByExecution(): Map<string, string[]> {
		const ran = new Map<string, string[]>();
		for (const [name, worker] of this.workerProcesses) {
			for (const [, executionId] of worker.log.matchAll(WORKER_STARTED)) {
				ran.set(executionId, [...(ran.get(executionId) ?? []), name]);
			}
		}
		return ran;
	}

	/** The processes (main first) whose output contains `text`. */
	processesPrinting(text: string): string[] {
		const all: Array<[string, N8nServer]> = [['main', this.main], ...this.workerProcesses];
		return all.filter(([, process]) => process.log.includes(text)).map(([name]) => name);
	}
}
