/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
/**
 * Per-item cost in real n8n: the packed tarball in each pinned release, `n8n execute` of
 * Manual Trigger → Code node (the session IDs) → the measured node, against the fake Flinks
 * server in this process (0 ms latency, no in-flight limit). Per item = the measured node's own
 * executionTime in n8n's run data ÷ items. Optional CPU profile of the measured node's run.
 *
 * Environment: N8N_E2E_VERSIONS (e.g. 2.41.1), BENCH_ITEMS (2000), BENCH_REPEATS (3),
 * BENCH_PROFILE (1 = every row, or e.g. cancel,header), BENCH_PROFILE_DIR (default: a new temp folder).
 */
import { mkdirSync, mkdtempSync } from 'fs';
import os from 'os';
import path from 'path';

import type { N8nInstall, N8nVersion } from '../../test/e2e/n8n-install';
import { ensureN8n, n8nVersions } from '../../test/e2e/n8n-install';
import { N8nSandbox } from '../../test/e2e/n8n-sandbox';
import { buildAndPack, removeTarball } from '../../test/e2e/package-tarball';
import type { WorkflowFile } from '../../test/e2e/workflows';
import { credentialFile, sessionIdsWorkflow } from '../../test/e2e/workflows';
import type { FakeSession } from '../../test/helpers/fake-flinks-server';
import { FakeFlinksServer } from '../../test/helpers/fake-flinks-server';
import { EXCHANGE_PATH } from './bench-support';
import type { ProfileSummary } from './cpu-profile';
import { epochToProfileClock, profileOfWindow } from './cpu-profile';
import type { HttpRequestNodeVersion, RowKey } from './per-item-rows';
import { httpRequestNodeVersion, ROW_KEYS, ROWS } from './per-item-rows';
import { perItemReport } from './per-item-report';
import type { PerItemSettings } from './per-item-settings';
import { perItemSettings } from './per-item-settings';

export interface PerItemRun {
	row: RowKey;
	/** The measured node's executionTime; undefined when it did not run. */
	nodeMs?: number;
	/** Whole `n8n execute`: process start, database, workflow, exit. */
	wallMs: number;
	authorizeCalls: number;
	cancelled: number;
	emitted: number;
	failure?: string;
}

export interface ProfiledRun {
	row: RowKey;
	run: PerItemRun;
	/** How many processes wrote a profile; which one holds the node's run. */
	profilesWritten: number;
	file?: string;
	summary?: ProfileSummary;
	note?: string;
}

export interface ReleaseResult {
	version: N8nVersion;
	nodeVersion: string;
	httpRequest: HttpRequestNodeVersion;
	runs: PerItemRun[];
	profiles: ProfiledRun[];
}

interface PlannedRun {
	row: RowKey;
	workflow: WorkflowFile;
	nodeName: string;
}

type Log = (line: string) => void;

export async function runPerItemBench(log: Log, settings = perItemSettings()): Promise<void> {
	const versions = n8nVersions();
	log(
		`Per item in real n8n (${versions.map((v) => v.n8n).join(', ')}): ${settings.items} cancels, 0 ms latency, no limit, ${settings.repeats} alternating runs per row${settings.profile.length ? `; CPU profile of ${settings.profile.join(', ')}` : ''}`,
	);
	if (settings.profile.length > 0 && !settings.profileDir) {
		settings = {
			...settings,
			profileDir: mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-flinks-profiles-')),
		};
	}
	const tarball = await buildAndPack(log);
	const server = await FakeFlinksServer.start();
	const sessions = server.addSessions(settings.items);
	const results: ReleaseResult[] = [];
	try {
		for (const version of versions) {
			const install = await ensureN8n(version, log);
			results.push(
				await new ReleaseBench(version, install, server, sessions, log).run(tarball, settings),
			);
		}
	} finally {
		await server.stop();
		removeTarball(tarball);
	}
	log('');
	log(perItemReport(results, settings));
}

/** Every run of one n8n release, in one n8n user folder holding the packed package. */
class ReleaseBench {
	constructor(
		private readonly version: N8nVersion,
		private readonly install: N8nInstall,
		private readonly server: FakeFlinksServer,
		private readonly sessions: FakeSession[],
		private readonly log: Log,
	) {}

