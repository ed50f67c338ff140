/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
/**
 * `npm run bench`: Flinks Session against n8n's HTTP Request node on a rate-limited fake Flinks
 * server, plus the node's own per-item overhead and memory, all in this one process, in one
 * N8nEngine (n8n-core's real WorkflowExecute); then the per-item table in real n8n, from the
 * packed tarball, on every pinned release (scripts/bench/per-item.ts). Prints figures; asserts nothing.
 */
import { createRequire } from 'module';
import os from 'os';
import path from 'path';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeParameters,
	INodeType,
	IVersionedNodeType,
} from 'n8n-workflow';

import { FlinksPayApi } from '../credentials/FlinksPayApi.credentials';
import { defaultN8nVersion, ensureN8n } from '../test/e2e/n8n-install';
import { FakeFlinksServer } from '../test/helpers/fake-flinks-server';
import { cancelParameters, customer } from '../test/helpers/flinks-test-bed';
import type { RunResult } from '../test/helpers/n8n-engine';
import { N8nEngine, NODE_NAME, shutdownN8nEngine, TRIGGER_NAME } from '../test/helpers/n8n-engine';
import { BaselineCancel } from './bench/baseline-node';
import { EXCHANGE_PATH, median } from './bench/bench-support';
import { runBulkN8nBench } from './bench/bulk-n8n';
import { runConnectBench } from './bench/connect';
import { runPerItemBench } from './bench/per-item';
import type { BulkRow, BulkRun } from './bench/bulk-rows';
import { bulkRuns, bulkTable, cpuFloorOf, ratioToLimit, runBulkRow } from './bench/bulk-rows';
import { cancelsAgainstSeparateFake } from './bench/separate-fake';
import type { RecordedRun } from './bench/timeline';
import type { CpuFloor } from './bench/timeline-report';
import { cpuFloor, fixedWindowReport, timelineReport } from './bench/timeline-report';

// tsx resolves the extensionless 'FlinksSession.node' to FlinksSession.node.json (the codex) first.
const { FlinksSession } =
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	require('../nodes/Flinks/FlinksSession.node.ts') as typeof import('../nodes/Flinks/FlinksSession.node');

const ITEMS = 2_000;
const LATENCY_MS = 25;
const SERVER_LIMIT = 10;
const PHYSICAL_LIMIT_S = (ITEMS * LATENCY_MS) / SERVER_LIMIT / 1000;
const OVERHEAD_ITEMS = 10_000;
const OVERHEAD_REPEATS = 3;

interface Row {
	run: string;
	wallMs: number;
	succeeded: number;
	lost: number;
	exchanges: number;
	rejected: number;
	extra?: string;
	/** The server's request log of the run, for its timeline. */
	recorded?: RecordedRun;
}

function log(line: string): void {
	process.stdout.write(`${line}\n`);
}

/** gc() without asking the npm script for --expose-gc. */
function collectGarbage(): void {
	setFlagsFromString('--expose-gc');
	(runInNewContext('gc') as () => void)();
}

async function loadHttpRequestNode(): Promise<{ type: IVersionedNodeType; version: string }> {
	const install = await ensureN8n(defaultN8nVersion(), log);
	const fromN8n = createRequire(path.join(install.folder, 'node_modules', 'n8n', 'package.json'));
	const nodesBase = fromN8n.resolve('n8n-nodes-base/package.json');
	const { HttpRequest } = createRequire(nodesBase)(
		path.join(path.dirname(nodesBase), 'dist/nodes/HttpRequest/HttpRequest.node.js'),
	) as { HttpRequest: new () => IVersionedNodeType };
	const { version } = createRequire(nodesBase)(nodesBase) as { version: string };
	return { type: new HttpRequest(), version: `n8n ${install.version} (n8n-nodes-base ${version})` };
}

class Bench {
	readonly rows: Row[] = [];

	private constructor(
		private readonly server: FakeFlinksServer,
		private readonly engine: N8nEngine,
	) {}

