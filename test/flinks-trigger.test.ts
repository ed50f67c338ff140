import { CredentialTestContext } from 'n8n-core';
import type { ICredentialsDecrypted, IDataObject } from 'n8n-workflow';

import { FlinksTrigger } from '../nodes/Flinks/FlinksTrigger.node';
import { FakeFlinksServer } from './helpers/fake-flinks-server';
import type { FlinksTriggerBed } from './helpers/flinks-trigger-bed';
import { useTriggerBed } from './helpers/flinks-trigger-bed';
import { emittedItems } from './helpers/n8n-webhook';
import { RedirectingProxy } from './helpers/redirecting-proxy';
import { AUTHORIZE, DETAILS } from './helpers/fault-matrix';

const UNKNOWN_SESSION = '0f4c2a6e-1111-4222-8333-944455556666';
const MINUTE = 60_000;

let bed: FlinksTriggerBed;

useTriggerBed((started) => (bed = started));

/** Every item every execution of the trigger emitted, in order. */
const itemsOf = (trigger: { executions: Parameters<typeof emittedItems>[0][] }) =>
	trigger.executions.flatMap(emittedItems);

const isoAgo = (milliseconds: number) => new Date(Date.now() - milliseconds).toISOString();

describe('Flinks Trigger › signed deliveries', () => {
	it('starts one execution per event with one flat item, for both signature forms', async () => {
		const trigger = await bed.activate();
		const paid = bed.server.addSession({ referenceId: 'ORDER-1042' });
		const failed = bed.server.addSession({ statusDetails: 'EFT0501' });
		const paidEvent = bed.webhooks.finish(paid.sessionId, 'Completed');
		const failedEvent = bed.webhooks.finish(failed.sessionId, 'Failed');

		expect(await bed.webhooks.deliver(trigger.url, paidEvent, { form: 'webhook' })).toEqual({
			status: 200,
			body: { message: 'Workflow was started' },
		});
		expect((await bed.webhooks.deliver(trigger.url, failedEvent, { form: 'flinks' })).status).toBe(
			200,
		);

		expect(trigger.executions).toHaveLength(2);
		expect(trigger.executions.map((run) => run.status)).toEqual(['success', 'success']);
		expect(itemsOf(trigger)).toEqual([
			{
				sessionId: paid.sessionId,
				referenceId: 'ORDER-1042',
				status: 'Completed',
				statusDetails: null,
				occurredAt: paidEvent.when,
				event: paidEvent,
			},
			{
				sessionId: failed.sessionId,
				referenceId: failed.referenceId,
				status: 'Failed',
				statusDetails: 'EFT0501',
				occurredAt: failedEvent.when,
				event: failedEvent,
			},
		]);
		// Without Confirm With Flinks the trigger never calls Flinks.
		expect(bed.server.requests).toEqual([]);
	});

	it('accepts lower-case hex and reports Canceled, in any case, as Cancelled', async () => {
		const trigger = await bed.activate();
		const session = bed.server.addSession();
		const event = bed.webhooks.finish(session.sessionId, 'Canceled', { status: 'CANCELED' });

		expect((await bed.webhooks.deliver(trigger.url, event, { lowerCaseHex: true })).status).toBe(
			200,
		);
		expect(itemsOf(trigger)).toMatchObject([
			{ status: 'Cancelled', event: { status: 'CANCELED' } },
		]);
	});

	it('reads events without a timestamp, dating them when n8n received them', async () => {
		const trigger = await bed.activate();
		const before = Date.now();
		const event = { SessionId: UNKNOWN_SESSION, Status: 'Completed' };

		expect((await bed.webhooks.deliver(trigger.url, event)).status).toBe(200);
		const [item] = itemsOf(trigger);
		expect(item).toMatchObject({
			sessionId: UNKNOWN_SESSION,
			referenceId: null,
			status: 'Completed',
		});
		expect(Date.parse(item.occurredAt as string)).toBeGreaterThanOrEqual(before);
		expect(Date.parse(item.occurredAt as string)).toBeLessThanOrEqual(Date.now());
	});
});

