/**
 * A rate-limited run's timeline, from the fake Flinks' own request log: how many of the server's
 * places were held when. A place is one of the `limit` requests the server admits at once;
 * place-time = limit × node time is what the run could use (time-breakdown.ts says where it went).
 * Everything here is computed from recorded times (`at`, `answeredAt`); nothing is assumed.
 */
import type { RecordedRequest } from '../../test/helpers/fake-flinks-server';
import { EXCHANGE_PATH } from './bench-support';

/** What one node run left at the fake: its request log and the run's bounds on the server's clock. */
export interface RecordedRun {
	requests: readonly RecordedRequest[];
	/** Server clock (ms since it started) when the run began and when it returned. */
	startMs: number;
	endMs: number;
	/** How many requests the server admits at once. */
	limit: number;
	/** Whether a token exchange takes one of those places (the limit's scope 'all') or not ('api'). */
	exchangesHoldPlaces: boolean;
}

/** A stretch of time with the same number of places held. */
export interface Segment {
	from: number;
	to: number;
	held: number;
}

export interface Interval {
	from: number;
	to: number;
}

export function isExchange(request: RecordedRequest): boolean {
	return request.path === EXCHANGE_PATH;
}

export function holdsPlaceKind(run: RecordedRun, request: RecordedRequest): boolean {
	return run.exchangesHoldPlaces || !isExchange(request);
}

/** Requests the server admitted: a 429 comes from the gateway in front, before admission. */
export function admitted(run: RecordedRun): RecordedRequest[] {
	return run.requests.filter(
		(request) =>
			holdsPlaceKind(run, request) && request.status !== 429 && request.answeredAt !== undefined,
	);
}

export const clamp = (run: RecordedRun, ms: number) =>
	Math.min(run.endMs, Math.max(run.startMs, ms));

/** Places held over the run, as stretches of constant count. */
export function occupancy(run: RecordedRun): Segment[] {
	return openOver(run, admitted(run));
}

/** How many of `requests` were open at the server (arrived, not yet answered) over the run. */
export function openOver(run: RecordedRun, requests: RecordedRequest[]): Segment[] {
	const changes = new Map<number, number>();
	for (const request of requests) {
		if (request.answeredAt === undefined) continue;
		const from = clamp(run, request.at);
		const to = clamp(run, request.answeredAt);
		if (to <= from) continue;
		changes.set(from, (changes.get(from) ?? 0) + 1);
		changes.set(to, (changes.get(to) ?? 0) - 1);
	}
	const segments: Segment[] = [];
	let held = 0;
	let cursor = run.startMs;
	for (const time of [...changes.keys()].sort((a, b) => a - b)) {
		if (time > cursor) segments.push({ from: cursor, to: time, held });
		held += changes.get(time) as number;
		cursor = time;
	}
	if (run.endMs > cursor) segments.push({ from: cursor, to: run.endMs, held });
	return segments;
}

/** Place-ms left empty in [from, to). */
export function emptyBetween(segments: Segment[], limit: number, { from, to }: Interval): number {
	let empty = 0;
	for (const segment of segments) {
		const overlap = Math.min(to, segment.to) - Math.max(from, segment.from);
		if (overlap > 0) empty += overlap * Math.max(0, limit - segment.held);
	}
	return empty;
}

/** Time in `within` with nothing at all open at the server: no call, no exchange, not even a 429. */
export function idleMs(run: RecordedRun, within: Interval): number {
	return openOver(run, [...run.requests])
		.filter((segment) => segment.held === 0)
		.reduce(
			(sum, s) => sum + Math.max(0, Math.min(within.to, s.to) - Math.max(within.from, s.from)),
			0,
		);
}

/** Share of the run's time spent with 0, 1, … `limit` places held (index = places held). */
export function timeByPlacesHeld(run: RecordedRun): number[] {
	const shares = Array.from({ length: run.limit + 1 }, () => 0);
	for (const segment of occupancy(run)) {
		const level = Math.min(run.limit, segment.held);
		shares[level] += (segment.to - segment.from) / (run.endMs - run.startMs);
	}
	return shares;
}

/** Sorted, non-overlapping intervals covering the same time. */
export function merged(intervals: Interval[]): Interval[] {
	const result: Interval[] = [];
	for (const interval of [...intervals].sort((a, b) => a.from - b.from)) {
		const last = result[result.length - 1];
		if (last && interval.from <= last.to) last.to = Math.max(last.to, interval.to);
		else if (interval.to > interval.from) result.push({ ...interval });
	}
	return result;
}

/** How much of `within` is covered by at least one of `intervals`. */
export function coveredMs(intervals: Interval[], within: Interval): number {
	return merged(intervals).reduce(
		(sum, interval) =>
			sum + Math.max(0, Math.min(within.to, interval.to) - Math.max(within.from, interval.from)),
		0,
	);
}

export interface Bucket {
	from: number;
	/** Mean places held over the bucket. */
	meanHeld: number;
	/** Mean token exchanges open at the server over the bucket (whether or not they hold places). */
	meanExchanges: number;
	answered2xx: number;
	turnedAway: number;
	exchanges: number;
}

/** The run cut into `count` equal buckets: 2xx counted when answered, 429s and exchanges when they arrived. */
export function buckets(run: RecordedRun, count: number): Bucket[] {
	const held = occupancy(run);
	const exchanging = openOver(run, run.requests.filter(isExchange));
	const width = (run.endMs - run.startMs) / count;
	const inBucket = (ms: number, index: number) => {
		const bucket = Math.min(count - 1, Math.floor((ms - run.startMs) / width));
		return bucket === index;
	};
	return Array.from({ length: count }, (_, index) => {
		const from = run.startMs + index * width;
		const to = from + width;
		const mean = (segments: Segment[]) =>
			segments.reduce(
				(sum, s) => sum + Math.max(0, Math.min(to, s.to) - Math.max(from, s.from)) * s.held,
				0,
			) / width;
		const counted = run.requests.filter((request) => !isExchange(request));
		return {
			from,
			meanHeld: mean(held),
			meanExchanges: mean(exchanging),
			answered2xx: counted.filter(
				(r) => r.status >= 200 && r.status < 300 && inBucket(r.answeredAt ?? -1, index),
			).length,
			turnedAway: counted.filter((r) => r.status === 429 && inBucket(r.at, index)).length,
			exchanges: run.requests.filter((r) => isExchange(r) && inBucket(r.at, index)).length,
		};
	});
}
