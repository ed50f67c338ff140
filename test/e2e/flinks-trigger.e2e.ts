/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test and tooling code runs in plain Node, never inside n8n */
import { FakeFlinksServer } from '../helpers/fake-flinks-server';
import { FakeFlinksWebhooks } from '../helpers/fake-flinks-webhooks';
import { INSTALLS_ENV, TARBALL_ENV } from './global-setup';
import type { StoredExecution } from './n8n-executions';
import { finishedExecutions, storedExecutions } from './n8n-executions';
import type { N8nInstall } from './n8n-install';
import type { N8nServer } from './n8n-sandbox';
import { N8nSandbox } from './n8n-sandbox';
import type { CredentialRef, RunItem, WorkflowFile } from './workflows';
import {
	credentialFile,
	EXAMPLES,
	flinksTriggers,
	loadExample,
	prepared,
	WEBHOOK_CREDENTIAL_TYPE,
} from './workflows';

const installs = JSON.parse(process.env[INSTALLS_ENV] ?? '[]') as N8nInstall[];
const tarball = process.env[TARBALL_ENV] ?? '';

const UNKNOWN_SESSION = '3f2c6a1e-8b4d-4c2a-9e1f-00000000beef';
const MINUTE = 60_000;

const credentials = {
	pay: { id: 'e2eTriggerPay', name: 'Flinks Pay (trigger e2e)' },
	webhook: { id: 'e2eTriggerWebhook', name: 'Flinks Webhook (e2e)' },
} satisfies Record<string, CredentialRef>;

/** Items a node emitted on its first output in a stored execution. */
function itemsOf(execution: StoredExecution, node: string): RunItem[] {
	return execution.data.resultData.runData[node]?.[0]?.data?.main[0] ?? [];
}

/** The production webhook path n8n registers for a workflow's Flinks Trigger. */
function webhookPath(workflow: WorkflowFile): string {
	return `${flinksTriggers(workflow)[0].webhookId}/webhook`;
}

