/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test and tooling code runs in plain Node, never inside n8n */
/**
 * The month-end rows (bulk-rows.ts: the same runs, servers and table) in real n8n: the packed
 * tarball in each pinned release, `n8n execute` of Manual Trigger → Code node (the row's items)
 * → Flinks Session, against a fresh fake Flinks per row in this process. Node time = the Flinks
 * Session node's executionTime in n8n's run data. The CPU-floor row (no latency, no limit) shows
 * what n8n and the node cost per create in each release. Prints figures; asserts nothing.
 *
 * Environment: N8N_E2E_VERSIONS (e.g. 2.41.1; default every pinned release).
 */
import type { N8nInstall, N8nVersion } from '../../test/e2e/n8n-install';
import { ensureN8n, n8nVersions } from '../../test/e2e/n8n-install';
import { N8nSandbox } from '../../test/e2e/n8n-sandbox';
import { buildAndPack, removeTarball } from '../../test/e2e/package-tarball';
import type { CredentialRef, RunItem, WorkflowFile } from '../../test/e2e/workflows';
import {
	credentialFile,
	flinksSessionNode,
	itemsWorkflow,
	outputItems,
} from '../../test/e2e/workflows';
import { FakeFlinksServer } from '../../test/helpers/fake-flinks-server';
import type { BulkRow, BulkRun } from './bulk-rows';
import { bulkRowOf, bulkRuns, bulkTable, limitServer, ratioToLimit } from './bulk-rows';

type Log = (line: string) => void;

const FLINKS_NODE = 'Flinks Session';
const ITEMS_NODE = 'Month-end items';

/** One row in one release: its figures, or why it has none. */
export interface BulkN8nRun {
	spec: BulkRun;
	row?: BulkRow;
	/** Whole `n8n execute`: process start, database, every node, exit. */
	processMs: number;
	failure?: string;
}

interface ReleaseRows {
	version: N8nVersion;
	nodeVersion: string;
	runs: BulkN8nRun[];
}

/** A row with its own server (items made on it), credential and workflow in the release's n8n. */
export interface PlannedRow {
	spec: BulkRun;
	server: FakeFlinksServer;
	credential: CredentialRef;
	workflow: WorkflowFile;
}

export async function runBulkN8nBench(log: Log): Promise<void> {
	const versions = n8nVersions();
	const specs = bulkRuns();
	log(
		`Month-end rows in real n8n (${versions.map((v) => v.n8n).join(', ')}): ${specs.length} rows, each on a fresh fake Flinks and a credential without a stored token; node time = Flinks Session's executionTime in n8n's run data`,
	);
	const tarball = await buildAndPack(log);
	const releases: ReleaseRows[] = [];
	try {
		for (const version of versions) {
			const install = await ensureN8n(version, log);
			releases.push(await runRelease(version, install, tarball, specs, log));
		}
	} finally {
		removeTarball(tarball);
	}
	for (const release of releases) {
		log('');
		log(releaseReport(release));
	}
}

/** Every row of one release in one n8n user folder holding the packed package. */
async function runRelease(
	version: N8nVersion,
	install: N8nInstall,
	tarball: string,
	specs: BulkRun[],
	log: Log,
): Promise<ReleaseRows> {
	const sandbox = await N8nSandbox.create(install, tarball);
	const planned: PlannedRow[] = [];
	try {
		for (const [index, spec] of specs.entries()) planned.push(await planRow(spec, index));
		await sandbox.importCredentials(
			planned.map((row) => credentialFile(row.credential, row.server)),
		);
		await sandbox.importWorkflows(planned.map((row) => row.workflow));
		const runs: BulkN8nRun[] = [];
		for (const row of planned) {
			const run = await measure(sandbox, row);
			log(`  ${version.n8n} ${describeRun(run)}`);
			runs.push(run);
		}
		const nodeVersion = version.node === 'system' ? process.versions.node : version.node;
		return { version, nodeVersion, runs };
	} finally {
		for (const row of planned) await row.server.stop();
		sandbox.remove();
	}
}

export async function planRow(spec: BulkRun, index: number): Promise<PlannedRow> {
	const server = await FakeFlinksServer.start();
	// n8n takes workflow IDs of up to 21 characters.
	const id = `bulk-${index + 1}`;
	const credential = { id: `c-${id}`, name: `Flinks Pay (${id})` };
	const node = flinksSessionNode(
		{
			name: FLINKS_NODE,
			credential,
			parameters: spec.parameters,
			onError: spec.onError ?? 'continueRegularOutput',
		},
		[440, 0],
	);
	// Made on this row's server before the run: guarantees awaiting a decision for confirms.
	const workflow = itemsWorkflow(id, spec.items(server), node, ITEMS_NODE);
	return { spec, server, credential, workflow };
}

/** One `n8n execute` against the row's server, limited as the engine part limits it. */
export async function measure(sandbox: N8nSandbox, planned: PlannedRow): Promise<BulkN8nRun> {
	const { spec, server, workflow } = planned;
	limitServer(server, spec);
	const result = await sandbox.execute(workflow.id as string);
	const task = result.execution?.data.resultData.runData[FLINKS_NODE]?.[0];
	const failure =
		result.exitCode === 0
			? undefined
			: (result.execution?.data.resultData.error?.message ??
				`n8n execute exited with ${result.exitCode}: ${result.stderr.slice(-300)}`);
	if (task?.executionTime === undefined) {
		return { spec, processMs: result.durationMs, failure: failure ?? 'Flinks Session did not run' };
	}
	const output = result.execution ? outputItems(result.execution, FLINKS_NODE) : [];
	const succeeded = output.filter((item) => item.json.error === undefined).length;
	const row = bulkRowOf(spec, server, { wallMs: task.executionTime, succeeded });
	return { spec, row, processMs: result.durationMs, failure: failure ?? itemErrors(output) };
}

/** How many items came out as errors and the first one's error, or undefined when none did. */
function itemErrors(output: RunItem[]): string | undefined {
	const errors = output.filter((item) => item.json.error !== undefined);
	if (errors.length === 0) return undefined;
	return `${errors.length} error items, the first: ${JSON.stringify(errors[0].json.error).slice(0, 300)}`;
}

function describeRun(run: BulkN8nRun): string {
	const processTime = `n8n execute ${(run.processMs / 1000).toFixed(1)} s`;
	if (!run.row) return `${run.spec.run}: DID NOT RUN (${run.failure}), ${processTime}`;
	const { row } = run;
	return `${row.run}: node ${(row.wallMs / 1000).toFixed(2)} s (× ${ratioToLimit(row)}), ${processTime}, peak ${row.peakInFlight} in flight${run.failure ? `, FAILED: ${run.failure}` : ''}`;
}

/** The release's table (rows that ran), then every row that did not run or failed, and why. */
function releaseReport(release: ReleaseRows): string {
	const { version, nodeVersion, runs } = release;
	const lines = [`n8n ${version.n8n} on Node ${nodeVersion}:`, ''];
	const ran = runs.flatMap((run) => (run.row ? [run.row] : []));
	if (ran.length > 0) lines.push(bulkTable(ran));
	lines.push(
		'',
		`n8n execute (process start to exit): ${runs.map((run) => `${(run.processMs / 1000).toFixed(1)} s`).join(', ')}`,
	);
	for (const run of runs.filter((candidate) => candidate.failure)) {
		lines.push(`${run.row ? 'Failed' : 'Not run'}: ${run.spec.run}: ${run.failure}`);
	}
	return lines.join('\n');
}