describe('Flinks Trigger › refused deliveries start nothing', () => {
	it('answers 401 to unsigned, wrong-secret, malformed and tampered deliveries', async () => {
		const trigger = await bed.activate();
		const event = bed.webhooks.finish(bed.server.addSession().sessionId, 'Completed');
		const tamperAmount = (raw: string) => raw.replace('"Completed"', '"Completed","amount":1');

		const answers = [
			await bed.webhooks.deliver(trigger.url, event, { form: 'none' }),
			await bed.webhooks.deliver(trigger.url, event, { secret: `${bed.webhooks.secret}-old` }),
			await bed.webhooks.deliver(trigger.url, event, { form: 'flinks', tamper: tamperAmount }),
			await bed.webhooks.deliver(trigger.url, event, {
				form: 'webhook',
				tamper: (raw) => raw.replace(/\s*}$/, ' }'),
			}),
		];
		expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401]);
		expect(answers.map((answer) => (answer.body as IDataObject).message)).toEqual([
			'The delivery carries no X-Flinks-Signature or X-Webhook-Signature header',
			'The delivery signature does not match its body and the Flinks Webhook API secret',
			'The delivery signature does not match its body and the Flinks Webhook API secret',
			'The delivery signature does not match its body and the Flinks Webhook API secret',
		]);
		expect(trigger.executions).toEqual([]);
		const warnings = bed.engine.logLines.filter((line) =>
			line.includes('refused a delivery (HTTP 401)'),
		);
		expect(warnings).toHaveLength(4);
	});

	it('answers 400 to a signed body that is not a JSON object; n8n itself answers 422 to broken JSON', async () => {
		const trigger = await bed.activate();

		const text = await bed.webhooks.deliver(trigger.url, 'status=Completed', {
			contentType: 'text/plain',
		});
		const list = await bed.webhooks.deliver(trigger.url, '[{"status":"Completed"}]');
		const broken = await bed.webhooks.deliver(trigger.url, '{"status":"Compl');
		expect([text, list].map((answer) => answer.status)).toEqual([400, 400]);
		expect(text.body).toEqual({ message: 'The delivery body is not a JSON object' });
		expect(broken).toEqual({
			status: 422,
			body: { code: 422, message: 'Failed to parse request body' },
		});
		expect(trigger.executions).toEqual([]);
	});

	it('refuses events older than the Replay Window or dated ahead of the clock, with 401', async () => {
		const trigger = await bed.activate({ options: { ignoreRepeats: false } });
		const sessionId = bed.server.addSession().sessionId;
		const deliver = async (when: unknown) =>
			await bed.webhooks.deliver(trigger.url, { sessionId, status: 'Completed', when });

		const stale = await deliver(isoAgo(6 * MINUTE));
		const staleSeconds = await deliver(Math.floor((Date.now() - 6 * MINUTE) / 1000));
		const future = await deliver(isoAgo(-2 * MINUTE));
		expect([stale, staleSeconds, future].map((answer) => answer.status)).toEqual([401, 401, 401]);
		expect((stale.body as IDataObject).message).toMatch(
			/older than the Replay Window of 5 minutes/,
		);
		expect((future.body as IDataObject).message).toMatch(/ahead of this server's clock/);
		expect(trigger.executions).toEqual([]);

		expect((await deliver(isoAgo(4 * MINUTE))).status).toBe(200);
		expect((await deliver(isoAgo(-30_000))).status).toBe(200);
		expect(trigger.executions).toHaveLength(2);
	});

	it('takes its Replay Window from the options; 0 turns the check off', async () => {
		const strict = await bed.activate({ options: { replayWindow: 1, ignoreRepeats: false } });
		const off = await bed.activate({ options: { replayWindow: 0 } });
		const event = { sessionId: UNKNOWN_SESSION, status: 'Failed', when: isoAgo(2 * MINUTE) };

		expect((await bed.webhooks.deliver(strict.url, event)).status).toBe(401);
		expect((await bed.webhooks.deliver(off.url, event)).status).toBe(200);
		expect(strict.executions).toHaveLength(0);
		expect(off.executions).toHaveLength(1);
	});
});

