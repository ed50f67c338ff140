import type { FlinksTestBed } from './helpers/flinks-test-bed';
import {
	cancelParameters,
	createParameters,
	customer,
	useTestBed,
} from './helpers/flinks-test-bed';
import { AUTHORIZE, CANCELS, cancelOf, CREATES } from './helpers/fault-matrix';

let bed: FlinksTestBed;

useTestBed((started) => (bed = started));

describe('a 401 whose body says TOO_MANY_REQUESTS is a rate limit', () => {
	it('on a cancel: backs off and resends, exchanging no new token', async () => {
		const sessions = bed.server.addSessions(3);
		bed.server.injectFault({
			kind: 'tooManyRequests401',
			path: cancelOf(sessions[1].sessionId),
			times: 2,
		});
		const run = await bed.engine.run({
			items: sessions.map((s) => ({ sessionId: s.sessionId })),
			parameters: cancelParameters(),
		});

		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => [item.json.status, item.json.attempts])).toEqual([
			['Cancelled', 1],
			['Cancelled', 3],
			['Cancelled', 1],
		]);
		expect(bed.server.count(AUTHORIZE)).toBe(1);
		expect(bed.server.count(CANCELS)).toBe(5);
	});

	it('on the token request: backs off and asks again instead of calling the secret wrong', async () => {
		const [session] = bed.server.addSessions(1);
		bed.server.injectFault({ ...AUTHORIZE, kind: 'tooManyRequests401' });
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: cancelParameters(),
		});

		expect(run.error).toBeUndefined();
		expect(run.items[0].json).toMatchObject({ status: 'Cancelled', attempts: 1 });
		expect(bed.server.count(AUTHORIZE)).toBe(2);
	});

	it('on a create: resends it with its own unused token, once the limit passes', async () => {
		bed.server.injectFault({ ...CREATES, kind: 'tooManyRequests401' });
		const run = await bed.engine.run({ items: [customer(1)], parameters: createParameters() });

		expect(run.error).toBeUndefined();
		expect(bed.server.allSessions()).toHaveLength(1);
		expect(bed.server.count(CREATES)).toBe(2);
		expect(bed.server.count(AUTHORIZE)).toBe(1);
	});

	it('that never passes fails the item as a rate limit, not as a refused credential', async () => {
		const [session] = bed.server.addSessions(1);
		bed.server.injectFault({
			kind: 'tooManyRequests401',
			path: cancelOf(session.sessionId),
			times: Infinity,
		});
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: cancelParameters({ maxRetries: 1 }),
		});

		expect(run.error?.message).toMatch(/Flinks answered HTTP 401 .*\[item 0\]$/);
		expect(run.error?.description).toMatch(/^Flinks is busy or unavailable/);
		expect(bed.server.count(AUTHORIZE)).toBe(1);
		expect(bed.server.count(CANCELS)).toBe(2);
	});
});

/**
 * A refused token request is asked again no sooner than the token endpoint's Retry-After, as a
 * refused call is. (Our own first backoff is at most 500 ms: a 1 s Retry-After tells them apart.)
 */
function tokenRequestGapMs(): number {
	const tokenRequests = bed.server.requests.filter((request) => request.path === AUTHORIZE.path);
	expect(tokenRequests).toHaveLength(2);
	const [refused, next] = tokenRequests;
	expect(refused.status).toBe(429);
	return next.at - (refused.answeredAt ?? refused.at);
}

describe("A refused token request waits for the token endpoint's Retry-After", () => {
	it.each([
		['1 (seconds)', () => '1'],
		['an HTTP-date 2 s ahead', () => new Date(Date.now() + 2_000).toUTCString()],
	])(
		"a create's own token request, answered 429 with Retry-After: %s, is asked again after 1 s or more",
		async (_label, retryAfter) => {
			bed.server.injectFault({
				...AUTHORIZE,
				kind: 'status',
				status: 429,
				retryAfter: retryAfter(),
			});
			const run = await bed.engine.run({ items: [customer(1)], parameters: createParameters() });
			expect(run.error).toBeUndefined();
			expect(run.items).toHaveLength(1);
			expect(bed.server.count(CREATES)).toBe(1);
			expect(tokenRequestGapMs()).toBeGreaterThanOrEqual(990);
		},
	);

	it("the credential's token for a cancel, answered 429 with Retry-After: 1, is asked again after 1 s", async () => {
		const [session] = bed.server.addSessions(1);
		bed.server.injectFault({ ...AUTHORIZE, kind: 'status', status: 429, retryAfter: '1' });
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: cancelParameters(),
		});
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json.status)).toEqual(['Cancelled']);
		expect(bed.server.count(CANCELS)).toBe(1);
		expect(tokenRequestGapMs()).toBeGreaterThanOrEqual(990);
	});

	it('a Retry-After longer than the retries may wait fails the item at once, naming it, with no create sent', async () => {
		bed.server.injectFault({ ...AUTHORIZE, kind: 'status', status: 429, retryAfter: '3600' });
		const startedAt = Date.now();
		const run = await bed.engine.run({
			items: [customer(1)],
			parameters: createParameters(),
			onError: 'continueRegularOutput',
		});
		expect(Date.now() - startedAt).toBeLessThan(10_000);
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(1);
		expect(run.items[0].pairedItem).toEqual({ item: 0 });
		expect(String(run.items[0].json.error)).toMatch(/token/i);
		expect(String(run.items[0].json.error)).toMatch(/\[item 0\]/);
		expect(bed.server.count(CREATES)).toBe(0);
		expect(bed.server.count(AUTHORIZE)).toBe(1);
	});
});
