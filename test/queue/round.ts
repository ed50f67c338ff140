/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test and tooling code runs in plain Node, never inside n8n */
import type { FakeFlinksServer } from '../helpers/fake-flinks-server';
import type { ExecutionRow, QueueDeployment } from './deployment';

export interface RoundPlan {
	label: string;
	calls: number;
	sessionsPerCall: number;
}

export interface RoundFigures extends RoundPlan {
	sessions: number;
	wallMs: number;
	/** The round's sessions the server now holds as Cancelled. */
	cancelledAtFlinks: number;
	/** Items that came back as error items (`{ error }`). */
	errorItems: number;
	/** Their messages, session IDs blanked out, with how many items carried each. */
	errorMessages: Map<string, number>;
	/** Sessions sent whose item did not come back exactly once. */
	lost: number;
	/**
	 * Sessions Flinks processed more than one cancel for, or whose item claims a cancellation
	 * that no request of this round made (or made for another session).
	 */
	cancelledTwice: number;
	authorizeCalls: number;
	/** Each authorize call: when, from the round's first request, and Flinks' answer. */
	authorizeTimeline: Array<{ atMs: number; status: number }>;
	rejected429: number;
	/** 429s in each 2-second slice from the round's first request: converging windows make them die down. */
	rejectedOverTime: number[];
	cancelRequests: number;
	/** From the calls until Flinks first saw a request (n8n's queue and the workers picking up). */
	firstRequestAfterMs: number;
	/** Requests open at Flinks on average while it had any: how full the workers keep the limit. */
	averageInFlight: number;
	/** Requests open at Flinks on average in each 2-second slice from its first request. */
	inFlightOverTime: number[];
	/** From Flinks' last answer until the last webhook call answered (n8n finishing the executions). */
	afterLastAnswerMs: number;
	/** Webhook calls that did not answer 200 with a list of items. */
	failedCalls: string[];
	executions: Array<ExecutionRow & { workers: string[] }>;
}

interface CallResult {
	items: Array<Record<string, unknown>>;
	failure?: string;
}

const EXCHANGE_PATH = '/api/v1/authorize';
const CANCEL_PATH = /^\/api\/v2\/sessions\/[^/]+\/cancel$/;
const CALL_TIMEOUT_MS = 10 * 60_000;
const SLICE_MS = 2000;

/**
 * Sends `calls` webhook calls at once, each with `sessionsPerCall` new Initiated sessions,
 * waits for every answer, and measures the round on the server, in the answers and in n8n.
 */
export async function runRound(
	server: FakeFlinksServer,
	deployment: QueueDeployment,
	plan: RoundPlan,
): Promise<RoundFigures> {
	const sessions = server.addSessions(plan.calls * plan.sessionsPerCall).map((s) => s.sessionId);
	const batches = Array.from({ length: plan.calls }, (_, call) =>
		sessions.slice(call * plan.sessionsPerCall, (call + 1) * plan.sessionsPerCall),
	);
	const requestsBefore = server.requests.length;
	const processedBefore = server.processedCancels.length;
	const lastExecution = await deployment.lastExecutionId();

	const started = performance.now();
	const load = sampleInFlight(server, started);
	const results = await Promise.all(batches.map((batch) => post(deployment.webhookUrl, batch)));
	const wallMs = performance.now() - started;
	const { firstRequestAfterMs, averageInFlight, inFlightOverTime, lastOpenAt } = load.stop();

	const requests = server.requests.slice(requestsBefore);
	const authorizeRequests = requests.filter((r) => r.method === 'POST' && r.path === EXCHANGE_PATH);
	const firstRequestAt = requests[0]?.at ?? 0;
	const processed = server.processedCancels.slice(processedBefore);
	const items = results.flatMap((result) => result.items);
	const ranOn = deployment.workersByExecution();
	const executions = (await deployment.executionsAfter(lastExecution)).map((execution) => ({
		...execution,
		workers: ranOn.get(execution.id) ?? [],
	}));

	return {
		...plan,
		sessions: sessions.length,
		wallMs,
		cancelledAtFlinks: sessions.filter((id) =>
			/^cancell?ed$/i.test(server.session(id)?.status ?? ''),
		).length,
		errorItems: items.filter((item) => item.error !== undefined).length,
		errorMessages: countErrorMessages(items),
		lost: countLost(sessions, items),
		cancelledTwice: countCancelledTwice(items, processed),
		authorizeCalls: authorizeRequests.length,
		authorizeTimeline: authorizeRequests.map((r) => ({
			atMs: r.at - firstRequestAt,
			status: r.status,
		})),
		rejected429: requests.filter((r) => r.status === 429).length,
		rejectedOverTime: histogram(
			requests.filter((r) => r.status === 429).map((r) => r.at - firstRequestAt),
			SLICE_MS,
			wallMs,
		),
		cancelRequests: requests.filter((r) => CANCEL_PATH.test(r.path)).length,
		firstRequestAfterMs,
		averageInFlight,
		inFlightOverTime,
		afterLastAnswerMs: lastOpenAt === undefined ? 0 : started + wallMs - lastOpenAt,
		failedCalls: results.flatMap((result) => (result.failure ? [result.failure] : [])),
		executions,
	};
}