describe('Flinks Trigger › settings from expressions', () => {
	it.each([
		[
			{ options: { replayWindow: '={{ "abc" }}' } },
			'Invalid Options › Replay Window (Minutes): expected a number of minutes from 0 to 10080, got the text "abc"',
		],
		[
			{ options: { replayWindow: '={{ -5 }}' } },
			'Invalid Options › Replay Window (Minutes): expected a number of minutes from 0 to 10080, got a number (-5)',
		],
		[
			{ confirmWithFlinks: '={{ "maybe" }}' },
			'Invalid Confirm With Flinks: expected true or false, got the text "maybe"',
		],
		[
			{ options: { ignoreRepeats: '={{ 0 }}' } },
			'Invalid Options › Ignore Repeats: expected true or false, got a number (0)',
		],
		[
			{ events: '={{ ["completed", "paid"] }}' },
			'Invalid Trigger On: expected cancelled, completed or failed, got the text "paid"',
		],
	])('%j fails the delivery with a clear error and starts nothing', async (parameters, message) => {
		const trigger = await bed.activate(parameters);
		const session = bed.server.addSession();
		const stale = bed.webhooks.finish(session.sessionId, 'Completed', {
			when: isoAgo(60 * MINUTE),
		});

		// Never read as "no replay window" or as "on": n8n answers 500 and records the error.
		expect((await bed.webhooks.deliver(trigger.url, stale)).status).toBe(500);
		expect(trigger.executions.map((run) => run.data.resultData.error?.message)).toEqual([message]);
		expect(itemsOf(trigger)).toEqual([]);
		expect(bed.server.requests).toHaveLength(0);
	});

	it('reads "false", "TRUE", numbers as text and events as comma-separated text', async () => {
		const trigger = await bed.activate({
			events: '={{ "completed, Failed" }}',
			confirmWithFlinks: '={{ "false" }}',
			options: { ignoreRepeats: '={{ "TRUE" }}', replayWindow: '={{ "10" }}' },
		});
		const session = bed.server.addSession();
		const event = bed.webhooks.finish(session.sessionId, 'Completed', { when: isoAgo(8 * MINUTE) });

		expect((await bed.webhooks.deliver(trigger.url, event)).status).toBe(200);
		expect((await bed.webhooks.deliver(trigger.url, event)).status).toBe(200);
		expect(itemsOf(trigger)).toMatchObject([{ sessionId: session.sessionId, status: 'Completed' }]);
		expect(bed.server.requests).toHaveLength(0);
	});
});

describe('Flinks Trigger › Events and Ignore Repeats', () => {
	it('acknowledges other events with 200 and starts nothing for them', async () => {
		const trigger = await bed.activate({ events: ['completed'] });
		const sessionId = bed.server.addSession().sessionId;
		const answers = await Promise.all(
			[{ status: 'Failed' }, { status: 'Initiated' }, { status: 'Expired' }, {}].map(
				async (fields) => await bed.webhooks.deliver(trigger.url, { sessionId, ...fields }),
			),
		);
		expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
		expect((answers[0].body as IDataObject).message).toBe(
			'Not an event this trigger starts on (status Failed)',
		);
		expect((answers[3].body as IDataObject).message).toMatch(/status missing/);
		expect(trigger.executions).toEqual([]);

		expect(
			(await bed.webhooks.deliver(trigger.url, { sessionId, status: 'completed' })).status,
		).toBe(200);
		expect(itemsOf(trigger)).toMatchObject([{ sessionId, status: 'Completed' }]);
	});

	it('starts no second execution for the same session reaching the same status again', async () => {
		const trigger = await bed.activate();
		const sessionId = bed.server.addSession().sessionId;
		const completed = bed.webhooks.finish(sessionId, 'Completed');

		expect((await bed.webhooks.deliver(trigger.url, completed)).status).toBe(200);
		const repeat = await bed.webhooks.deliver(trigger.url, {
			...completed,
			when: new Date().toISOString(),
		});
		expect(repeat).toEqual({
			status: 200,
			body: { message: `Repeat of session ${sessionId} reaching Completed` },
		});
		expect(trigger.executions).toHaveLength(1);

		// Another status of the same session, and another workflow's trigger, are not repeats.
		const other = await bed.activate();
		expect((await bed.webhooks.deliver(trigger.url, { sessionId, status: 'Failed' })).status).toBe(
			200,
		);
		expect((await bed.webhooks.deliver(other.url, completed)).status).toBe(200);
		expect(trigger.executions).toHaveLength(2);
		expect(other.executions).toHaveLength(1);
	});

	it('starts an execution for every delivery with Ignore Repeats off', async () => {
		const trigger = await bed.activate({ options: { ignoreRepeats: false } });
		const event = bed.webhooks.finish(bed.server.addSession().sessionId, 'Completed');
		await bed.webhooks.deliver(trigger.url, event);
		await bed.webhooks.deliver(trigger.url, event);
		expect(trigger.executions).toHaveLength(2);
	});
});

