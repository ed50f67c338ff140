/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test and tooling code runs in plain Node, never inside n8n */
import { FakeFlinksServer } from '../helpers/fake-flinks-server';
import { FakeFlinksWebhooks } from '../helpers/fake-flinks-webhooks';
import { INSTALLS_ENV, TARBALL_ENV } from './global-setup';
import type { StoredExecution } from './n8n-executions';
import { finishedExecutions } from './n8n-executions';
import type { N8nInstall } from './n8n-install';
import type { N8nServer } from './n8n-sandbox';
import { N8nSandbox } from './n8n-sandbox';
import type { RunItem } from './workflows';
import {
	credentialFile,
	EXAMPLES,
	flinksTriggers,
	loadExample,
	prepared,
	WEBHOOK_CREDENTIAL_TYPE,
	webhookTwin,
	withoutOtherTriggers,
} from './workflows';

const installs = JSON.parse(process.env[INSTALLS_ENV] ?? '[]') as N8nInstall[];
const tarball = process.env[TARBALL_ENV] ?? '';

const credential = { id: 'e2eFlinksReconcile', name: 'Flinks Pay (reconcile)' };
const webhookCredential = { id: 'e2eReconcileWebhook', name: 'Flinks Webhook (reconcile)' };
const TRIGGER = 'Flinks: payment ended';
const STATUS_PATH = /^\/api\/v2\/sessions\/[^/]+\/status$/;
const PATHS = { record: 'e2e-new-order', check: 'e2e-reconcile-check' };

/** Orders as a shop posts them to the example's New order webhook. */
const orders = [1, 2, 3, 4, 5].map((n) => ({
	amount: 40 + n,
	firstName: 'Jane',
	lastName: `Doe-${n}`,
	email: `jane.doe+${n}@example.com`,
	orderId: `ORDER-${700 + n}`,
}));

/** Items a node emitted on one output; the execution must have succeeded. */
function itemsOf(execution: StoredExecution, node: string, output = 0): RunItem[] {
	const error = execution.data.resultData.error;
	if (error) throw new Error(`The execution failed: ${error.node?.name ?? ''}: ${error.message}`);
	return execution.data.resultData.runData[node]?.[0]?.data?.main[output] ?? [];
}

/**
 * examples/reconcile-missed-webhooks.json in a running n8n (Data Tables need one: `n8n execute`
 * starts no modules on either release). Its top half records created sessions in a Data Table;
 * its bottom half, the schedule (fired here through a webhook twin), finds the sessions that
 * ended while no webhook arrived, with Get Status, and routes them.
 */
