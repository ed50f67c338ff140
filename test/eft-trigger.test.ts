import { addGuaranteeAwaitingDecision, eftSessionInit } from './helpers/fake-flinks-eft';
import type { FlinksTriggerBed } from './helpers/flinks-trigger-bed';
import { useTriggerBed } from './helpers/flinks-trigger-bed';
import { emittedItems } from './helpers/n8n-webhook';

let bed: FlinksTriggerBed;

useTriggerBed((started) => (bed = started));

const itemsOf = (trigger: { executions: Parameters<typeof emittedItems>[0][] }) =>
	trigger.executions.flatMap(emittedItems);

/** Cancels a session over HTTP, as another client of the same Flinks account would. */
async function cancelAtFlinks(sessionId: string) {
	await fetch(`${bed.server.baseUrl}/api/v2/sessions/${sessionId}/cancel`, {
		method: 'POST',
		headers: { authorization: `Bearer ${await bed.server.authorizeOverHttp()}` },
	});
}

const guaranteedSession = () => addGuaranteeAwaitingDecision(bed.server);

describe('Flinks Trigger › Guaranteed EFT SessionSetupStatusChanged', () => {
	it.each([
		['at the top level', false],
		['under data', true],
	])(
		'starts on each final state signed with X-Webhook-Signature, fields %s',
		async (_where, envelope) => {
			const trigger = await bed.activate();
			const completed = guaranteedSession();
			bed.server.eft.complete(completed.sessionId);
			const failed = bed.server.addSession({
				...eftSessionInit(true),
				payor: { firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@example.com' },
			});
			bed.server.eft.connectBank(failed.sessionId, { firstName: 'John', lastName: 'Smith' });
			const canceled = bed.server.addSession(eftSessionInit(true));
			await cancelAtFlinks(canceled.sessionId);
			expect(canceled.status).toBe('Canceled');

			const events = [completed, failed, canceled].map(({ sessionId }) =>
				bed.webhooks.sessionSetupStatusChanged(sessionId, { envelope }),
			);
			for (const event of events) {
				const answer = await bed.webhooks.deliver(trigger.url, event, { form: 'webhook' });
				expect(answer.status).toBe(200);
			}

			expect(
				itemsOf(trigger).map((item) => [item.sessionId, item.status, item.statusDetails]),
			).toEqual([
				[completed.sessionId, 'Completed', 'EFT0301'],
				[failed.sessionId, 'Failed', 'EFT0403'],
				[canceled.sessionId, 'Cancelled', 'EFT0501'],
			]);
			expect(itemsOf(trigger)[0].event).toEqual(events[0]);
		},
	);

	it('starts on an EFT v2 session cancelled through the API (spelled Cancelled), in either signature form', async () => {
		const trigger = await bed.activate();
		const session = bed.server.addSession(eftSessionInit(false));
		await cancelAtFlinks(session.sessionId);
		const event = bed.webhooks.sessionSetupStatusChanged(session.sessionId);

		expect((await bed.webhooks.deliver(trigger.url, event, { form: 'flinks' })).status).toBe(200);
		expect(itemsOf(trigger)).toMatchObject([
			{ sessionId: session.sessionId, status: 'Cancelled', statusDetails: 'EFT0501' },
		]);
		expect(event.status).toBe('Cancelled');
	});

	it("confirms a GEFT event with Flinks and adds the session's EFT fields", async () => {
		const trigger = await bed.activate({ confirmWithFlinks: true });
		const session = guaranteedSession();
		bed.server.eft.complete(session.sessionId);
		const event = bed.webhooks.sessionSetupStatusChanged(session.sessionId);

		expect((await bed.webhooks.deliver(trigger.url, event)).status).toBe(200);
		expect(itemsOf(trigger)).toMatchObject([
			{
				sessionId: session.sessionId,
				status: 'Completed',
				statusDetails: 'EFT0301',
				type: 'EFT',
				step: 'Complete',
				accountLabel: 'Checking (****1234)',
				nameMatch: 100,
				riskLevel: 'Low',
				confirmed: true,
			},
		]);
	});

	it('refuses a GEFT delivery whose X-Webhook-Signature does not match', async () => {
		const trigger = await bed.activate();
		const session = guaranteedSession();
		bed.server.eft.complete(session.sessionId);
		const event = bed.webhooks.sessionSetupStatusChanged(session.sessionId);
		const answer = await bed.webhooks.deliver(trigger.url, event, { secret: 'not-the-secret' });
		expect(answer.status).toBe(401);
		expect(trigger.executions).toEqual([]);
	});
});