describe('Flinks Trigger › Confirm With Flinks', () => {
	it("emits Flinks' own current state with confirmed: true", async () => {
		const trigger = await bed.activate({ confirmWithFlinks: true });
		const session = bed.server.addSession({ referenceId: 'ORDER-7', amount: 42.1 });
		// The event arrives late: meanwhile Flinks also lists the transaction.
		const event = bed.webhooks.finish(session.sessionId, 'Completed', { referenceId: null });
		session.transactions = [{ id: 'tx-1', status: 'Completed' }];

		expect((await bed.webhooks.deliver(trigger.url, event)).status).toBe(200);
		expect(itemsOf(trigger)).toEqual([
			{
				sessionId: session.sessionId,
				referenceId: 'ORDER-7',
				status: 'Completed',
				statusDetails: null,
				amount: 42.1,
				type: 'e-Transfer',
				direction: 'DEBIT',
				currency: 'CAD',
				payor: {
					firstName: 'Jane',
					middleName: null,
					lastName: 'Doe',
					email: 'jane.doe@example.com',
				},
				payee: { institutionCode: '001', transitNumber: '00011', accountNumber: '1234567' },
				transactions: [{ id: 'tx-1', status: 'Completed' }],
				createdAt: session.createdAt,
				occurredAt: event.when,
				confirmed: true,
				confirmationError: null,
				event,
			},
		]);
		expect(bed.server.count(AUTHORIZE)).toBe(1);
		expect(bed.server.count(DETAILS)).toBe(1);
	});

	it("keeps the event's statusDetails and referenceId where Get Details has none", async () => {
		const trigger = await bed.activate({ confirmWithFlinks: true });
		const session = bed.server.addSession({ referenceId: null });
		const event = bed.webhooks.finish(session.sessionId, 'Failed', {
			referenceId: 'ORDER-8',
			statusDetails: 'EFT0501',
		});

		await bed.webhooks.deliver(trigger.url, event);
		expect(itemsOf(trigger)).toMatchObject([
			{ referenceId: 'ORDER-8', status: 'Failed', statusDetails: 'EFT0501', confirmed: true },
		]);
	});

	it('starts nothing for a session Flinks does not know, and says so in the log', async () => {
		const trigger = await bed.activate({ confirmWithFlinks: true });
		const answer = await bed.webhooks.deliver(trigger.url, {
			sessionId: UNKNOWN_SESSION,
			status: 'Completed',
		});

		expect(answer).toEqual({
			status: 200,
			body: { message: `Flinks does not know session ${UNKNOWN_SESSION}` },
		});
		expect(trigger.executions).toEqual([]);
		expect(bed.server.count(DETAILS)).toBe(1);
		expect(bed.engine.logLines.join('\n')).toMatch(
			new RegExp(`Flinks does not know session ${UNKNOWN_SESSION} \\(Get Details answered 404\\)`),
		);
	});

	it('still starts the workflow when Flinks cannot confirm, with confirmed: false and why', async () => {
		const trigger = await bed.activate({
			confirmWithFlinks: true,
			options: { ignoreRepeats: false },
		});
		const session = bed.server.addSession({ referenceId: 'ORDER-9' });
		const event = bed.webhooks.finish(session.sessionId, 'Completed');

		bed.server.injectFault({ kind: 'status', status: 503, path: DETAILS.path, body: 'html' });
		await bed.webhooks.deliver(trigger.url, event);
		bed.server.injectFault({ kind: 'html', path: DETAILS.path });
		await bed.webhooks.deliver(trigger.url, event);
		await bed.server.stop();
		await bed.webhooks.deliver(trigger.url, event);

		const items = itemsOf(trigger);
		expect(items.map((item) => item.confirmationError)).toEqual([
			'Flinks answered HTTP 503 to Get Details',
			'Flinks answered Get Details without a session status',
			expect.stringMatching(/^Could not reach Flinks: .*refused the connection/),
		]);
		for (const item of items) {
			expect(item).toMatchObject({
				sessionId: session.sessionId,
				referenceId: 'ORDER-9',
				status: 'Completed',
				amount: null,
				payor: null,
				transactions: [],
				confirmed: false,
				event,
			});
		}
	});

	it('says so when Confirm With Flinks is on but no Flinks Pay API credential is selected', async () => {
		const trigger = await bed.activate({ confirmWithFlinks: true }, { withoutPayCredential: true });
		const session = bed.server.addSession();
		const event = bed.webhooks.finish(session.sessionId, 'Completed');

		expect((await bed.webhooks.deliver(trigger.url, event)).status).toBe(200);
		expect(itemsOf(trigger)).toEqual([
			expect.objectContaining({
				sessionId: session.sessionId,
				confirmed: false,
				confirmationError:
					'Confirm With Flinks is on but the trigger has no Flinks Pay API credential, so Flinks was not asked. Select one in the trigger.',
			}),
		]);
		expect(bed.server.requests).toHaveLength(0);
	});

	it('gives up on a Flinks that does not answer within 10 seconds', async () => {
		const trigger = await bed.activate({ confirmWithFlinks: true });
		const event = bed.webhooks.finish(bed.server.addSession().sessionId, 'Failed');
		bed.server.injectFault({ kind: 'hang', path: DETAILS.path });

		// Hanging here would fail the test on its timeout.
		expect((await bed.webhooks.deliver(trigger.url, event)).status).toBe(200);
		expect(itemsOf(trigger)).toMatchObject([
			{ confirmed: false, confirmationError: expect.stringMatching(/^Could not reach Flinks: /) },
		]);
	}, 30_000);

	it('never sends a session ID that is not a UUID to Flinks', async () => {
		const trigger = await bed.activate({ confirmWithFlinks: true });
		await bed.webhooks.deliver(trigger.url, { sessionId: '../authorize?x=', status: 'Completed' });

		expect(itemsOf(trigger)).toMatchObject([
			{
				sessionId: '../authorize?x=',
				confirmed: false,
				confirmationError:
					'The event carries no session ID that is a UUID, so Flinks was not asked',
			},
		]);
		expect(bed.server.requests).toEqual([]);
	});

	it('does not follow a redirect with the access token', async () => {
		const session = bed.server.addSession();
		const proxy = await RedirectingProxy.start(
			bed.server.baseUrl,
			bed.server.baseUrl,
			(method, path) => path.endsWith('/details'),
		);
		try {
			bed.setPayCredentials({ baseUrl: proxy.baseUrl });
			const trigger = await bed.activate({ confirmWithFlinks: true });
			await bed.webhooks.deliver(trigger.url, bed.webhooks.finish(session.sessionId, 'Completed'));

			expect(proxy.redirected).toEqual([`/api/v2/sessions/${session.sessionId}/details`]);
			expect(bed.server.count(AUTHORIZE)).toBe(1);
			expect(bed.server.count(DETAILS)).toBe(0);
			expect(itemsOf(trigger)).toMatchObject([
				{ confirmed: false, confirmationError: 'Flinks answered HTTP 302 to Get Details' },
			]);
		} finally {
			await proxy.stop();
		}
	});

	it('never sends the token n8n kept after the Base URL was edited to the new host', async () => {
		const trigger = await bed.activate({ confirmWithFlinks: true });
		const onA = bed.server.addSession();
		await bed.webhooks.deliver(trigger.url, bed.webhooks.finish(onA.sessionId, 'Completed'));
		const keptByN8n = bed.storedPayCredentials();
		expect(keptByN8n.accessToken).toBeTruthy();

		// The user points the credential at another instance; n8n keeps the hidden token as it was.
		const hostB = await FakeFlinksServer.start({
			clientId: bed.server.clientId,
			clientSecret: bed.server.clientSecret,
		});
		try {
			bed.setPayCredentials({ ...keptByN8n, baseUrl: hostB.baseUrl });
			const onB = hostB.addSession();
			await bed.webhooks.deliver(trigger.url, bed.webhooks.finish(onB.sessionId, 'Completed'));

			// Host B saw a token request first and never a 401: host A's token never reached it.
			expect(hostB.requests.map((r) => [r.path, r.status])).toEqual([
				['/api/v1/authorize', 200],
				[`/api/v2/sessions/${onB.sessionId}/details`, 200],
			]);
			expect(itemsOf(trigger)[1]).toMatchObject({ sessionId: onB.sessionId, confirmed: true });
		} finally {
			await hostB.stop();
		}
	});

	it('does not take an answer about another session as confirmation', async () => {
		const trigger = await bed.activate({ confirmWithFlinks: true });
		const session = bed.server.addSession();
		const other = bed.server.addSession({ status: 'Completed' });
		bed.server.injectFault({
			...DETAILS,
			kind: 'reply',
			status: 200,
			body: { sessionId: other.sessionId, status: 'Completed', referenceId: other.referenceId },
		});
		await bed.webhooks.deliver(trigger.url, bed.webhooks.finish(session.sessionId, 'Completed'));

		expect(itemsOf(trigger)).toMatchObject([
			{
				sessionId: session.sessionId,
				confirmed: false,
				confirmationError: `Flinks answered Get Details about another session (${other.sessionId})`,
			},
		]);
	});

	it('reports refused client credentials as not confirmed', async () => {
		bed.setPayCredentials({ clientSecret: 'not-the-secret' });
		const trigger = await bed.activate({ confirmWithFlinks: true });
		await bed.webhooks.deliver(
			trigger.url,
			bed.webhooks.finish(bed.server.addSession().sessionId, 'Failed'),
		);

		expect(itemsOf(trigger)).toMatchObject([
			{
				confirmed: false,
				confirmationError: expect.stringMatching(/Flinks rejected the client ID or secret \(401\)/),
			},
		]);
		expect(bed.server.count(DETAILS)).toBe(0);
	});
});

