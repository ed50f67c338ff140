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
