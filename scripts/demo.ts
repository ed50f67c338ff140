/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test and tooling code runs in plain Node, never inside n8n */
/**
 * `npm run demo`: builds and packs the package, installs it into a fresh n8n user folder the
 * way n8n installs community packages, and runs the scheduled-cleanup example in real n8n
 * against the fake Flinks server. Prints what happened to each session.
 */
import { FakeFlinksServer } from '../test/helpers/fake-flinks-server';
import { defaultN8nVersion, ensureN8n } from '../test/e2e/n8n-install';
import { N8nSandbox } from '../test/e2e/n8n-sandbox';
import { buildAndPack, CREDENTIAL_TYPE, removeTarball } from '../test/e2e/package-tarball';
import { SAMPLE_SESSIONS, seedSampleSessions } from '../test/e2e/sample-sessions';
import type { ExecutionResult, RunItem, WorkflowFile } from '../test/e2e/workflows';
import {
	EXAMPLE_CREDENTIAL,
	EXAMPLES,
	flinksNodes,
	loadExample,
	manualTwin,
	outputItems,
	pairedIndex,
	prepared,
} from '../test/e2e/workflows';

const started = Date.now();

function step(message: string): void {
	const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
	process.stdout.write(`[${seconds}s] ${message}\n`);
}

async function main(): Promise<void> {
	// n8n first: a failed install then leaves no pack folder behind.
	const install = await ensureN8n(defaultN8nVersion(), step);
	const tarball = await buildAndPack(step);
	let server: FakeFlinksServer | undefined;
	let sandbox: N8nSandbox | undefined;
	try {
		server = await FakeFlinksServer.start();
		sandbox = await N8nSandbox.create(install, tarball);
		seedSampleSessions(server);
		const states = SAMPLE_SESSIONS.map((session) => session.status ?? 'unknown to Flinks');
		step(`Fake Flinks on ${server.baseUrl} holds the example's sessions: ${summarize(states)}`);
		step(
			`Fresh n8n ${install.version} user folder with the package installed: ${sandbox.userFolder}`,
		);
		await sandbox.importCredentials([
			{
				...EXAMPLE_CREDENTIAL,
				type: CREDENTIAL_TYPE,
				data: {
					environment: 'custom',
					baseUrl: server.baseUrl,
					clientId: server.clientId,
					clientSecret: server.clientSecret,
				},
			},
		]);
		// The schedule trigger becomes a manual one: `n8n execute` starts from a manual trigger.
		const workflow = prepared(
			manualTwin(loadExample(EXAMPLES.scheduledCleanup), [{}]),
			'demoScheduledCleanup',
			EXAMPLE_CREDENTIAL,
		);
		await sandbox.importWorkflows([workflow]);
		step(`Running examples/${EXAMPLES.scheduledCleanup} with n8n execute`);
		const run = await sandbox.execute(workflow.id as string);
		if (!run.execution) {
			throw new Error(
				`n8n printed no run data (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`,
			);
		}
		const [flinks] = flinksNodes(workflow);
		printTable(run.execution, inputNodeOf(workflow, flinks.name), flinks.name);
		printAuditLines(run.execution, workflow, flinks.name);
		step(
			`Done: execution ${run.execution.status} (exit code ${run.exitCode}); Flinks saw ${server.count({ path: '/api/v1/authorize' })} token request and ${server.count({ path: /\/cancel$/ })} cancel calls`,
		);
	} finally {
		sandbox?.remove();
		removeTarball(tarball);
		await server?.stop();
	}
}

function summarize(values: string[]): string {
	const counts = new Map<string, number>();
	for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
	return [...counts].map(([value, count]) => `${count} ${value}`).join(', ');
}

/** The node whose items the given node received. */
function inputNodeOf(workflow: WorkflowFile, node: string): string {
	const entry = Object.entries(workflow.connections).find(([, { main }]) =>
		main.some((targets) => targets.some((target) => target.node === node)),
	);
	if (!entry) throw new Error(`Nothing feeds "${node}"`);
	return entry[0];
}

/** One row per input item, matched to the Flinks node's output through pairedItem. */
function printTable(execution: ExecutionResult, inputNode: string, flinksNode: string): void {
	const byInput = new Map<number, { item: RunItem; failed: boolean }>();
	for (const [output, failed] of [
		[0, false],
		[1, true],
	] as const) {
		for (const item of outputItems(execution, flinksNode, output)) {
			const index = pairedIndex(item);
			if (index !== undefined) byInput.set(index, { item, failed });
		}
	}
	const rows = outputItems(execution, inputNode).map((input, index) => {
		const result = byInput.get(index);
		const json = result?.item.json ?? {};
		if (!result) return [String(input.json.sessionId), '-', '-', 'no output'];
		if (result.failed) return [String(input.json.sessionId), '-', '-', String(json.error)];
		return [String(input.json.sessionId), String(json.status), String(json.alreadyEnded), ''];
	});
	const header = ['sessionId', 'status', 'alreadyEnded', 'error'];
	const widths = header.map((title, column) =>
		Math.max(title.length, ...rows.map((row) => row[column].length)),
	);
	const line = (cells: string[]) =>
		cells
			.map((cell, column) => cell.padEnd(widths[column]))
			.join('  ')
			.trimEnd();
	const rule = widths.map((width) => '-'.repeat(width));
	process.stdout.write(`\n${[header, rule, ...rows].map(line).join('\n')}\n\n`);
}

/** What the nodes on the success and failure branches wrote. */
function printAuditLines(
	execution: ExecutionResult,
	workflow: WorkflowFile,
	flinksNode: string,
): void {
	const branches = workflow.connections[flinksNode]?.main ?? [];
	for (const [output, targets] of branches.entries()) {
		for (const { node } of targets) {
			const lines = outputItems(execution, node).map((item) => String(item.json.auditLine));
			const branch = output === 0 ? 'success branch' : 'error output';
			process.stdout.write(`${node} (${branch}, ${lines.length}):\n`);
			for (const auditLine of lines) process.stdout.write(`  ${auditLine}\n`);
		}
	}
	process.stdout.write('\n');
}

process.once('SIGINT', () => process.exit(130));
main().catch((error: unknown) => {
	process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
