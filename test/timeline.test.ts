import { breakdown, retryAfterWaits } from '../scripts/bench/time-breakdown';
import type { RecordedRun } from '../scripts/bench/timeline';
import { buckets, idleMs, occupancy, timeByPlacesHeld } from '../scripts/bench/timeline';
import type { RecordedRequest } from './helpers/fake-flinks-server';

function request(
	path: string,
	at: number,
	answeredAt: number | undefined,
	status: number,
): RecordedRequest {
	return { method: 'POST', path, url: path, headers: {}, body: '', status, at, answeredAt };
}

const cancel = (session: string) => `/api/v2/sessions/${session}/cancel`;

/**
 * Two places, 100 ms: a and b fill them from 10 ms, c is turned away at 20 ms and sent again at
 * 70 ms, d comes in between; a token exchange at the start.
 */
function handMadeRun(exchangesHoldPlaces: boolean): RecordedRun {
	return {
		startMs: 0,
		endMs: 100,
		limit: 2,
		exchangesHoldPlaces,
		requests: [
			request('/api/v1/authorize', 0, 5, 200),
			request(cancel('a'), 0, 40, 200),
			request(cancel('b'), 10, 50, 200),
			request(cancel('c'), 20, 20, 429),
			request(cancel('d'), 45, 85, 200),
			request(cancel('c'), 70, 95, 200),
		],
	};
}

describe('the bench timeline (scripts/bench/timeline.ts, time-breakdown.ts)', () => {
	it('counts the places held over time from arrival and answer times', () => {
		expect(occupancy(handMadeRun(false))).toEqual([
			{ from: 0, to: 10, held: 1 },
			{ from: 10, to: 40, held: 2 },
			{ from: 40, to: 45, held: 1 },
			{ from: 45, to: 50, held: 2 },
			{ from: 50, to: 70, held: 1 },
			{ from: 70, to: 85, held: 2 },
			{ from: 85, to: 95, held: 1 },
			{ from: 95, to: 100, held: 0 },
		]);
	});

	it('accounts for every place-ms: held by answered calls, or empty in ramp, congestion, steady state and tail', () => {
		const result = breakdown(handMadeRun(false));

		expect(result.placeMs).toBe(200);
		expect(result.answered2xx).toBe(145);
		expect(result.answered2xxCount).toBe(4);
		expect(result.empty).toEqual({ ramp: 10, afterCongestion: 5, steadyState: 20, tail: 20 });
		expect(result.phases).toEqual({
			firstFull: 10,
			lastFull: 85,
			episodes: [{ from: 20, to: 45 }],
		});
		expect(result.turnedAway).toEqual({ count: 1, serverMs: 0 });
		const { ramp, afterCongestion, steadyState, tail } = result.empty;
		expect(
			result.answered2xx + result.answeredOther + ramp + afterCongestion + steadyState + tail,
		).toBe(result.placeMs);
	});

	it('lets a token exchange hold a place only when the limit counts exchanges', () => {
		const result = breakdown(handMadeRun(true));

		expect(result.answered2xx).toBe(150);
		expect(result.phases.firstFull).toBe(0);
		expect(result.empty.ramp).toBe(0);
	});

	it('shares the run time out by how many places were held', () => {
		const shares = timeByPlacesHeld(handMadeRun(false));

		expect(shares).toHaveLength(3);
		[0.05, 0.45, 0.5].forEach((share, held) => expect(shares[held]).toBeCloseTo(share, 10));
	});

	it('finds the time with nothing at all open at the server', () => {
		const run = handMadeRun(false);

		expect(idleMs(run, { from: 0, to: 100 })).toBe(5);
		expect(idleMs(run, { from: 0, to: 90 })).toBe(0);
	});

	it('measures the wait between a 429 and the same call sent again', () => {
		expect(retryAfterWaits(handMadeRun(false))).toEqual({
			items: 1,
			waits: [{ from: 20, to: 70 }],
			notResent: 0,
		});
	});

	it('cuts the run into buckets: mean places held, 2xx when answered, 429s and exchanges when they arrived', () => {
		expect(buckets(handMadeRun(false), 2)).toEqual([
			{ from: 0, meanHeld: 1.7, meanExchanges: 0.1, answered2xx: 1, turnedAway: 1, exchanges: 1 },
			{ from: 50, meanHeld: 1.2, meanExchanges: 0, answered2xx: 3, turnedAway: 0, exchanges: 0 },
		]);
	});
});
