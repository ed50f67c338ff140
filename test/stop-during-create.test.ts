import type { FlinksTestBed } from './helpers/flinks-test-bed';
import { createParameters, customer, useTestBed } from './helpers/flinks-test-bed';
import { atNthRequest, CREATES } from './helpers/fault-matrix';

let bed: FlinksTestBed;

useTestBed((started) => (bed = started));

describe('Stop while a Create is on the wire, one at a time (Concurrency 1)', () => {
	it('names the sessions already created and says the one on the wire may have been created', async () => {
		// The second create is slow to answer: Stop is pressed while it is with Flinks.
		bed.server.injectFault({ ...CREATES, kind: 'delay', ms: 1000 });
		bed.server.injectFault({ ...CREATES, kind: 'delay', ms: 5000 });
		const run = await bed.engine.run({
			items: [customer(1), customer(2), customer(3)],
			parameters: createParameters({ options: { concurrency: 1 } }),
			onStarted: (execution) =>
				atNthRequest(bed.server, CREATES, 2, () => {
					execution.cancel();
				}),
		});

		const [first] = bed.server.allSessions();
		expect(run.error?.message).toBe(
			'Creating a session: the execution was stopped while the request was on its way; the session may have been created [item 1]',
		);
		expect(run.error?.description).toContain('look for Reference ID ORDER-1002');
		expect(run.error?.description).toContain(
			`Sessions created: ${first.sessionId} (reference ORDER-1001).`,
		);
		// The third item was never sent.
		expect(bed.server.count(CREATES)).toBe(2);
		const warnings = bed.engine.logLines.filter((line) => line.includes('Flinks Session stopped'));
		expect(warnings.join('\n')).toContain(`${first.sessionId} (reference ORDER-1001)`);
	}, 30_000);

	it('with Continue On Fail, lists the created sessions when the rest was never sent', async () => {
		bed.server.injectFault({ ...CREATES, kind: 'delay', ms: 300 });
		bed.server.injectFault({ ...CREATES, kind: 'delay', ms: 5000 });
		const run = await bed.engine.run({
			items: [customer(1), customer(2), customer(3)],
			parameters: createParameters({ options: { concurrency: 1 } }),
			onError: 'continueRegularOutput',
			onStarted: (execution) =>
				atNthRequest(bed.server, CREATES, 2, () => {
					execution.cancel();
				}),
		});

		const [first] = bed.server.allSessions();
		expect(run.error?.message).toBe('The execution was stopped before item 2 was sent');
		expect(run.error?.description).toContain(
			`Sessions created: ${first.sessionId} (reference ORDER-1001).`,
		);
		expect(bed.server.count(CREATES)).toBe(2);
	}, 30_000);
});
