import type { IDataObject } from 'n8n-workflow';

import type { FlinksTriggerBed } from './helpers/flinks-trigger-bed';
import { useTriggerBed } from './helpers/flinks-trigger-bed';
import { emittedItems } from './helpers/n8n-webhook';

let bed: FlinksTriggerBed;
useTriggerBed((started) => (bed = started));

const itemsOf = (trigger: { executions: Parameters<typeof emittedItems>[0][] }) =>
	trigger.executions.flatMap(emittedItems);
const connectTrigger = (extra: IDataObject = {}) => bed.activate({ source: 'connect', ...extra });

describe('Flinks Trigger › Flinks Connect results', () => {
	it('starts on a signed GetAccountsDetail result with one item per account, tag echoed', async () => {
		const trigger = await connectTrigger();
		const login = bed.server.connect.addLogin({ accountCount: 2, transactionsPerAccount: 2 });
		const event = bed.server.connect.accountsDetailWebhook(login.loginId, 'customer-42');

		expect(await bed.webhooks.deliver(trigger.url, event, { form: 'connect' })).toEqual({
			status: 200,
			body: { message: 'Workflow was started' },
		});
		const items = itemsOf(trigger);
		expect(items.map((item) => item.accountId)).toEqual(
			login.accounts.map((account) => account.Id),
		);
		expect(items[0]).toMatchObject({
			status: 'complete',
			loginId: login.loginId,
			requestId: event.RequestId,
			resultOf: 'accountsDetail',
			tag: 'customer-42',
			responseType: 'GetAccountsDetail',
		});
		expect((items[0].transactions as unknown[]).length).toBe(2);
	});

	it('accepts the newer guide’s X-Flinks-Signature too, and gives one item per transaction when asked', async () => {
		const trigger = await connectTrigger({ output: 'transactions' });
		const login = bed.server.connect.addLogin({ accountCount: 1, transactionsPerAccount: 3 });
		const event = bed.server.connect.accountsDetailWebhook(login.loginId);

		expect((await bed.webhooks.deliver(trigger.url, event, { form: 'flinks' })).status).toBe(200);
		expect(itemsOf(trigger).map((item) => item.transactionId)).toEqual(
			login.accounts[0].Transactions.map((transaction) => transaction.Id),
		);
	});

	it('refuses unsigned, wrongly signed and tampered deliveries with 401, starting nothing', async () => {
		const trigger = await connectTrigger();
		const login = bed.server.connect.addLogin();
		const event = bed.server.connect.accountsDetailWebhook(login.loginId);

		expect(await bed.webhooks.deliver(trigger.url, event, { form: 'none' })).toEqual({
			status: 401,
			body: {
				message: 'The delivery carries no flinks-authenticity-key or X-Flinks-Signature header',
			},
		});
		expect(
			(await bed.webhooks.deliver(trigger.url, event, { form: 'connect', secret: 'other' })).status,
		).toBe(401);
		const tampered = await bed.webhooks.deliver(trigger.url, event, {
			form: 'connect',
			tamper: (raw) => raw.replace('Chequing', 'Chequinh'),
		});
		expect(tampered.status).toBe(401);
		// Pay's hex header is not Connect's scheme.
		expect((await bed.webhooks.deliver(trigger.url, event, { form: 'webhook' })).status).toBe(401);
		expect(trigger.executions).toHaveLength(0);
	});

	it('starts once for a result Flinks delivers again (it retries up to 10 times)', async () => {
		const trigger = await connectTrigger();
		const login = bed.server.connect.addLogin({ accountCount: 1 });
		const event = bed.server.connect.accountsDetailWebhook(login.loginId);

		await bed.webhooks.deliver(trigger.url, event, { form: 'connect' });
		const again = await bed.webhooks.deliver(trigger.url, event, { form: 'connect' });

		expect(again).toEqual({
			status: 200,
			body: {
				message: `Repeat of the GetAccountsDetail result of request ${String(event.RequestId)}`,
			},
		});
		expect(trigger.executions).toHaveLength(1);
	});

	it('starts on KYC only when chosen, and acknowledges other results without starting', async () => {
		const detailOnly = await connectTrigger();
		const login = bed.server.connect.addLogin();
		const kyc = bed.server.connect.kycWebhook(login.loginId);

		expect(await bed.webhooks.deliver(detailOnly.url, kyc, { form: 'connect' })).toEqual({
			status: 200,
			body: { message: 'Not a result this trigger starts on (ResponseType KYC)' },
		});
		expect(detailOnly.executions).toHaveLength(0);

		const both = await connectTrigger({ connectEvents: ['accountsDetail', 'kyc'] });
		expect((await bed.webhooks.deliver(both.url, kyc, { form: 'connect' })).status).toBe(200);
		expect(itemsOf(both)).toEqual([
			{
				status: 'complete',
				loginId: login.loginId,
				requestId: kyc.RequestId,
				tag: null,
				responseType: 'KYC',
				event: kyc,
			},
		]);
	});

	it('leaves a Pay trigger as it was: a Connect-signed delivery is refused there', async () => {
		const payTrigger = await bed.activate();
		const login = bed.server.connect.addLogin();
		const event = bed.server.connect.accountsDetailWebhook(login.loginId);

		expect(await bed.webhooks.deliver(payTrigger.url, event, { form: 'connect' })).toEqual({
			status: 401,
			body: { message: 'The delivery carries no X-Flinks-Signature or X-Webhook-Signature header' },
		});
	});
});
