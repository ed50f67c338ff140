/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test and tooling code runs in plain Node, never inside n8n */
/**
 * `npm run test:queue`: the packed package in a real queue-mode deployment of n8n 2.8.4
 * (Postgres, Redis, `n8n start` and two `n8n worker`s) against the fake Flinks server at 25 ms
 * per request and 429 above 10 in flight. Two rounds of 20 webhook calls × 250 sessions, the
 * second after Flinks revoked every token. Prints figures, BENCHMARKS.md rows and one summary
 * line last; exits non-zero when a correctness target is missed (speed is a figure only).
 */
import { FakeFlinksServer } from '../helpers/fake-flinks-server';
import { defaultN8nVersion, ensureN8n } from '../e2e/n8n-install';
import { buildAndPack, removeTarball } from '../e2e/package-tarball';
import { credentialFile } from '../e2e/workflows';
import { QueueDeployment } from './deployment';
import type { Check, Limits } from './report';
import { markdownRows, roundChecks, roundLine, summaryLine, whichWorkerRanWhat } from './report';
import type { RoundFigures } from './round';
import { runRound } from './round';
import { ensureDebianPackages } from './debian-packages';
import { LocalPostgres, LocalRedis } from './services';
import { Teardown } from './teardown';
import { QUEUE_CREDENTIAL, queueModeWorkflow, WEBHOOK_PATH } from './workflow';
import { createRoundChecks, createRoundLine, runCreateRound } from './createRound';
import { CREATE_WEBHOOK_PATH, queueModeCreateWorkflow } from './createWorkflow';

const LIMITS: Limits = { latencyMs: 25, maxInFlight: 10, workers: 2 };
/** As in npm run bench: the gateway's 429 asks to come back in a second. */
const RETRY_AFTER_SECONDS = '1';
const CALLS = 20;
const SESSIONS_PER_CALL = 250;
/** The create round (issue 25): 250 creates across the workers, 50 per execution. */
const CREATE_CALLS = 5;
const CUSTOMERS_PER_CALL = 50;
/** Everything, a cold n8n install included; then the run stops itself and cleans up. */
const DEADLINE_MS = 40 * 60_000;
const UNRECOGNIZED = 'Unrecognized node type';

const started = Date.now();

function step(message: string): void {
	const elapsed = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
	process.stdout.write(`[${elapsed}s] ${message}\n`);
}

interface Outcome {
	rounds: RoundFigures[];
	checks: Check[];
	workers: string[];
}

