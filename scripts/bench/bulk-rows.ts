/**
 * Month-end rows of `npm run bench` (issue 25): hundreds of Creates and Confirm Guarantee
 * decisions in one execution against a fake Flinks that answers in `latencyMs` (token requests
 * too) and turns away what is above 10 in flight, in one N8nEngine. Prints figures; asserts nothing.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { FakeFlinksServer } from '../../test/helpers/fake-flinks-server';
import { addGuaranteeAwaitingDecision } from '../../test/helpers/fake-flinks-eft';
import { createParameters, customers, sessionParameters } from '../../test/helpers/flinks-test-bed';
import type { N8nEngine } from '../../test/helpers/n8n-engine';
import { EXCHANGE_PATH } from './bench-support';
import type { RecordedRun } from './timeline';

export const SERVER_LIMIT = 10;

/**
 * Where the server's limit applies: API calls only (token requests have their own), every
 * request, or nowhere (the CPU floor: what n8n and the node cost per item on this machine).
 */
export type LimitScope = 'api' | 'all' | 'none';

export interface BulkRow {
	run: string;
	wallMs: number;
	/** What the server allows at best: each call holds a place for latencyMs, plus one exchange; undefined without a limit. */
	physicalMs?: number;
	succeeded: number;
	failed: number;
	/** Sessions the server holds (creates) or guarantees it decided (confirms). */
	done: number;
	twice: number;
	peakInFlight: number;
	exchanges: number;
	rejected: number;
	/** The server's request log of the run, for its timeline (engine rows only). */
	recorded?: RecordedRun;
}

export interface BulkRun {
	run: string;
	count: number;
	latencyMs: number;
	scope: LimitScope;
	parameters: INodeParameters;
	items: (server: FakeFlinksServer) => IDataObject[];
	onError?: 'continueRegularOutput';
	/** Requests a call needs at the server (a create with its own token: 2 when exchanges count). */
	requestsPerItem: number;
}

/** Runs one bulk row on a fresh server and a credential without a stored token. */
export async function runBulkRow(
	engine: N8nEngine,
	spec: BulkRun,
	credentialsFor: (server: FakeFlinksServer) => ICredentialDataDecryptedObject,
): Promise<BulkRow & { recorded: RecordedRun }> {
	const server = await FakeFlinksServer.start();
	try {
		const items = spec.items(server);
		limitServer(server, spec);
		engine.replaceStoredCredentials(credentialsFor(server));
		const startMs = server.now;
		const started = performance.now();
		const result = await engine.run({
			items,
			parameters: spec.parameters,
			onError: spec.onError ?? 'continueRegularOutput',
		});
		const wallMs = performance.now() - started;
		const endMs = server.now;
		const succeeded = result.items.filter((item) => item.json.error === undefined).length;
		return {
			...bulkRowOf(spec, server, { wallMs, succeeded }),
			recorded: {
				requests: [...server.requests],
				startMs,
				endMs,
				limit: SERVER_LIMIT,
				exchangesHoldPlaces: spec.scope === 'all',
			},
		};
	} finally {
		await server.stop();
	}
}

/** A clear request log, then the row's latency and in-flight limits, right before it runs. */
export function limitServer(server: FakeFlinksServer, spec: BulkRun): void {
	server.reset();
	server.setLatency(spec.latencyMs);
	if (spec.scope !== 'none') server.setMaxInFlight(SERVER_LIMIT, '1', spec.scope);
	if (spec.scope === 'api') server.setMaxTokenRequestsInFlight(SERVER_LIMIT);
}

/** The row's figures: the node's time and successes, and what the server did and holds after the run. */
export function bulkRowOf(
	spec: BulkRun,
	server: FakeFlinksServer,
	{ wallMs, succeeded }: { wallMs: number; succeeded: number },
): BulkRow {
	const isConfirm = spec.run.includes('Confirm');
	const references = server.allSessions().map((session) => session.referenceId);
	const decided = server
		.allSessions()
		.filter((session) => session.eft?.step.current !== 'GuaranteeOffer').length;
	return {
		run: spec.run,
		wallMs,
		physicalMs:
			spec.scope === 'none'
				? undefined
				: (spec.count * spec.latencyMs * spec.requestsPerItem) / SERVER_LIMIT + spec.latencyMs,
		succeeded,
		failed: spec.count - succeeded,
		done: isConfirm ? decided : references.length,
		twice: isConfirm ? 0 : references.length - new Set(references).size,
		peakInFlight: server.peakApiCallsInFlight,
		exchanges: server.count({ path: EXCHANGE_PATH }),
		rejected: server.requests.filter((request) => request.status === 429).length,
	};
}

const LIMIT_WORDS: Record<LimitScope, string> = {
	api: `429 above ${SERVER_LIMIT} API calls`,
	all: `429 above ${SERVER_LIMIT} requests (exchanges too)`,
	none: 'no limit (CPU floor)',
};

/** The month-end rows: creates (the server's limit on API calls only, then on every request) and decisions. */
export function bulkRuns(): BulkRun[] {
	const creates = (count: number, latencyMs: number, scope: LimitScope): BulkRun => ({
		run: `${count} creates, ${latencyMs} ms, ${LIMIT_WORDS[scope]}`,
		count,
		latencyMs,
		scope,
		parameters: createParameters(),
		items: () => customers(count),
		requestsPerItem: scope === 'api' ? 1 : 2,
	});
	const runs: BulkRun[] = [
		creates(200, 50, 'api'),
		creates(200, 50, 'all'),
		creates(2_000, 25, 'api'),
		creates(2_000, 0, 'none'),
		{
			run: `200 Confirm Guarantee decisions, 50 ms, 429 above ${SERVER_LIMIT} API calls`,
			count: 200,
			latencyMs: 50,
			scope: 'api',
			parameters: sessionParameters('confirmGuarantee'),
			items: (server) =>
				Array.from({ length: 200 }, () => ({
					sessionId: addGuaranteeAwaitingDecision(server).sessionId,
				})),
			requestsPerItem: 1,
		},
	];
	return runs;
}

/** The same run without latency or limit: what n8n and the node cost per request (the CPU floor). */
export function cpuFloorOf(spec: BulkRun): BulkRun {
	return { ...spec, run: `${spec.run}: CPU floor`, latencyMs: 0, scope: 'none' };
}

export function bulkTable(rows: BulkRow[]): string {
	const lines = [
		'| Run | Node time | Physical limit | × limit | Succeeded | Failed | Done at Flinks | Twice | Peak API calls in flight | Exchanges | 429s |',
		'|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
	];
	for (const row of rows) {
		const limit = row.physicalMs === undefined ? '—' : `${(row.physicalMs / 1000).toFixed(2)} s`;
		lines.push(
			`| ${row.run} | ${(row.wallMs / 1000).toFixed(2)} s | ${limit} | ${ratioToLimit(row)} | ${row.succeeded} | ${row.failed} | ${row.done} | ${row.twice} | ${row.peakInFlight} | ${row.exchanges} | ${row.rejected} |`,
		);
	}
	return lines.join('\n');
}

/** Node time ÷ the physical limit, or "—" for a run without a limit. */
export function ratioToLimit(row: BulkRow): string {
	return row.physicalMs === undefined ? '—' : (row.wallMs / row.physicalMs).toFixed(2);
}
