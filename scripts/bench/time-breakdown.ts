/**
 * Where a rate-limited run's place-time went (timeline.ts): held by useful calls, or empty during
 * the ramp, after a 429, in steady state or in the tail; and who sat out a Retry-After.
 */
import type { RecordedRequest } from '../../test/helpers/fake-flinks-server';
import type { Interval, RecordedRun, Segment } from './timeline';
import {
	admitted,
	clamp,
	emptyBetween,
	holdsPlaceKind,
	isExchange,
	merged,
	occupancy,
} from './timeline';

/** Empty place-time (place-ms) by phase; the four add up to all empty place-time of the run. */
export interface EmptyPlaceTime {
	/** From the start until the places are first all held. */
	ramp: number;
	/** From a 429 until the places are all held again, after they were not. */
	afterCongestion: number;
	/** Between the first and last time all places were held, outside those episodes. */
	steadyState: number;
	/** From the last time all places were held to the end. */
	tail: number;
}

export interface Breakdown {
	nodeMs: number;
	placeMs: number;
	/** Place-time held by calls answered 2xx (useful work) and by admitted calls answered otherwise. */
	answered2xx: number;
	answeredOther: number;
	/** How many calls were answered 2xx (their mean time held is answered2xx ÷ this). */
	answered2xxCount: number;
	empty: EmptyPlaceTime;
	/** Requests the server turned away with 429, and their time at the server (they hold no place). */
	turnedAway: { count: number; serverMs: number };
	/** Requests of a kind that holds a place but without an answer (reset, hung): not in the sums. */
	unanswered: number;
	phases: { firstFull?: number; lastFull?: number; episodes: Interval[] };
}

/**
 * After a 429 at `at`: the episode lasts until every place is held again, having not been at some
 * point after the 429 (the window's narrowing shows up as that dip). Cut at `lastFull`: later is tail.
 */
function congestionEpisode(segments: Segment[], limit: number, at: number, lastFull: number) {
	let dipped = false;
	for (const segment of segments) {
		if (segment.to <= at) continue;
		if (segment.from >= lastFull) break;
		if (segment.held < limit) dipped = true;
		else if (dipped) return { from: at, to: segment.from };
	}
	return { from: at, to: lastFull };
}

export function breakdown(run: RecordedRun): Breakdown {
	const { limit } = run;
	const segments = occupancy(run);
	const nodeMs = run.endMs - run.startMs;
	const isOk = (request: RecordedRequest) => request.status >= 200 && request.status < 300;
	const held = (ok: boolean) =>
		admitted(run)
			.filter((request) => isOk(request) === ok)
			.reduce(
				(sum, request) => sum + clamp(run, request.answeredAt as number) - clamp(run, request.at),
				0,
			);
	const rejected = run.requests.filter(
		(request) => holdsPlaceKind(run, request) && request.status === 429,
	);
	const full = segments.filter((segment) => segment.held >= limit);
	const firstFull = full[0]?.from;
	const lastFull = full[full.length - 1]?.to;
	const whole = { from: run.startMs, to: run.endMs };
	const empty = (interval: Interval) => emptyBetween(segments, limit, interval);
	let phases: Breakdown['phases'] = { episodes: [] };
	let emptyByPhase: EmptyPlaceTime = {
		ramp: empty(whole),
		afterCongestion: 0,
		steadyState: 0,
		tail: 0,
	};
	if (firstFull !== undefined && lastFull !== undefined) {
		const episodes = merged(
			rejected
				.filter((request) => request.at >= firstFull && request.at < lastFull)
				.map((request) => congestionEpisode(segments, limit, request.at, lastFull)),
		);
		const afterCongestion = episodes.reduce((sum, episode) => sum + empty(episode), 0);
		phases = { firstFull, lastFull, episodes };
		emptyByPhase = {
			ramp: empty({ from: run.startMs, to: firstFull }),
			afterCongestion,
			steadyState: empty({ from: firstFull, to: lastFull }) - afterCongestion,
			tail: empty({ from: lastFull, to: run.endMs }),
		};
	}
	return {
		nodeMs,
		placeMs: limit * nodeMs,
		answered2xx: held(true),
		answeredOther: held(false),
		answered2xxCount: admitted(run).filter(isOk).length,
		empty: emptyByPhase,
		turnedAway: {
			count: rejected.length,
			serverMs: rejected.reduce((sum, r) => sum + (r.answeredAt ?? r.at) - r.at, 0),
		},
		unanswered: run.requests.filter(
			(request) => holdsPlaceKind(run, request) && request.answeredAt === undefined,
		).length,
		phases,
	};
}

export interface RetryAfterWaits {
	/** Items (the same call: method, URL and body) turned away at least once, then sent again. */
	items: number;
	/** Each wait, from the 429's answer to the same call's next arrival. */
	waits: Interval[];
	/** 429s never followed by the same call again. */
	notResent: number;
}

/** Who sat out a 429, measured as the gap between the 429 and the same call arriving again. */
export function retryAfterWaits(run: RecordedRun): RetryAfterWaits {
	const calls = new Map<string, RecordedRequest[]>();
	for (const request of run.requests) {
		if (isExchange(request)) continue;
		const key = `${request.method} ${request.url} ${request.body}`;
		calls.set(key, [...(calls.get(key) ?? []), request]);
	}
	const waits: Interval[] = [];
	let items = 0;
	let notResent = 0;
	for (const attempts of calls.values()) {
		const ordered = [...attempts].sort((a, b) => a.at - b.at);
		let waited = false;
		ordered.forEach((request, index) => {
			if (request.status !== 429) return;
			const next = ordered[index + 1];
			if (next) waits.push({ from: request.answeredAt ?? request.at, to: next.at });
			else notResent++;
			waited ||= next !== undefined;
		});
		if (waited) items++;
	}
	return { items, waits, notResent };
}