	static async start(httpRequest: IVersionedNodeType): Promise<Bench> {
		const server = await FakeFlinksServer.start();
		const engine = new N8nEngine({
			nodeTypes: {
				flinksSession: new FlinksSession(),
				httpRequest,
				baselineCancel: new BaselineCancel() as INodeType,
			},
			credentialTypes: [new FlinksPayApi()],
			credentials: Bench.credentialsFor(server),
		});
		return new Bench(server, engine);
	}

	static credentialsFor(server: FakeFlinksServer): ICredentialDataDecryptedObject {
		return {
			environment: 'custom',
			baseUrl: server.baseUrl,
			clientId: server.clientId,
			clientSecret: server.clientSecret,
		};
	}

	async stop(): Promise<void> {
		await this.server.stop();
		await shutdownN8nEngine();
	}

	/**
	 * A fresh server log, limits, and a new credential without a stored token, so each run starts
	 * cold: it exchanges its own token and its window starts from scratch (the node keeps both per
	 * credential in the process).
	 */
	private prepare(latencyMs: number, limit: number | undefined): void {
		this.server.reset();
		this.server.setLatency(latencyMs);
		this.server.setMaxInFlight(limit, limit === undefined ? undefined : '1');
		this.engine.replaceStoredCredentials(Bench.credentialsFor(this.server));
		this.engine.logLines.length = 0;
	}

	private sessionItems(count: number): IDataObject[] {
		return this.server.addSessions(count).map(({ sessionId }) => ({ sessionId }));
	}

	/** Runs the node on fresh sessions; lost = sessions the server did not cancel. */
	private async measure(
		run: string,
		nodeType: string,
		parameters: (items: IDataObject[]) => INodeParameters,
		exchangesBefore = 0,
	): Promise<Row> {
		const items = this.sessionItems(ITEMS);
		this.prepare(LATENCY_MS, SERVER_LIMIT);
		const startMs = this.server.now;
		const started = performance.now();
		const result = await this.engine.run({
			items,
			parameters: parameters(items),
			nodeType,
			// Failed items go on as error items instead of failing the node, so they can be counted.
			onError: 'continueRegularOutput',
		});
		const wallMs = performance.now() - started;
		const endMs = this.server.now;
		const cancelled = items.filter(
			({ sessionId }) => this.server.session(sessionId as string)?.status === 'Cancelled',
		).length;
		const row: Row = {
			run,
			wallMs,
			succeeded: result.items.filter((item) => item.json.error === undefined).length,
			lost: items.length - cancelled,
			exchanges: exchangesBefore + this.server.count({ path: EXCHANGE_PATH }),
			rejected: this.server.requests.filter((request) => request.status === 429).length,
			extra: result.error ? `node failed: ${result.error.message}` : undefined,
			recorded: {
				requests: [...this.server.requests],
				startMs,
				endMs,
				limit: SERVER_LIMIT,
				exchangesHoldPlaces: true,
			},
		};
		this.rows.push(row);
		return row;
	}

	async flinks(run: string, options: IDataObject): Promise<Row> {
		return await this.measure(run, 'flinksSession', () => cancelParameters(options));
	}

	/** The same cancels at 0 ms and no limit: n8n's own cost per request (the CPU floor). */
	async cancelsFloor(): Promise<CpuFloor> {
		return await cpuFloor(async () => {
			const floor = await this.sample('flinksSession', ITEMS);
			return { nodeMs: floor.wallMs, requests: floor.requests, fakeInProcess: true };
		});
	}

	/** Runs 1 and 2 again with the fake in a process of its own (scripts/bench/separate-fake.ts). */
	async separateFakeRuns(): Promise<void> {
		const setup = { items: ITEMS, latencyMs: LATENCY_MS, limit: SERVER_LIMIT };
		for (const line of await cancelsAgainstSeparateFake(this.engine, setup)) log(line);
	}

