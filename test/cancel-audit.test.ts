import type { FlinksTestBed } from './helpers/flinks-test-bed';
import { cancelParameters, useTestBed } from './helpers/flinks-test-bed';
import { AUTHORIZE, CANCELS, cancelOf } from './helpers/fault-matrix';

let bed: FlinksTestBed;

useTestBed((started) => (bed = started));

/** A session someone else cancelled before this node asked. */
const cancelledEarlier = () => bed.server.addSession({ status: 'Cancelled' });

/** Cancels a session someone else cancelled, whose first cancel request Flinks answers 429. */
async function cancelAfterA429(options = {}) {
	const session = cancelledEarlier();
	bed.server.injectFault({
		kind: 'status',
		status: 429,
		retryAfter: '0',
		path: cancelOf(session.sessionId),
	});
	const run = await bed.engine.run({
		items: [{ sessionId: session.sessionId }],
		parameters: cancelParameters(options),
	});
	return { session, run };
}

describe('Cancel reports only its own cancellations, and counts the requests it sent', () => {
	it('a 429 before the refusal is no sign of our own cancel: the session had already ended', async () => {
		const { run } = await cancelAfterA429();
		expect(run.items[0].json).toMatchObject({
			status: 'Cancelled',
			alreadyEnded: true,
			cancelledAt: null,
			attempts: 2,
		});
		expect(bed.server.count(CANCELS)).toBe(2);
	});

	it('with Treat as Error, a session cancelled by someone else fails the item after a 429', async () => {
		const { session, run } = await cancelAfterA429({ ifAlreadyEnded: 'error' });

		expect(run.error?.message).toBe(
			`Session ${session.sessionId} has already ended (status Cancelled); Flinks answered HTTP 400 [item 0]`,
		);
	});

	it('a retried token request is not an attempt: one cancel sent, attempts 1, already ended', async () => {
		const session = cancelledEarlier();
		bed.server.injectFault({ ...AUTHORIZE, kind: 'status', status: 503 });
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: cancelParameters(),
		});

		expect(bed.server.count(AUTHORIZE)).toBe(2);
		expect(bed.server.count(CANCELS)).toBe(1);
		expect(run.items[0].json).toMatchObject({ alreadyEnded: true, cancelledAt: null, attempts: 1 });
	});

	it('a 503 that may have hidden our own cancel still counts as ours when the retry is refused', async () => {
		const [session] = bed.server.addSessions(1);
		bed.server.injectFault({
			kind: 'applyThenFail',
			status: 503,
			path: cancelOf(session.sessionId),
		});
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: cancelParameters(),
		});

		expect(run.items[0].json).toMatchObject({
			status: 'Cancelled',
			alreadyEnded: false,
			attempts: 2,
		});
	});
});