async function post(url: string, sessionIds: string[]): Promise<CallResult> {
	try {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ sessionIds }),
			signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
		});
		const text = await response.text();
		const body: unknown = text ? JSON.parse(text) : undefined;
		if (response.status === 200 && Array.isArray(body)) {
			return { items: body as Array<Record<string, unknown>> };
		}
		return { items: [], failure: `HTTP ${response.status}: ${text.slice(0, 300)}` };
	} catch (error) {
		return { items: [], failure: error instanceof Error ? error.message : String(error) };
	}
}

/** Samples the server's open requests every 10 ms until stopped. */
function sampleInFlight(server: FakeFlinksServer, started: number) {
	let firstRequestAt: number | undefined;
	let lastOpenAt: number | undefined;
	const busy: number[] = [];
	/** Every sample from the first request on, zeros included, with its time. */
	const samples: Array<{ at: number; open: number }> = [];
	const timer = setInterval(() => {
		const open = server.inFlight;
		const now = performance.now();
		if (firstRequestAt !== undefined) samples.push({ at: now - firstRequestAt, open });
		if (open === 0) return;
		firstRequestAt ??= now;
		lastOpenAt = now;
		busy.push(open);
	}, 10);
	return {
		stop: () => {
			clearInterval(timer);
			const slices = Math.max(1, Math.ceil((samples.at(-1)?.at ?? 0) / SLICE_MS));
			const sums = new Array<number>(slices).fill(0);
			const counts = new Array<number>(slices).fill(0);
			for (const { at, open } of samples) {
				const slice = Math.min(slices - 1, Math.floor(at / SLICE_MS));
				sums[slice] += open;
				counts[slice]++;
			}
			return {
				firstRequestAfterMs: (firstRequestAt ?? started) - started,
				averageInFlight:
					busy.length > 0 ? busy.reduce((sum, open) => sum + open, 0) / busy.length : 0,
				inFlightOverTime: sums.map((sum, slice) =>
					counts[slice] > 0 ? Math.round((10 * sum) / counts[slice]) / 10 : 0,
				),
				lastOpenAt,
			};
		},
	};
}

/** How many of `times` (ms) fall in each `sliceMs` slice of `totalMs`. */
function histogram(times: number[], sliceMs: number, totalMs: number): number[] {
	const counts = new Array<number>(Math.max(1, Math.ceil(totalMs / sliceMs))).fill(0);
	for (const time of times) {
		const slice = Math.min(counts.length - 1, Math.max(0, Math.floor(time / sliceMs)));
		counts[slice]++;
	}
	return counts;
}

function countErrorMessages(items: Array<Record<string, unknown>>): Map<string, number> {
	const counts = new Map<string, number>();
	for (const { error } of items) {
		if (error === undefined) continue;
		const message = String(error).replace(
			/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/gi,
			'<session>',
		);
		counts.set(message, (counts.get(message) ?? 0) + 1);
	}
	return counts;
}

/** Every item names the session it was made from (`inputSessionId`, set by the workflow). */
function countLost(sessions: string[], items: Array<Record<string, unknown>>): number {
	const returned = new Map<string, number>();
	for (const item of items) {
		const id = String(item.inputSessionId);
		returned.set(id, (returned.get(id) ?? 0) + 1);
	}
	return sessions.filter((id) => returned.get(id) !== 1).length;
}

function countCancelledTwice(
	items: Array<Record<string, unknown>>,
	processed: FakeFlinksServer['processedCancels'],
): number {
	const processedPerSession = new Map<string, number>();
	const applied = new Set<string>();
	for (const cancel of processed) {
		processedPerSession.set(cancel.sessionId, (processedPerSession.get(cancel.sessionId) ?? 0) + 1);
		if (cancel.applied) applied.add(cancel.sessionId);
	}
	const twice = new Set(
		[...processedPerSession].filter(([, count]) => count > 1).map(([sessionId]) => sessionId),
	);
	for (const item of items) {
		const claimsCancellation = item.error === undefined && item.alreadyEnded === false;
		const ownSession = item.sessionId === item.inputSessionId;
		if (claimsCancellation && (!ownSession || !applied.has(String(item.sessionId)))) {
			twice.add(String(item.inputSessionId));
		}
	}
	return twice.size;
}
