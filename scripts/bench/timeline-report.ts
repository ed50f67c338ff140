/**
 * Prints a rate-limited run's timeline and where its node time went (timeline.ts, time-breakdown.ts), with
 * n8n's own cost per request measured on the same operation without latency or limit (the CPU floor).
 */
import type { Interval, RecordedRun } from './timeline';
import type { Breakdown } from './time-breakdown';
import { breakdown, retryAfterWaits } from './time-breakdown';
import {
	buckets,
	coveredMs,
	emptyBetween,
	idleMs,
	merged,
	occupancy,
	timeByPlacesHeld,
} from './timeline';

/** The same operation, same items, same engine, 0 ms latency and no limit. */
export interface CpuFloor {
	nodeMs: number;
	/** Requests the server received in that run (exchanges included). */
	requests: number;
	/** Whether the fake server ran on n8n's thread (its handling is then part of the cost). */
	fakeInProcess: boolean;
}

/** The floor is the least disturbed of two runs (the first may also pay for JIT warm-up). */
export async function cpuFloor(measure: () => Promise<CpuFloor>): Promise<CpuFloor> {
	const first = await measure();
	const second = await measure();
	const perRequest = (floor: CpuFloor) => floor.nodeMs / floor.requests;
	return perRequest(second) <= perRequest(first) ? second : first;
}

const BUCKETS = 40;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)} %`;
const thousands = (value: number) => Math.round(value).toLocaleString('en-US');

/** Lines to print under the run's row. */
export function timelineReport(run: RecordedRun, physicalMs: number, floor: CpuFloor): string[] {
	const result = breakdown(run);
	return [
		...timelineTable(run),
		...breakdownLines(run, result, physicalMs),
		...retryAfterLines(run, result),
		...cpuFloorLines(run, result, floor, physicalMs),
	];
}

/**
 * The breakdown of a run with a fixed window of `window` (the Concurrency option): n8n keeps that
 * many requests between taking a place and freeing it, so by Little's law the time each spends in
 * n8n beside its time at the server is held × (window ÷ mean held − 1), no window algorithm involved.
 */
export function fixedWindowReport(run: RecordedRun, physicalMs: number, window: number): string[] {
	const result = breakdown(run);
	const lines = breakdownLines(run, result, physicalMs);
	const { firstFull, lastFull } = result.phases;
	if (firstFull === undefined || lastFull === undefined) return lines;
	const steadyMs = lastFull - firstFull;
	const meanHeld = run.limit - (result.empty.steadyState + result.empty.afterCongestion) / steadyMs;
	const heldPerCall = result.answered2xx / result.answered2xxCount;
	const inN8n = heldPerCall * (window / meanHeld - 1);
	return [
		...lines,
		`      with ${window} in flight at n8n throughout the steady state and ${meanHeld.toFixed(2)} held at the server on average, each request spends ${inN8n.toFixed(1)} ms in n8n (place taken → sent, answered → place freed) beside its ${heldPerCall.toFixed(1)} ms at the server (Little's law)`,
	];
}

function timelineTable(run: RecordedRun): string[] {
	const width = (run.endMs - run.startMs) / BUCKETS;
	const lines = [
		`    Timeline (${BUCKETS} buckets of ${width.toFixed(0)} ms; places held = requests the server admitted and had not answered, of ${run.limit}):`,
		'      from (s) | places held (mean) | 2xx | 429 | exchanges sent, open (mean)',
	];
	for (const bucket of buckets(run, BUCKETS)) {
		const bar = '█'.repeat(Math.round(bucket.meanHeld)).padEnd(run.limit, '·');
		lines.push(
			`      ${((bucket.from - run.startMs) / 1000).toFixed(2).padStart(8)} | ${bucket.meanHeld.toFixed(1).padStart(5)} ${bar} | ${String(bucket.answered2xx).padStart(3)} | ${String(bucket.turnedAway).padStart(3)} | ${String(bucket.exchanges).padStart(3)}, ${bucket.meanExchanges.toFixed(1)}`,
		);
	}
	return lines;
}