	/** JIT and module warm-up for the three node types, untimed, before run 1. */
	async warmUp(): Promise<void> {
		const count = 300;
		this.prepare(0, undefined);
		await this.engine.run({ items: this.sessionItems(count), parameters: cancelParameters() });
		await this.engine.run({
			items: this.sessionItems(count),
			nodeType: 'baselineCancel',
			parameters: { baseUrl: this.server.baseUrl, sessionId: '={{ $json.sessionId }}' },
		});
		await this.engine.run({
			items: this.sessionItems(count),
			nodeType: 'httpRequest',
			parameters: await this.httpRequestParameters({}),
		});
	}

	/** HTTP Request with the token as a header: the bench exchanges it once, as a user's workflow would. */
	private async httpRequestParameters(options: INodeParameters): Promise<INodeParameters> {
		const bearer = await this.server.authorizeOverHttp();
		return {
			method: 'POST',
			url: `={{ "${this.server.baseUrl}/api/v2/sessions/" + $json.sessionId + "/cancel" }}`,
			sendHeaders: true,
			headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${bearer}` }] },
			options,
		};
	}

	async httpRequest(run: string, options: INodeParameters): Promise<Row> {
		const parameters = await this.httpRequestParameters(options);
		return await this.measure(run, 'httpRequest', () => parameters, 1);
	}

	/** The month-end rows, each on a fresh server of its own; a timeline under those that have one. */
	async bulkRows(specs = bulkRuns()): Promise<BulkRow[]> {
		const rows: BulkRow[] = [];
		for (const spec of specs) {
			const row = await runBulkRow(this.engine, spec, Bench.credentialsFor);
			log(
				`  ${row.run}: ${(row.wallMs / 1000).toFixed(2)} s (× ${ratioToLimit(row)}), peak ${row.peakInFlight} in flight`,
			);
			if (hasTimeline(spec) && row.physicalMs !== undefined) {
				const floor = await cpuFloor(async () => {
					const run = await runBulkRow(this.engine, cpuFloorOf(spec), Bench.credentialsFor);
					return {
						nodeMs: run.wallMs,
						requests: run.recorded.requests.length,
						fakeInProcess: true,
					};
				});
				const lines = timelineReport(row.recorded, row.physicalMs, floor);
				for (const line of lines) log(line);
			}
			rows.push(row);
		}
		return rows;
	}

	/**
	 * What a user builds for month-end creates without this package: HTTP Request authorize, then
	 * HTTP Request create, per item, default options (issue 25). 200 creates, 50 ms, 429 above 10
	 * API calls in flight (token requests their own 10). Returns the figures as a line.
	 */
	async httpRequestCreates(): Promise<string> {
		const count = 200;
		const latencyMs = 50;
		this.server.reset();
		this.server.setLatency(latencyMs);
		this.server.setMaxInFlight(SERVER_LIMIT, '1', 'api');
		this.server.setMaxTokenRequestsInFlight(SERVER_LIMIT);
		const before = this.server.allSessions().length;
		const basic = Buffer.from(`${this.server.clientId}:${this.server.clientSecret}`).toString(
			'base64',
		);
		const trigger = (field: string) => `$("${TRIGGER_NAME}").item.json.${field}`;
		const node = (name: string, parameters: INodeParameters, x: number) => ({
			id: name,
			name,
			type: 'httpRequest',
			typeVersion: 4.2,
			position: [x, 0] as [number, number],
			parameters,
			onError: 'continueRegularOutput' as const,
		});
		const authorize = node(
			'Authorize',
			{
				method: 'POST',
				url: `${this.server.baseUrl}${EXCHANGE_PATH}`,
				sendHeaders: true,
				headerParameters: { parameters: [{ name: 'Authorization', value: `Basic ${basic}` }] },
				sendBody: true,
				contentType: 'form-urlencoded',
				bodyParameters: { parameters: [{ name: 'grant_type', value: 'client_credentials' }] },
				options: {},
			},
			200,
		);
		const create = node(
			'Create',
			{
				method: 'POST',
				url: `${this.server.baseUrl}/api/v2/sessions`,
				sendHeaders: true,
				headerParameters: {
					parameters: [{ name: 'Authorization', value: '={{ "Bearer " + $json.access_token }}' }],
				},
				sendBody: true,
				specifyBody: 'json',
				jsonBody: `={{ JSON.stringify({ referenceId: ${trigger('orderId')}, type: "e-Transfer", direction: "DEBIT", currency: "CAD", amount: ${trigger('amount')}, payor: { firstName: ${trigger('firstName')}, lastName: ${trigger('lastName')}, email: ${trigger('email')} } }) }}`,
				options: {},
			},
			400,
		);
		const started = performance.now();
		const run = await this.engine.runWorkflow({
			items: Array.from({ length: count }, (_, n) => customer(n)),
			nodes: [authorize, create],
			connections: {
				Authorize: { main: [[{ node: 'Create', type: NodeConnectionTypes.Main, index: 0 }]] },
			},
			first: 'Authorize',
		});
		const wallMs = performance.now() - started;
		const output = run.data.resultData.runData.Create?.[0]?.data?.main[0] ?? [];
		const created = this.server.allSessions().length - before;
		const failed = output.filter((item) => item.json.error !== undefined).length;
		const physicalMs = (count * latencyMs) / SERVER_LIMIT + latencyMs;
		return `| HTTP Request authorize + HTTP Request create per item (default options), ${count} items, ${latencyMs} ms, 429 above ${SERVER_LIMIT} API calls | ${(wallMs / 1000).toFixed(2)} s | ${(physicalMs / 1000).toFixed(2)} s | ${(wallMs / physicalMs).toFixed(2)} | ${count - failed} | ${failed} | ${created} | — | ${this.server.peakApiCallsInFlight} | ${this.server.count({ path: EXCHANGE_PATH })} | ${this.server.requests.filter((request) => request.status === 429).length} |`;
	}

	/**
	 * Run 5: 10,000 items, no latency, no limit. Overhead = (Flinks Session's execution time −
	 * BaselineCancel's) ÷ items, both as n8n records them (executionTime of the node's task),
	 * each the median of OVERHEAD_REPEATS alternating runs. Peak RSS: sampled every 2 ms during
	 * the run, minus RSS right before it (after a full GC).
	 */
	async overhead(): Promise<Row> {
		const baseline: Sample[] = [];
		const flinks: Sample[] = [];
		// Warm-up: JIT and connection pool, for both nodes.
		await this.sample('baselineCancel', 500);
		await this.sample('flinksSession', 500);
		for (let repeat = 0; repeat < OVERHEAD_REPEATS; repeat++) {
			baseline.push(await this.sample('baselineCancel', OVERHEAD_ITEMS));
			flinks.push(await this.sample('flinksSession', OVERHEAD_ITEMS));
		}
		const flinksMs = median(flinks.map((s) => s.nodeMs));
		const baselineMs = median(baseline.map((s) => s.nodeMs));
		const flinksRss = median(flinks.map((s) => s.peakRssDelta));
		const baselineRss = median(baseline.map((s) => s.peakRssDelta));
		const last = flinks[flinks.length - 1];
		const row: Row = {
			run: '5. Flinks Session, 10,000 items, 0 ms, no limit',
			wallMs: median(flinks.map((s) => s.wallMs)),
			succeeded: last.succeeded,
			lost: OVERHEAD_ITEMS - last.cancelled,
			exchanges: last.exchanges,
			rejected: 0,
			extra:
				`overhead ${((flinksMs - baselineMs) / OVERHEAD_ITEMS).toFixed(3)} ms/item ` +
				`(node ${(flinksMs / OVERHEAD_ITEMS).toFixed(3)} − baseline ${(baselineMs / OVERHEAD_ITEMS).toFixed(3)} ms/item); ` +
				`peak RSS +${mb(flinksRss)} MB (baseline node +${mb(baselineRss)} MB)`,
		};
		log(
			`  run 5 samples: flinks node ms ${flinks.map((s) => s.nodeMs).join(', ')}; baseline ms ${baseline
				.map((s) => s.nodeMs)
				.join(
					', ',
				)}; flinks RSS MB ${flinks.map((s) => mb(s.peakRssDelta)).join(', ')}; baseline RSS MB ${baseline
				.map((s) => mb(s.peakRssDelta))
				.join(', ')}`,
		);
		this.rows.push(row);
		return row;
	}

	private async sample(
		nodeType: 'flinksSession' | 'baselineCancel',
		count: number,
	): Promise<Sample> {
		const items = this.sessionItems(count);
		this.prepare(0, undefined);
		collectGarbage();
		const before = process.memoryUsage.rss();
		let peak = before;
		const sampler = setInterval(() => {
			peak = Math.max(peak, process.memoryUsage.rss());
		}, 2);
		const started = performance.now();
		let result: RunResult;
		try {
			result = await this.engine.run({
				items,
				nodeType,
				parameters:
					nodeType === 'flinksSession'
						? cancelParameters()
						: { baseUrl: this.server.baseUrl, sessionId: '={{ $json.sessionId }}' },
			});
		} finally {
			clearInterval(sampler);
		}
		const wallMs = performance.now() - started;
		peak = Math.max(peak, process.memoryUsage.rss());
		if (result.error) throw new Error(`${nodeType} failed: ${result.error.message}`);
		const sample: Sample = {
			wallMs,
			nodeMs: result.runData[NODE_NAME][0].executionTime,
			peakRssDelta: peak - before,
			succeeded: result.items.filter((item) => item.json.error === undefined).length,
			cancelled: items.filter(
				({ sessionId }) => this.server.session(sessionId as string)?.status === 'Cancelled',
			).length,
			exchanges: this.server.count({ path: EXCHANGE_PATH }),
			requests: this.server.requests.length,
		};
		// Drop what this run left behind: its items and results, and the server's request log.
		this.server.reset();
		return sample;
	}
}

interface Sample {
	wallMs: number;
	nodeMs: number;
	peakRssDelta: number;
	succeeded: number;
	cancelled: number;
	exchanges: number;
	requests: number;
}

/** The month-end rows printed with a timeline: 200 creates and 200 decisions under the API-call limit. */
function hasTimeline(spec: BulkRun): boolean {
	return spec.count === 200 && spec.scope === 'api';
}

function mb(bytes: number): string {
	return (bytes / 1024 / 1024).toFixed(1);
}

function table(rows: Row[]): string {
	const lines = [
		`| Run | Wall time | × ${PHYSICAL_LIMIT_S} s | Succeeded | Lost | Authorize calls | 429s received | Notes |`,
		'|---|---:|---:|---:|---:|---:|---:|---|',
	];
	for (const row of rows) {
		const ratio = row.run.startsWith('5.')
			? '—'
			: (row.wallMs / 1000 / PHYSICAL_LIMIT_S).toFixed(2);
		lines.push(
			`| ${row.run} | ${(row.wallMs / 1000).toFixed(2)} s | ${ratio} | ${row.succeeded} | ${row.lost} | ${row.exchanges} | ${row.rejected} | ${row.extra ?? ''} |`,
		);
	}
	return lines.join('\n');
}

/** Node, CPUs and the load average (the machine is shared: compare rows within one run). */
function logMachine(detail: string): void {
	log(
		`Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${detail}; load average ${loadAverage()}`,
	);
}

function logCancelsSetup(): void {
	log(
		`${ITEMS} cancels, ${LATENCY_MS} ms latency, 429 (Retry-After: 1) above ${SERVER_LIMIT} in flight; physical limit ${PHYSICAL_LIMIT_S} s`,
	);
}

function reportCancels(row: Row): void {
	log(`  ${row.run}: ${(row.wallMs / 1000).toFixed(2)} s, lost ${row.lost}, 429s ${row.rejected}`);
}

/** Runs 1 and 2, each with where its time went: run 1's timeline, and run 2's fixed window of 10 for reference. */
async function cancelRowsWithTimeline(bench: Bench): Promise<void> {
	const physicalMs = PHYSICAL_LIMIT_S * 1000;
	const adaptive = await bench.flinks('1. Flinks Session, default options', {});
	reportCancels(adaptive);
	const floor = await bench.cancelsFloor();
	for (const line of timelineReport(adaptive.recorded as RecordedRun, physicalMs, floor)) log(line);
	const fixed = await bench.flinks('2. Flinks Session, concurrency 10', { concurrency: 10 });
	reportCancels(fixed);
	for (const line of fixedWindowReport(fixed.recorded as RecordedRun, physicalMs, 10)) log(line);
}

async function engineBench(): Promise<void> {
	const { type: httpRequest, version } = await loadHttpRequestNode();
	logMachine(`HTTP Request from ${version}`);
	logCancelsSetup();
	const bench = await Bench.start(httpRequest);
	try {
		await bench.warmUp();
		await cancelRowsWithTimeline(bench);
		reportCancels(await bench.httpRequest('3. HTTP Request, default options', {}));
		reportCancels(
			await bench.httpRequest('4. HTTP Request, batching 10 items / 0 ms', {
				batching: { batch: { batchSize: 10, batchInterval: 0 } },
			}),
		);
		reportCancels(await bench.overhead());
		log('');
		log(table(bench.rows));
	} finally {
		await bench.stop();
	}
}

/**
 * Month-end rows (issue 25): bulk Creates and Confirm Guarantee decisions in one execution, the
 * Flinks Session node alone in the engine; then the same creates as a user builds them with n8n's
 * HTTP Request node (from the pinned n8n install).
 */
async function bulkBench(): Promise<void> {
	const { type: httpRequest, version } = await loadHttpRequestNode();
	logMachine(`HTTP Request from ${version}; month-end rows`);
	const bench = await Bench.start(httpRequest);
	try {
		const rows = await bench.bulkRows();
		log('');
		log(bulkTable(rows));
		log(await bench.httpRequestCreates());
	} finally {
		await bench.stop();
	}
}

/** Where the window's time goes: run 1 and the 200-item month-end rows, each with its timeline. */
async function timelineBench(): Promise<void> {
	const { type: httpRequest } = await loadHttpRequestNode();
	logMachine('timelines');
	logCancelsSetup();
	const bench = await Bench.start(httpRequest);
	try {
		await bench.warmUp();
		await cancelRowsWithTimeline(bench);
		await bench.bulkRows(bulkRuns().filter(hasTimeline));
		await bench.separateFakeRuns();
		log(`Load average at the end: ${loadAverage()}`);
	} finally {
		await bench.stop();
	}
}

function loadAverage(): string {
	return os
		.loadavg()
		.map((load) => load.toFixed(2))
		.join(', ');
}

/**
 * BENCH_ONLY=engine, per-item, bulk, bulk-n8n, connect or timeline runs one part; by default all
 * but timeline, the bulk rows (engine, then real n8n) first.
 */
async function main(): Promise<void> {
	const only = process.env.BENCH_ONLY ?? '';
	if (!['', 'engine', 'per-item', 'bulk', 'bulk-n8n', 'connect', 'timeline'].includes(only)) {
		throw new Error(
			`BENCH_ONLY is "${only}"; use engine, per-item, bulk, bulk-n8n, connect or timeline`,
		);
	}
	if (only === 'timeline') return await timelineBench();
	if (only === 'bulk') return await bulkBench();
	if (only === 'bulk-n8n') return await runBulkN8nBench(log);
	if (only === '') {
		await bulkBench();
		log('');
		await runBulkN8nBench(log);
		log('');
	}
	if (only === 'connect') return await runConnectBench(log);
	if (only !== 'per-item') await engineBench();
	if (only !== 'engine') {
		if (only === '') log('');
		await runPerItemBench(log);
	}
	if (only === '') {
		log('');
		await runConnectBench(log);
	}
}

main().catch((error: unknown) => {
	process.stderr.write(
		`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exit(1);
});
