import type { FlinksTriggerBed } from './helpers/flinks-trigger-bed';
import { useTriggerBed } from './helpers/flinks-trigger-bed';
import { emittedItems } from './helpers/n8n-webhook';
import { AUTHORIZE, DETAILS } from './helpers/fault-matrix';
import { deliverZonelessEventIn } from './helpers/time-zone';

const UNKNOWN_SESSION = '0f4c2a6e-1111-4222-8333-944455556666';

let bed: FlinksTriggerBed;

useTriggerBed((started) => (bed = started));

describe('Flinks Trigger remembers only what started an execution', () => {
	it('a redelivery of an event Flinks did not know starts the workflow once Flinks knows it', async () => {
		const trigger = await bed.activate({ confirmWithFlinks: true });
		const event = {
			sessionId: UNKNOWN_SESSION,
			status: 'Completed',
			when: new Date().toISOString(),
		};

		const first = await bed.webhooks.deliver(trigger.url, event);
		expect(first.body).toEqual({ message: `Flinks does not know session ${UNKNOWN_SESSION}` });
		// The user fixed the environment (or Flinks caught up) and the event is sent again.
		bed.server.addSession({ sessionId: UNKNOWN_SESSION, status: 'Completed' });
		const again = await bed.webhooks.deliver(trigger.url, event);

		expect(again).toEqual({ status: 200, body: { message: 'Workflow was started' } });
		expect(trigger.executions).toHaveLength(1);
		// What started an execution is remembered: the next copy is a repeat.
		const third = await bed.webhooks.deliver(trigger.url, event);
		expect(third.body).toEqual({
			message: `Repeat of session ${UNKNOWN_SESSION} reaching Completed`,
		});
	});
});

describe('Flinks Trigger with two copies of one delivery arriving together', () => {
	it('when the first copy gets a 404, the second is confirmed on its own instead of being called a repeat', async () => {
		const trigger = await bed.activate({ confirmWithFlinks: true });
		const session = bed.server.addSession({ status: 'Completed' });
		// Flinks answers the first lookup before it lists the session; the token comes slowly.
		bed.server.injectFault({ ...AUTHORIZE, kind: 'delay', ms: 300 });
		bed.server.injectFault({
			...DETAILS,
			kind: 'reply',
			status: 404,
			body: { title: 'Session not found', status: 404 },
		});
		const event = bed.webhooks.finish(session.sessionId, 'Completed');

		const answers = await Promise.all([
			bed.webhooks.deliver(trigger.url, event),
			bed.webhooks.deliver(trigger.url, event),
		]);

		expect(answers.map((answer) => (answer.body as { message: string }).message).sort()).toEqual([
			`Flinks does not know session ${session.sessionId}`,
			'Workflow was started',
		]);
		expect(trigger.executions.flatMap(emittedItems)).toMatchObject([
			{ sessionId: session.sessionId, confirmed: true },
		]);
	});
});

describe('Flinks Trigger reads event times the same in every time zone', () => {
	it.each(['America/Toronto', 'Europe/Paris', 'Asia/Tokyo'])(
		'with TZ=%s, a fresh event dated without a zone (UTC, as Flinks writes it) starts the workflow',
		async (timeZone) => {
			const delivery = await deliverZonelessEventIn(timeZone);
			expect(delivery).toMatchObject({
				timeZone,
				answer: { status: 200, body: { message: 'Workflow was started' } },
				executions: 1,
				warnings: [],
			});
			expect(delivery.occurredAt).toBe(delivery.sentAsUtc);
		},
		60_000,
	);

	it.each(['America/Toronto', 'Asia/Tokyo'])(
		'with TZ=%s, a fresh event dated in RFC 1123 form without a zone is read as UTC too',
		async (timeZone) => {
			const delivery = await deliverZonelessEventIn(timeZone, 'rfc1123');
			expect(delivery).toMatchObject({
				answer: { status: 200, body: { message: 'Workflow was started' } },
				executions: 1,
			});
			expect(delivery.occurredAt).toBe(delivery.sentAsUtc);
		},
		60_000,
	);

	it.each(['America/Toronto', 'Asia/Tokyo'])(
		'with TZ=%s, a time that reads differently by place (12/06/2026) is never judged by the local clock, and is reported',
		async (timeZone) => {
			const delivery = await deliverZonelessEventIn(timeZone, 'slashes');
			expect(delivery).toMatchObject({
				answer: { status: 200, body: { message: 'Workflow was started' } },
				executions: 1,
			});
			expect(delivery.warnings).toEqual([
				expect.stringMatching(
					/Flinks Trigger: the event's time \\"\d\d\/\d\d\/\d{4} [\d:]+\\" is in no format read the same on every server/,
				),
			]);
		},
		60_000,
	);

	it.each([
		['microseconds', 1000],
		['nanoseconds', 1_000_000],
	])(
		'reads a timestamp in %s: a fresh one passes, a day-old one is refused',
		async (_unit, per) => {
			const trigger = await bed.activate({ options: { ignoreRepeats: false } });
			const session = bed.server.addSession();
			const fresh = bed.webhooks.finish(session.sessionId, 'Completed', { when: Date.now() * per });
			const old = { ...fresh, when: (Date.now() - 86_400_000) * per };

			expect((await bed.webhooks.deliver(trigger.url, fresh)).status).toBe(200);
			const refused = await bed.webhooks.deliver(trigger.url, old);

			expect(refused.status).toBe(401);
			expect(refused.body).toEqual({
				message: expect.stringMatching(/older than the Replay Window of 5 minutes$/),
			});
			expect(trigger.executions).toHaveLength(1);
		},
	);
});

describe('Confirm With Flinks ends by its deadline', () => {
	it('starts the workflow unconfirmed after 10 s when Get Details trickles in', async () => {
		const trigger = await bed.activate({ confirmWithFlinks: true });
		const session = bed.server.addSession();
		bed.server.injectFault({ method: 'GET', path: /\/details$/, kind: 'trickle', everyMs: 150 });
		const started = Date.now();
		const answer = await bed.webhooks.deliver(
			trigger.url,
			bed.webhooks.finish(session.sessionId, 'Completed'),
		);

		expect(answer.status).toBe(200);
		expect((Date.now() - started) / 1000).toBeLessThan(13);
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions.flatMap(emittedItems)).toMatchObject([
			{
				confirmed: false,
				confirmationError: 'Could not reach Flinks: no complete answer within 10000 ms',
			},
		]);
	}, 40_000);
});