describe.each(installs.map((install) => [install.version, install] as const))(
	'Flinks Trigger in n8n %s',
	(_version, install) => {
		let server: FakeFlinksServer;
		let webhooks: FakeFlinksWebhooks;
		let sandbox: N8nSandbox;
		let n8n: N8nServer;
		const paid = prepared(
			loadExample(EXAMPLES.paymentEnded),
			'e2eTriggerPaid',
			credentials.pay,
			credentials.webhook,
		);
		const react = prepared(
			loadExample(EXAMPLES.requestAndReact),
			'e2eTriggerReact',
			credentials.pay,
			credentials.webhook,
		);
		const urls = { paid: '', react: '' };

		beforeAll(async () => {
			server = await FakeFlinksServer.start();
			webhooks = new FakeFlinksWebhooks(server);
			sandbox = await N8nSandbox.create(install, tarball);
			await sandbox.importCredentials([
				credentialFile(credentials.pay, server, server.clientSecret),
				{
					...credentials.webhook,
					type: WEBHOOK_CREDENTIAL_TYPE,
					data: { secret: webhooks.secret },
				},
			]);
			await sandbox.importWorkflows([paid, react]);
			await sandbox.publishWorkflow(paid.id as string);
			await sandbox.publishWorkflow(react.id as string);
			n8n = await sandbox.start();
			urls.paid = await n8n.waitForWebhook(webhookPath(paid));
			urls.react = await n8n.waitForWebhook(webhookPath(react));
		});

		afterAll(async () => {
			await n8n?.stop();
			sandbox?.remove();
			await server?.stop();
		});

		it('refuses unsigned, wrong-secret, stale and tampered deliveries with 401 and starts none', async () => {
			const sessionId = server.addSession().sessionId;
			const event = webhooks.finish(sessionId, 'Completed');
			const stale = { ...event, when: new Date(Date.now() - 10 * MINUTE).toISOString() };

			const answers = [
				await webhooks.deliver(urls.paid, event, { form: 'none' }),
				await webhooks.deliver(urls.paid, event, { secret: 'whsec_from-another-account' }),
				await webhooks.deliver(urls.paid, stale, { form: 'flinks' }),
				await webhooks.deliver(urls.paid, event, {
					tamper: (raw) => raw.replace('"Completed"', '"Completed","amount":1'),
				}),
			];
			expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401]);
			expect(answers[2].body).toEqual({
				message: expect.stringMatching(/older than the Replay Window of 5 minutes/),
			});

			// A body that is not a JSON object: 400 from the trigger; JSON n8n cannot parse: 422 from n8n.
			const text = await webhooks.deliver(urls.paid, 'status=Completed', {
				contentType: 'text/plain',
			});
			const broken = await webhooks.deliver(urls.paid, '{"sessionId":');
			expect([text.status, broken.status]).toEqual([400, 422]);

			expect(await storedExecutions(sandbox, paid.id as string)).toEqual([]);
		});

		it('payment example: marks confirmed payments paid, alerts on failures, leaves the rest to a person', async () => {
			const completed = server.addSession({ referenceId: 'ORDER-2001', amount: 80 });
			const failed = server.addSession({ referenceId: 'ORDER-2002', statusDetails: 'EFT0501' });
			const unconfirmed = server.addSession({ referenceId: 'ORDER-2003' });
			const completedEvent = webhooks.finish(completed.sessionId, 'Completed');
			server.injectFault({
				kind: 'status',
				status: 503,
				path: `/api/v2/sessions/${unconfirmed.sessionId}/details`,
			});

			const started = [
				await webhooks.deliver(urls.paid, completedEvent),
				await webhooks.deliver(urls.paid, webhooks.finish(failed.sessionId, 'Failed'), {
					form: 'flinks',
				}),
				await webhooks.deliver(urls.paid, webhooks.finish(unconfirmed.sessionId, 'Completed')),
			];
			expect(started.map((answer) => answer.status)).toEqual([200, 200, 200]);
			// Acknowledged, but nothing to start: a repeat, an event not selected, a session Flinks does not know.
			const ignored = [
				await webhooks.deliver(urls.paid, { ...completedEvent, when: new Date().toISOString() }),
				await webhooks.deliver(
					urls.paid,
					webhooks.finish(server.addSession().sessionId, 'Expired'),
				),
				await webhooks.deliver(urls.paid, {
					sessionId: UNKNOWN_SESSION,
					status: 'Completed',
					when: new Date().toISOString(),
				}),
			];
			expect(ignored.map((answer) => answer.status)).toEqual([200, 200, 200]);
			expect(ignored[2].body).toEqual({
				message: `Flinks does not know session ${UNKNOWN_SESSION}`,
			});

			const executions = await finishedExecutions(sandbox, paid.id as string, 3);
			expect(executions.map((execution) => [execution.mode, execution.status])).toEqual([
				['webhook', 'success'],
				['webhook', 'success'],
				['webhook', 'success'],
			]);
			const [first, second, third] = executions;
			expect(itemsOf(first, 'Flinks: payment ended').map((item) => item.json)).toEqual([
				expect.objectContaining({
					sessionId: completed.sessionId,
					referenceId: 'ORDER-2001',
					status: 'Completed',
					amount: 80,
					occurredAt: completedEvent.when,
					confirmed: true,
					confirmationError: null,
					event: completedEvent,
				}),
			]);
			expect(itemsOf(first, 'Mark the order paid (replace me)').map((item) => item.json)).toEqual([
				{
					orderId: 'ORDER-2001',
					orderStatus: 'paid',
					amountPaid: 80,
					paidAt: completedEvent.when,
					sessionId: completed.sessionId,
				},
			]);
			expect(itemsOf(second, 'Alert: payment failed (replace me)')[0].json).toEqual({
				orderId: 'ORDER-2002',
				alert: `Payment for order ORDER-2002 failed (EFT0501), session ${failed.sessionId}`,
			});
			expect(itemsOf(third, 'Check by hand (replace me)')[0].json.alert).toBe(
				`Session ${unconfirmed.sessionId} (order ORDER-2003) ended as Completed but Flinks did not confirm it: Flinks answered HTTP 503 to Get Details`,
			);
			expect(itemsOf(third, 'Mark the order paid (replace me)')).toEqual([]);
		});

		it('request-and-react example: fulfils the paid order and releases the cancelled one', async () => {
			const paidSession = server.addSession({ referenceId: 'ORDER-3001' });
			const cancelled = server.addSession({ referenceId: 'ORDER-3002' });
			await webhooks.deliver(urls.react, webhooks.finish(paidSession.sessionId, 'Completed'));
			await webhooks.deliver(urls.react, webhooks.finish(cancelled.sessionId, 'Canceled'));

			const [fulfilled, released] = await finishedExecutions(sandbox, react.id as string, 2);
			expect(itemsOf(fulfilled, 'Fulfil the order (replace me)')[0].json).toMatchObject({
				orderId: 'ORDER-3001',
				orderStatus: 'paid',
			});
			expect(itemsOf(released, 'Release the order (replace me)')[0].json).toEqual({
				orderId: 'ORDER-3002',
				orderStatus: 'unpaid',
				reason: 'Cancelled',
			});
			// Without Confirm With Flinks the trigger asked Flinks nothing.
			expect(server.count({ path: `/api/v2/sessions/${paidSession.sessionId}/details` })).toBe(0);
		});

		it('nothing n8n printed contains the webhook secret, the client secret or a token', async () => {
			await n8n.stop();
			const printed = sandbox.transcript.join('\n');
			expect(printed).toContain('Flinks Trigger refused a delivery (HTTP 401)');
			expect(server.issuedTokens().length).toBeGreaterThan(0);
			for (const secret of [webhooks.secret, server.clientSecret, ...server.issuedTokens()]) {
				expect(printed).not.toContain(secret);
			}
		});
	},
);
