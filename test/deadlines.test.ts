/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs in plain Node, never inside n8n */
import type { FlinksTestBed } from './helpers/flinks-test-bed';
import { cancelParameters, useTestBed } from './helpers/flinks-test-bed';
import { AUTHORIZE, CANCELS } from './helpers/fault-matrix';

/** One byte every 150 ms: an idle timer never fires, only a deadline ends the request. */
const TRICKLE = { kind: 'trickle', everyMs: 150 } as const;

let bed: FlinksTestBed;

useTestBed((started) => (bed = started));

async function timed<T>(action: () => Promise<T>): Promise<{ result: T; seconds: number }> {
	const started = Date.now();
	const result = await action();
	return { result, seconds: (Date.now() - started) / 1000 };
}

describe('Timeout is a deadline from the start of a request to its last byte', () => {
	it('ends a cancel whose answer trickles in', async () => {
		const [session] = bed.server.addSessions(1);
		bed.server.injectFault({ ...CANCELS, ...TRICKLE, times: Infinity });
		const { result: run, seconds } = await timed(() =>
			bed.engine.run({
				items: [{ sessionId: session.sessionId }],
				parameters: cancelParameters({ timeout: 500, maxRetries: 0 }),
			}),
		);

		expect(run.error?.message).toBe(
			`Could not reach Flinks for session ${session.sessionId}: no answer within 500 ms [item 0]`,
		);
		expect(seconds).toBeLessThan(5);
	}, 60_000);

	it('ends a token request whose answer trickles in', async () => {
		const [session] = bed.server.addSessions(1);
		bed.server.injectFault({ ...AUTHORIZE, ...TRICKLE, times: Infinity });
		const { result: run, seconds } = await timed(() =>
			bed.engine.run({
				items: [{ sessionId: session.sessionId }],
				parameters: cancelParameters({ timeout: 500, maxRetries: 0 }),
			}),
		);

		expect(run.error?.message).toBe(
			'Could not get an access token from Flinks: no answer within 500 ms [item 0]',
		);
		expect(bed.server.count(CANCELS)).toBe(0);
		expect(seconds).toBeLessThan(5);
	}, 60_000);

	it("lets a second execution's request give up at its own Timeout while the first one's token request is open", async () => {
		const [first, second] = bed.server.addSessions(2);
		bed.server.injectFault({ ...AUTHORIZE, ...TRICKLE });
		const slow = bed.engine.run({
			items: [{ sessionId: first.sessionId }],
			parameters: cancelParameters({ timeout: 3000, maxRetries: 0 }),
		});
		// The second execution starts while the first one's token request is on its way.
		while (bed.server.count(AUTHORIZE) === 0)
			await new Promise((resolve) => setTimeout(resolve, 10));
		const { result: run, seconds } = await timed(() =>
			bed.engine.run({
				items: [{ sessionId: second.sessionId }],
				parameters: cancelParameters({ timeout: 500 }),
			}),
		);

		expect(run.error?.message).toBe(
			"Could not get an access token from Flinks within 500 ms: another request's token exchange is still open [item 0]",
		);
		expect(seconds).toBeLessThan(3);
		expect((await slow).error?.message).toBe(
			'Could not get an access token from Flinks: no answer within 3000 ms [item 0]',
		);
	}, 60_000);

	it('ends the credential test when the token answer trickles in', async () => {
		bed.server.injectFault({ ...AUTHORIZE, ...TRICKLE, times: Infinity });
		const { result, seconds } = await timed(() => bed.engine.testCredentials());
		expect(result.status).toBe('Error');
		expect(result.message).toBe(
			'Could not get an access token from Flinks: no answer within 15000 ms',
		);
		expect(seconds).toBeLessThan(20);
	}, 60_000);
});