describe('Flinks Trigger › set-up and secrets', () => {
	it('publishing and unpublishing call no Flinks API: URLs are registered through Flinks support', async () => {
		const trigger = await bed.activate();
		await trigger.deactivate();
		expect(bed.engine.setupCalls).toEqual([
			`checkExists ${trigger.workflowId}`,
			`delete ${trigger.workflowId}`,
		]);
		expect(bed.server.requests).toEqual([]);
		expect((await bed.webhooks.deliver(trigger.url, { status: 'Completed' })).status).toBe(404);
	});

	it('fails an execution with a clear error when the credential has no secret', async () => {
		bed.engine.setStoredCredentials({ secret: '' });
		const trigger = await bed.activate();
		const answer = await bed.webhooks.deliver(trigger.url, { status: 'Completed' }, { secret: '' });

		// n8n answers 500 and records the failed execution, as for any trigger that throws.
		expect(answer.status).toBe(500);
		expect(trigger.executions.map((run) => run.data.resultData.error?.message)).toEqual([
			'The Flinks Webhook API credential has no secret',
		]);
	});

	it('checks the shape of the webhook secret in the credential test', async () => {
		const test = new FlinksTrigger().methods.credentialTest.flinksWebhookSecret;
		const context = new CredentialTestContext();
		const withSecret = (secret: string): ICredentialsDecrypted => ({
			id: 'c',
			name: 'Flinks Webhook',
			type: 'flinksWebhookApi',
			data: { secret },
		});
		expect(await test.call(context, withSecret(bed.webhooks.secret))).toMatchObject({
			status: 'OK',
		});
		expect(await test.call(context, withSecret(''))).toMatchObject({ status: 'Error' });
		expect(await test.call(context, withSecret(`${bed.webhooks.secret}\n`))).toEqual({
			status: 'Error',
			message: 'The secret starts or ends with a space or line break; paste it again without them',
		});
	});

	it('shows no secret or token in items, answers or n8n logs', async () => {
		const trigger = await bed.activate({
			confirmWithFlinks: true,
			options: { ignoreRepeats: false },
		});
		const session = bed.server.addSession();
		const event = bed.webhooks.finish(session.sessionId, 'Completed');
		const answers = [
			await bed.webhooks.deliver(trigger.url, event),
			await bed.webhooks.deliver(trigger.url, event, { secret: 'wrong' }),
			await bed.webhooks.deliver(trigger.url, event, { form: 'none' }),
			await bed.webhooks.deliver(trigger.url, { sessionId: UNKNOWN_SESSION, status: 'Completed' }),
		];
		bed.server.revokeTokens();
		answers.push(await bed.webhooks.deliver(trigger.url, event));

		expect(bed.server.issuedTokens()).toHaveLength(2);
		expect(trigger.executions).toHaveLength(2);
		const visible = [
			JSON.stringify(answers),
			JSON.stringify(trigger.executions),
			...bed.engine.logLines,
		].join('\n');
		const basic = Buffer.from(`${bed.server.clientId}:${bed.server.clientSecret}`).toString(
			'base64',
		);
		for (const secret of [
			bed.webhooks.secret,
			bed.server.clientSecret,
			basic,
			...bed.server.issuedTokens(),
		]) {
			expect(visible).not.toContain(secret);
		}
	});
});