	async run(tarball: string, settings: PerItemSettings): Promise<ReleaseResult> {
		const { version } = this;
		const httpRequest = await httpRequestNodeVersion(this.install);
		const sandbox = await N8nSandbox.create(this.install, tarball);
		try {
			const token = await this.server.authorizeOverHttp();
			const plan = (tag: string, row: RowKey) => this.plan(tag, row, token, httpRequest);
			// Alternating, each repeat starting one row later, so no row always runs first.
			const timed = Array.from({ length: settings.repeats }, (_, repeat) =>
				ROW_KEYS.map((_, index) => ROW_KEYS[(index + repeat) % ROW_KEYS.length]).map((row) =>
					plan(`${repeat + 1}`, row),
				),
			).flat();
			const profiled = settings.profile.map((row) => plan('prof', row));
			const all = [...timed, ...profiled];
			await sandbox.importCredentials(
				all
					.filter(({ row }) => ROWS[row].usesCredential)
					.map(({ workflow }) => credentialFile(credentialOf(workflow.id as string), this.server)),
			);
			await sandbox.importWorkflows(all.map(({ workflow }) => workflow));

			const runs: PerItemRun[] = [];
			for (const planned of timed) runs.push(await this.measure(sandbox, planned));
			const profiles: ProfiledRun[] = [];
			for (const planned of profiled) {
				profiles.push(await this.profile(sandbox, planned, settings.profileDir));
			}
			const nodeVersion = version.node === 'system' ? process.versions.node : version.node;
			return { version, nodeVersion, httpRequest, runs, profiles };
		} finally {
			sandbox.remove();
		}
	}

	private plan(
		tag: string,
		row: RowKey,
		token: string,
		httpRequest: HttpRequestNodeVersion,
	): PlannedRun {
		// n8n takes workflow IDs of up to 21 characters.
		const id = `pi-${row}-${tag}`;
		const node = ROWS[row].node({
			baseUrl: this.server.baseUrl,
			token,
			httpRequest,
			credential: credentialOf(id),
		});
		const ids = this.sessions.map(({ sessionId }) => sessionId);
		return { row, workflow: sessionIdsWorkflow(id, ids, node), nodeName: node.name };
	}

	/** One `n8n execute` on the same sessions, every one Initiated again, and a clear request log. */
	private async measure(
		sandbox: N8nSandbox,
		planned: PlannedRun,
		nodeFlags: string[] = [],
	): Promise<PerItemRun & { startTime?: number }> {
		for (const session of this.sessions) session.status = 'Initiated';
		this.server.reset();
		const result = await sandbox.execute(planned.workflow.id as string, nodeFlags);
		const task = result.execution?.data.resultData.runData[planned.nodeName]?.[0];
		const failure =
			result.exitCode === 0
				? undefined
				: (result.execution?.data.resultData.error?.message ??
					`n8n execute exited with ${result.exitCode}: ${result.stderr.slice(-300)}`);
		const run = {
			row: planned.row,
			nodeMs: task?.executionTime,
			startTime: task?.startTime,
			wallMs: result.durationMs,
			authorizeCalls: this.server.count({ path: EXCHANGE_PATH }),
			cancelled: this.sessions.filter(({ status }) => status === 'Cancelled').length,
			emitted: task?.data?.main[0]?.length ?? 0,
			failure,
		};
		const perItem = run.nodeMs === undefined ? '—' : (run.nodeMs / this.sessions.length).toFixed(3);
		this.log(
			`  ${this.version.n8n} ${planned.workflow.id}: node ${run.nodeMs ?? '—'} ms (${perItem} ms/item), n8n execute ${(run.wallMs / 1000).toFixed(1)} s, authorize ${run.authorizeCalls}, cancelled ${run.cancelled}/${this.sessions.length}${failure ? `, FAILED: ${failure}` : ''}`,
		);
		return run;
	}

	/**
	 * The same run under `node --cpu-prof` (n8n runs a manual execution in its own process; only
	 * Code nodes go to a task runner), summarized over the measured node's own time span.
	 */
	private async profile(
		sandbox: N8nSandbox,
		planned: PlannedRun,
		profileDir: string,
	): Promise<ProfiledRun> {
		const folder = path.join(profileDir, this.version.n8n, planned.row);
		mkdirSync(folder, { recursive: true });
		const toProfileClock = epochToProfileClock();
		const run = await this.measure(sandbox, planned, [
			'--cpu-prof',
			`--cpu-prof-dir=${folder}`,
			'--cpu-prof-interval=500',
		]);
		const profiled: ProfiledRun = { row: planned.row, run, profilesWritten: 0 };
		if (run.startTime === undefined || run.nodeMs === undefined) {
			return { ...profiled, note: 'the node did not run' };
		}
		const { written, best } = profileOfWindow(folder, {
			startUs: toProfileClock(run.startTime),
			endUs: toProfileClock(run.startTime + run.nodeMs),
		});
		profiled.profilesWritten = written;
		if (!best) return { ...profiled, note: 'no profile covers the node’s run' };
		this.log(`  profile ${best.file} (${written} written)`);
		return { ...profiled, ...best };
	}
}

function credentialOf(workflowId: string) {
	return { id: `c-${workflowId}`, name: `Flinks Pay (${workflowId})` };
}