async function run(teardown: Teardown): Promise<Outcome> {
	await ensureDebianPackages(step);
	const install = await ensureN8n(defaultN8nVersion(), step);
	const tarball = await buildAndPack(step);
	teardown.add('removing the tarball', () => removeTarball(tarball));

	step('Starting PostgreSQL and Redis on free ports with throwaway data folders');
	const [postgres, redis] = await Promise.all([
		LocalPostgres.start(teardown),
		LocalRedis.start(teardown),
	]);
	const server = await FakeFlinksServer.start();
	teardown.add('stopping the fake Flinks server', () => server.stop());
	server.setLatency(LIMITS.latencyMs);
	server.setMaxInFlight(LIMITS.maxInFlight, RETRY_AFTER_SECONDS);
	step(
		`Postgres on ${postgres.port}, Redis on ${redis.port}, fake Flinks on ${server.baseUrl} (${LIMITS.latencyMs} ms, 429 above ${LIMITS.maxInFlight} in flight)`,
	);

	step(`Starting n8n ${install.version} in queue mode: main and ${LIMITS.workers} workers`);
	const deployment = await QueueDeployment.start({
		install,
		tarball,
		postgres,
		redis,
		workers: LIMITS.workers,
		credentials: [credentialFile(QUEUE_CREDENTIAL, server)],
		workflow: queueModeWorkflow(),
		webhookPath: WEBHOOK_PATH,
		otherWorkflows: [{ workflow: queueModeCreateWorkflow(), webhookPath: CREATE_WEBHOOK_PATH }],
		teardown,
	});
	step(`Serving ${deployment.webhookUrl}`);

	const plan = { calls: CALLS, sessionsPerCall: SESSIONS_PER_CALL };
	const rounds: RoundFigures[] = [];
	const round = async (label: string) => {
		step(`${label}: ${CALLS} webhook calls × ${SESSIONS_PER_CALL} Initiated sessions, at once`);
		const figures = await runRound(server, deployment, { label, ...plan });
		rounds.push(figures);
		step(roundLine(figures, LIMITS, deployment.workerNames));
		step(`  executions: ${whichWorkerRanWhat(figures, deployment.workerNames)}`);
		step(
			`  authorize calls (s after the first request: answer): ${figures.authorizeTimeline.map((call) => `${(call.atMs / 1000).toFixed(2)}: ${call.status}`).join(', ') || 'none'}`,
		);
		step(`  429s per 2 s: ${figures.rejectedOverTime.join(' ')}`);
		step(`  open at Flinks per 2 s: ${figures.inFlightOverTime.join(' ')}`);
		step(
			`  from Flinks' last answer to the last webhook answer: ${(figures.afterLastAnswerMs / 1000).toFixed(1)} s`,
		);
		for (const [message, count] of figures.errorMessages)
			step(`  error items: ${count} × ${message}`);
	};
	await round('Round 1 (fresh credential)');
	server.revokeTokens();
	await round('Round 2 (every token revoked)');

	step(`Create round: ${CREATE_CALLS} webhook calls × ${CUSTOMERS_PER_CALL} customers, at once`);
	const creates = await runCreateRound(
		server,
		deployment.otherWebhookUrls.get(CREATE_WEBHOOK_PATH) as string,
		{ calls: CREATE_CALLS, customersPerCall: CUSTOMERS_PER_CALL },
	);
	step(createRoundLine(creates));

	const unrecognized = deployment.processesPrinting(UNRECOGNIZED);
	const checks = [
		...rounds.flatMap((figures) => roundChecks(figures, LIMITS)),
		...createRoundChecks(creates, LIMITS.workers),
		{
			name: `no n8n process logged "${UNRECOGNIZED}"`,
			passed: unrecognized.length === 0,
			detail: unrecognized.length ? `logged by ${unrecognized.join(', ')}` : 'none',
		},
	];
	return { rounds, checks, workers: deployment.workerNames };
}

function report({ rounds, checks, workers }: Outcome): boolean {
	process.stdout.write('\nChecks:\n');
	for (const check of checks) {
		process.stdout.write(`  ${check.passed ? 'ok  ' : 'FAIL'}  ${check.name} — ${check.detail}\n`);
	}
	process.stdout.write(
		`\nBENCHMARKS.md rows (Queue mode):\n\n${markdownRows(rounds, LIMITS, workers)}\n\n`,
	);
	process.stdout.write(`${summaryLine(rounds, checks, LIMITS, Date.now() - started)}\n`);
	return checks.every((check) => check.passed);
}

async function main(): Promise<void> {
	const teardown = new Teardown(step);
	let aborted = false;
	const abort = (why: string, exitCode: number) => {
		aborted = true;
		step(`${why}: stopping everything this run started`);
		void teardown.run().finally(() => process.exit(exitCode));
	};
	process.once('SIGINT', () => abort('Interrupted (SIGINT)', 130));
	process.once('SIGTERM', () => abort('Terminated (SIGTERM)', 143));
	const deadline = setTimeout(
		() => abort(`Still running after ${DEADLINE_MS / 60_000} min`, 1),
		DEADLINE_MS,
	);

	let outcome: Outcome | undefined;
	try {
		outcome = await run(teardown);
	} catch (error) {
		// After an abort, the run fails because its services are going away: nothing to add.
		if (!aborted)
			process.stderr.write(
				`test:queue failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
			);
	} finally {
		await teardown.run();
		clearTimeout(deadline);
	}
	const passed = outcome ? report(outcome) : false;
	if (!outcome)
		process.stdout.write(
			`test:queue FAIL (did not complete) | total ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
		);
	process.exit(passed ? 0 : 1);
}

void main();