function breakdownLines(run: RecordedRun, result: Breakdown, physicalMs: number): string[] {
	const { placeMs, empty, phases } = result;
	const row = (label: string, ms: number) =>
		`      ${label.padEnd(72)} ${thousands(ms).padStart(8)} place-ms ${percent(ms, placeMs).padStart(7)}  = ${seconds(ms / run.limit)} of node time`;
	const since = (ms: number | undefined) => (ms === undefined ? '—' : seconds(ms - run.startMs));
	const episodesMs = phases.episodes.reduce((sum, e) => sum + e.to - e.from, 0);
	const steadyMs = (phases.lastFull ?? 0) - (phases.firstFull ?? 0);
	const lines = [
		`    Where the node time goes: ${seconds(result.nodeMs)} × ${run.limit} places = ${thousands(placeMs)} place-ms (physical limit ${seconds(physicalMs)}, × ${(result.nodeMs / physicalMs).toFixed(2)}):`,
		row(
			`held by calls answered 2xx (useful work; ${(result.answered2xx / Math.max(1, result.answered2xxCount)).toFixed(1)} ms per call)`,
			result.answered2xx,
		),
		row('held by admitted calls answered otherwise', result.answeredOther),
		row(`empty, ramp (start → all places first held at ${since(phases.firstFull)})`, empty.ramp),
		row(
			`empty, after congestion (${phases.episodes.length} episodes, ${seconds(episodesMs)}: 429 → all held again)`,
			empty.afterCongestion,
		),
		row(
			`empty, below the limit in steady state (${(run.limit - empty.steadyState / Math.max(1, steadyMs - episodesMs)).toFixed(2)} held on average)`,
			empty.steadyState,
		),
		row(`empty, tail (last time all held at ${since(phases.lastFull)} → end)`, empty.tail),
		`      429s: ${result.turnedAway.count}, ${thousands(result.turnedAway.serverMs)} ms at the server in all (turned away before admission: they hold no place; their cost is the empty time after them)`,
	];
	const { firstFull = run.endMs, lastFull = run.endMs } = phases;
	const idle = (from: number, to: number) => seconds(idleMs(run, { from, to }));
	lines.push(
		`      nothing at all open at the server (no call, no exchange): ${idle(run.startMs, run.endMs)}; in the ramp ${idle(run.startMs, firstFull)}, between ${idle(firstFull, lastFull)}, in the tail ${idle(lastFull, run.endMs)}`,
	);
	const shares = timeByPlacesHeld(run).map(
		(share, held) => `${held}: ${(100 * share).toFixed(0)} %`,
	);
	lines.push(
		`      share of the node time with 0 … ${run.limit} places held: ${shares.join(', ')}`,
	);
	if (result.unanswered > 0)
		lines.push(`      never answered (not in the sums): ${result.unanswered}`);
	return lines;
}

function retryAfterLines(run: RecordedRun, result: Breakdown): string[] {
	const { items, waits, notResent } = retryAfterWaits(run);
	if (waits.length === 0)
		return ['    Retry-After waits: none (no call was turned away and sent again)'];
	const durations = waits.map((wait) => wait.to - wait.from).sort((a, b) => a - b);
	const { lastFull } = result.phases;
	const tail: Interval = { from: lastFull ?? run.startMs, to: run.endMs };
	const segments = occupancy(run);
	const sittingOut = merged(
		waits.map((wait) => ({
			from: Math.max(tail.from, wait.from),
			to: Math.min(tail.to, wait.to),
		})),
	);
	const tailEmpty = emptyBetween(segments, run.limit, tail);
	const emptyWhileWaiting = sittingOut.reduce(
		(sum, interval) => sum + emptyBetween(segments, run.limit, interval),
		0,
	);
	return [
		`    Retry-After waits: ${items} items waited ${waits.length} times (429's answer → same call again: ${seconds(durations[0])}–${seconds(durations[durations.length - 1])}, median ${seconds(durations[Math.floor(durations.length / 2)])})${notResent > 0 ? `; ${notResent} 429s not resent` : ''}`,
		`      tail ${seconds(tail.to - tail.from)}, of which ${seconds(coveredMs(waits, tail))} with an item sitting out a Retry-After; ${thousands(emptyWhileWaiting)} of the tail's ${thousands(tailEmpty)} empty place-ms (${percent(emptyWhileWaiting, Math.max(1, tailEmpty))}) fall then`,
	];
}

function cpuFloorLines(
	run: RecordedRun,
	result: Breakdown,
	floor: CpuFloor,
	physicalMs: number,
): string[] {
	const perRequest = floor.nodeMs / floor.requests;
	const requests = run.requests.length;
	const nodeMs = run.endMs - run.startMs;
	const busyMs = perRequest * requests;
	return [
		`    n8n's own cost per request (CPU floor: same operation and items, 0 ms, no limit, faster of 2 runs): ${seconds(floor.nodeMs)} ÷ ${floor.requests} requests = ${perRequest.toFixed(2)} ms (${floor.fakeInProcess ? 'the fake server runs in the same process: its handling is included' : 'the fake server runs in a process of its own'})`,
		`      × ${requests} requests of this run = ${seconds(busyMs)} of the one JS thread: ${percent(busyMs, nodeMs)} of this run's node time, ${percent(busyMs, physicalMs)} of the physical limit (the thread's share of the time a run at the limit would need)`,
		`      one such cost per request between answer and next send would leave ${thousands(busyMs)} place-ms empty (${percent(busyMs, result.placeMs)}); measured empty in steady state ${thousands(result.empty.steadyState)} (${percent(result.empty.steadyState, result.placeMs)})`,
	];
}