describe.each(installs.map((install) => [install.version, install] as const))(
	'in n8n %s: reconciling missed webhooks with a Data Table',
	(_version, install) => {
		let server: FakeFlinksServer;
		let webhooks: FakeFlinksWebhooks;
		let sandbox: N8nSandbox;
		let n8n: N8nServer;
		const urls = { record: '', check: '', trigger: '' };
		const example = loadExample(EXAMPLES.reconcileMissedWebhooks);
		const record = prepared(
			webhookTwin(example, 'New order', PATHS.record),
			'e2eReconcileRecord',
			credential,
		);
		const check = prepared(
			webhookTwin(example, 'Every 5 minutes', PATHS.check),
			'e2eReconcileCheck',
			credential,
		);
		// The example's own Flinks Trigger: it marks the table too, so nothing is marked twice.
		const trigger = prepared(
			withoutOtherTriggers(example, TRIGGER),
			'e2eReconcileTrigger',
			credential,
			webhookCredential,
		);
		const byOrder = (orderId: string) => {
			const session = server.allSessions().find((candidate) => candidate.referenceId === orderId);
			if (!session) throw new Error(`No session for ${orderId}`);
			return session;
		};
		const runCheck = async (count: number) => {
			expect((await fetch(urls.check, { method: 'POST' })).status).toBe(200);
			const executions = await finishedExecutions(sandbox, 'e2eReconcileCheck', count);
			expect(executions).toHaveLength(count);
			return executions[count - 1];
		};

		beforeAll(async () => {
			server = await FakeFlinksServer.start();
			webhooks = new FakeFlinksWebhooks(server);
			sandbox = await N8nSandbox.create(install, tarball);
			await sandbox.importCredentials([
				credentialFile(credential, server),
				{ ...webhookCredential, type: WEBHOOK_CREDENTIAL_TYPE, data: { secret: webhooks.secret } },
			]);
			await sandbox.importWorkflows([record, check, trigger]);
			await sandbox.publishWorkflow('e2eReconcileRecord');
			await sandbox.publishWorkflow('e2eReconcileCheck');
			await sandbox.publishWorkflow('e2eReconcileTrigger');
			n8n = await sandbox.start();
			urls.record = await n8n.waitForWebhook(PATHS.record);
			urls.check = await n8n.waitForWebhook(PATHS.check);
			urls.trigger = await n8n.waitForWebhook(`${flinksTriggers(trigger)[0].webhookId}/webhook`);
		});

		afterAll(async () => {
			await n8n?.stop();
			sandbox?.remove();
			await server?.stop();
		});

		it('records every created session as Initiated in the Data Table', async () => {
			const post = async (order: (typeof orders)[number]) => {
				const answer = await fetch(urls.record, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(order),
				});
				expect(answer.status).toBe(200);
			};
			// The first order creates the table: n8n 2.41's "create if not exists" races with itself.
			await post(orders[0]);
			await finishedExecutions(sandbox, 'e2eReconcileRecord', 1);
			for (const order of orders.slice(1)) await post(order);
			const executions = await finishedExecutions(sandbox, 'e2eReconcileRecord', orders.length);
			const recorded = executions.flatMap((execution) =>
				itemsOf(execution, 'Record the open session').map((item) => item.json),
			);
			expect(recorded.map(({ referenceId, status }) => [referenceId, status]).sort()).toEqual(
				orders.map(({ orderId }) => [orderId, 'Initiated']),
			);
			expect(recorded.map((row) => row.sessionId).sort()).toEqual(
				server
					.allSessions()
					.map((session) => session.sessionId)
					.sort(),
			);
		});

		const deliver = async (orderId: string, status: 'Completed' | 'Failed') => {
			const event = webhooks.finish(byOrder(orderId).sessionId, status);
			expect((await webhooks.deliver(urls.trigger, event)).status).toBe(200);
		};

		it('marks a session that ends with a webhook in the table and routes it once', async () => {
			byOrder('ORDER-705').status = 'Completed';
			await deliver('ORDER-705', 'Completed');
			const [execution] = await finishedExecutions(sandbox, 'e2eReconcileTrigger', 1);
			const paid = itemsOf(execution, 'Mark the order paid (replace me)');
			expect(paid.map((item) => item.json.orderId)).toEqual(['ORDER-705']);
		});

		it('finds the sessions that ended without a webhook and routes them; open ones stay for the next run', async () => {
			// The customers acted while every webhook was lost.
			byOrder('ORDER-701').status = 'Completed';
			Object.assign(byOrder('ORDER-702'), { status: 'Failed', statusDetails: 'EFT0404' });
			byOrder('ORDER-703').status = 'Expired';
			server.reset();

			const execution = await runCheck(1);
			// ORDER-705 ended with a webhook: the table says so, so it is neither looked up nor marked again.
			expect(server.count({ method: 'GET', path: STATUS_PATH })).toBe(4);
			const routed = (node: string) => itemsOf(execution, node).map((item) => item.json.orderId);
			expect(routed('Mark the order paid (replace me)')).toEqual(['ORDER-701']);
			expect(routed('Alert: payment failed (replace me)')).toEqual(['ORDER-702']);
			expect(itemsOf(execution, 'Alert: payment failed (replace me)')[0].json.alert).toBe(
				`Payment for order ORDER-702 failed (EFT0404), session ${byOrder('ORDER-702').sessionId}`,
			);
			expect(routed('Check by hand (replace me)')).toEqual(['ORDER-703']);

			// The next run looks up only the session still open: the table remembers the others.
			server.reset();
			const next = await runCheck(2);
			expect(server.requests.filter((r) => STATUS_PATH.test(r.path)).map((r) => r.path)).toEqual([
				`/api/v2/sessions/${byOrder('ORDER-704').sessionId}/status`,
			]);
			expect(itemsOf(next, 'Mark it ended in the table')).toEqual([]);
		});

		it('a webhook arriving after the schedule marked the session routes nothing again', async () => {
			await deliver('ORDER-701', 'Completed');
			const executions = await finishedExecutions(sandbox, 'e2eReconcileTrigger', 2);
			expect(itemsOf(executions[1], 'Mark the order paid (replace me)')).toEqual([]);
		});
	},
);
