import { randomUUID } from 'crypto';

import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { FlinksTestBed } from './helpers/flinks-test-bed';
import {
	createParameters,
	customer,
	sessionParameters,
	useTestBed,
} from './helpers/flinks-test-bed';
import { addGuaranteeAwaitingDecision } from './helpers/fake-flinks-eft';
import { atNthRequest, cancelOf, CONFIRMS, CREATES } from './helpers/fault-matrix';

let bed: FlinksTestBed;

useTestBed((started) => (bed = started));

/** Every Reference ID a create request carried to the fake, whether or not it was answered. */
const referencesSent = () =>
	bed.server.requests
		.filter((request) => request.method === 'POST' && request.path === '/api/v2/sessions')
		.map((request) => String((JSON.parse(request.body) as IDataObject).referenceId));

/** What a user or an operator can read after the run: the error and n8n's log. */
const readable = (error: { message?: string; description?: string | null } | undefined) =>
	({
		error: `${error?.message ?? ''} ${error?.description ?? ''}`,
		log: bed.engine.logLines.join('\n'),
	}) as const;

describe('Stop during creates and guarantee decisions', () => {
	it.each(['continueRegularOutput', 'stopWorkflow'] as const)(
		'with On Error %s, the error and the log name every create sent before the Stop',
		async (onError) => {
			bed.server.injectFault({ ...CREATES, kind: 'delay', ms: 5000, times: 2 });
			const run = await bed.engine.run({
				items: [customer(1), customer(2), customer(3)],
				parameters: createParameters({ options: { concurrency: 1 } }),
				onError,
				onStarted: (execution) => atNthRequest(bed.server, CREATES, 2, () => execution.cancel()),
			});
			const sent = referencesSent();
			expect(sent).toEqual(['ORDER-1001', 'ORDER-1002']);
			const { error, log } = readable(run.error);
			// ORDER-1001 was created (its answer came back); ORDER-1002 was on the wire at the Stop.
			const [created] = bed.server.allSessions();
			expect(error).toContain(created.sessionId);
			expect(error).toContain('ORDER-1002');
			expect(log).toContain(created.sessionId);
			expect(log).toContain('ORDER-1002');
			expect(error).not.toContain('item -1');
			if (onError !== 'stopWorkflow') expect(error).not.toContain('Set On Error to Continue');
		},
		30_000,
	);

	it('Stop in a bulk Create names every session created and every create on the wire', async () => {
		bed.server.setLatency(100);
		const items = Array.from({ length: 60 }, (_, n) => customer(n));
		const run = await bed.engine.run({
			items,
			parameters: createParameters(),
			onError: 'continueRegularOutput',
			onStarted: (execution) => atNthRequest(bed.server, CREATES, 12, () => execution.cancel()),
		});
		// Creates on the wire at the Stop still reach Flinks after their latency.
		await sleep(300);
		const { error, log } = readable(run.error);
		const held = bed.server.allSessions();
		expect(held.length).toBeGreaterThanOrEqual(12);
		for (const session of held) {
			const named = [session.sessionId, `Reference ID ${String(session.referenceId)}`];
			expect(named.some((name) => error.includes(name))).toBe(true);
			expect(named.some((name) => log.includes(name))).toBe(true);
		}
		expect(error).not.toContain('item -1');
	}, 30_000);

	it('one create on the wire at the Stop is named, never "item -1"', async () => {
		bed.server.injectFault({ ...CREATES, kind: 'delay', ms: 5000 });
		const run = await bed.engine.run({
			items: [customer(1)],
			parameters: createParameters(),
			onError: 'continueRegularOutput',
			onStarted: (execution) => atNthRequest(bed.server, CREATES, 1, () => execution.cancel()),
		});
		const { error, log } = readable(run.error);
		expect(error).not.toContain('item -1');
		expect(error).toContain('ORDER-1001');
		expect(error).toMatch(/may have been created/);
		expect(log).toContain('ORDER-1001');
	}, 30_000);

	it('a guarantee decision on the wire at the Stop is named by its session', async () => {
		const session = addGuaranteeAwaitingDecision(bed.server);
		bed.server.injectFault({ ...CONFIRMS, kind: 'delay', ms: 5000 });
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: sessionParameters('confirmGuarantee'),
			onError: 'continueRegularOutput',
			onStarted: (execution) => atNthRequest(bed.server, CONFIRMS, 1, () => execution.cancel()),
		});
		const { error, log } = readable(run.error);
		expect(error).not.toContain('item -1');
		expect(error).toContain(session.sessionId);
		expect(error).toMatch(/may have been confirmed/);
		expect(log).toContain(session.sessionId);
	}, 30_000);
});

describe('Stop Workflow mode with items in flight', () => {
	it('a cancel Flinks may have applied, waiting to retry when another item fails, is named', async () => {
		const [second] = bed.server.addSessions(1);
		// Item 0's session is unknown to Flinks: its 404 comes after item 1's cancel was applied
		// but answered 503, while item 1 waits to send it again.
		const first = { sessionId: randomUUID() };
		// A token in hand first, so that both cancels go out at once.
		await bed.engine.run({
			items: [{ sessionId: second.sessionId }],
			parameters: sessionParameters('getStatus'),
		});
		bed.server.injectFault({ path: cancelOf(first.sessionId), kind: 'delay', ms: 300 });
		bed.server.injectFault({
			path: cancelOf(second.sessionId),
			kind: 'applyThenFail',
			status: 503,
		});
		// Its retry is turned away once more, with a wait that outlasts item 0's failure.
		bed.server.injectFault({
			path: cancelOf(second.sessionId),
			kind: 'status',
			status: 429,
			retryAfter: '2',
		});
		const run = await bed.engine.run({
			items: [first, second].map(({ sessionId }) => ({ sessionId })),
			parameters: sessionParameters('cancel', { options: { concurrency: 2 } }),
			onError: 'stopWorkflow',
		});
		expect(bed.server.session(second.sessionId)?.status).toBe('Cancelled');
		const { error } = readable(run.error);
		expect(run.error?.message).toContain('[item 0]');
		expect(error).toContain(second.sessionId);
		expect(error).toMatch(/may have (been cancelled|acted)/);
	}, 30_000);
});

describe("a create's own token", () => {
	it('is renewed once when Flinks refuses it after a rate limit', async () => {
		bed.server.injectFault({ ...CREATES, kind: 'status', status: 429, retryAfter: '0' });
		bed.server.injectFault({ ...CREATES, kind: 'status', status: 401 });
		const run = await bed.engine.run({
			items: [customer(1)],
			parameters: createParameters(),
			onError: 'continueRegularOutput',
		});
		expect(run.items[0].json.error).toBeUndefined();
		expect(run.items[0].json.referenceId).toBe('ORDER-1001');
		expect(bed.server.allSessions()).toHaveLength(1);
	});
});
