/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test and tooling code runs in plain Node, never inside n8n */
import { FakeFlinksServer } from '../helpers/fake-flinks-server';
import { INSTALLS_ENV, TARBALL_ENV } from './global-setup';
import type { StoredExecution } from './n8n-executions';
import { finishedExecutions } from './n8n-executions';
import type { N8nInstall } from './n8n-install';
import type { N8nServer } from './n8n-sandbox';
import { N8nSandbox } from './n8n-sandbox';
import type { CredentialRef, RunItem, WorkflowFile } from './workflows';
import {
	connectNodes,
	CONNECT_NODE_TYPE,
	EXAMPLES,
	loadExample,
	nodeNamed,
	webhookTwin,
	withShortWaits,
} from './workflows';

const installs = JSON.parse(process.env[INSTALLS_ENV] ?? '[]') as N8nInstall[];
const tarball = process.env[TARBALL_ENV] ?? '';

const credential: CredentialRef = { id: 'e2eFlinksConnect', name: 'Flinks Connect (e2e)' };
const PATHS = {
	connected: 'flinks/customer-connected',
	waiting: 'e2e-connected-waiting',
	nightly: 'e2e-nightly',
	remove: 'e2e-delete',
};
/** The two logins the nightly example's sample node lists. */
const SAMPLE_LOGINS = [
	'5e0b6a8f-5f2a-4b6e-8e0c-2f1f7b9b2a11',
	'0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
];

/** A copy with an id and every Flinks Connect node on the e2e credential. */
function onCredential(workflow: WorkflowFile, id: string): WorkflowFile {
	const copy = structuredClone(workflow);
	copy.id = id;
	copy.name = `${workflow.name} [${id}]`;
	for (const node of connectNodes(copy)) {
		node.credentials = { flinksConnectApi: credential };
	}
	return copy;
}

/** Webhook → Flinks Connect › Delete Connection, for the login in the body. */
function deleteWorkflow(): WorkflowFile {
	return onCredential(
		{
			name: 'Delete a bank connection',
			nodes: [
				{
					id: '7d1b5c8e-0000-4000-8000-0000000000d1',
					name: 'Customer asks to be forgotten',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					position: [0, 0],
					parameters: { httpMethod: 'POST', path: PATHS.remove, options: {} },
					webhookId: '7d1b5c8e-0000-4000-8000-0000000000d1',
				},
				{
					id: '7d1b5c8e-0000-4000-8000-0000000000d2',
					name: 'Delete connection',
					type: CONNECT_NODE_TYPE,
					typeVersion: 1,
					position: [220, 0],
					parameters: {
						resource: 'bankConnection',
						operation: 'deleteConnection',
						loginId: '={{ $json.body.loginId }}',
						options: {},
					},
				},
			],
			connections: {
				'Customer asks to be forgotten': {
					main: [[{ node: 'Delete connection', type: 'main', index: 0 }]],
				},
			},
			settings: { executionOrder: 'v1' },
		},
		'e2eConnectDelete',
	);
}

function itemsOf(execution: StoredExecution, node: string, output = 0): RunItem[] {
	const error = execution.data.resultData.error;
	if (error) throw new Error(`The execution failed: ${error.node?.name ?? ''}: ${error.message}`);
	return execution.data.resultData.runData[node]?.[0]?.data?.main[output] ?? [];
}

/** Every run of a node in an execution (a node in a loop runs more than once). */
function runsOf(execution: StoredExecution, node: string): number {
	return execution.data.resultData.runData[node]?.length ?? 0;
}

const post = async (url: string, body: unknown) =>
	await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});

describe.each(installs.map((install) => [install.version, install] as const))(
	'in n8n %s: Flinks Connect',
	(_version, install) => {
		let server: FakeFlinksServer;
		let sandbox: N8nSandbox;
		let n8n: N8nServer;
		const urls = { connected: '', waiting: '', nightly: '', remove: '' };

		beforeAll(async () => {
			server = await FakeFlinksServer.start();
			sandbox = await N8nSandbox.create(install, tarball);
			await sandbox.importCredentials([
				{
					...credential,
					type: 'flinksConnectApi',
					data: {
						environment: 'custom',
						baseUrl: server.baseUrl,
						customerId: server.connect.customerId,
						secretKey: server.connect.secretKey,
						apiKey: server.connect.apiKey,
					},
				},
			]);
			const connected = withShortWaits(
				onCredential(loadExample(EXAMPLES.connectCustomerConnected), 'e2eConnectConnected'),
				1,
			);
			// The same example, handing back a pending item at once: the Wait-node loop runs.
			const waiting = withShortWaits(
				onCredential(
					webhookTwin(
						loadExample(EXAMPLES.connectCustomerConnected),
						'Customer connected',
						PATHS.waiting,
					),
					'e2eConnectWaiting',
				),
				1,
			);
			nodeNamed(waiting, 'Get accounts and transactions').parameters.waitUpTo = 0;
			const nightly = onCredential(
				webhookTwin(loadExample(EXAMPLES.connectNightly), 'Every night', PATHS.nightly),
				'e2eConnectNightly',
			);
			await sandbox.importWorkflows([connected, waiting, nightly, deleteWorkflow()]);
			const ids = [
				'e2eConnectConnected',
				'e2eConnectWaiting',
				'e2eConnectNightly',
				'e2eConnectDelete',
			];
			for (const id of ids) {
				await sandbox.publishWorkflow(id);
			}
			n8n = await sandbox.start();
			urls.connected = await n8n.waitForWebhook(PATHS.connected);
			urls.waiting = await n8n.waitForWebhook(PATHS.waiting);
			urls.nightly = await n8n.waitForWebhook(PATHS.nightly);
			urls.remove = await n8n.waitForWebhook(PATHS.remove);
		});

		afterAll(async () => {
			await n8n?.stop();
			sandbox?.remove();
			await server?.stop();
		});

		it('customer connected: a row per transaction and a summary', async () => {
			const login = server.connect.addLogin({ accountCount: 2, transactionsPerAccount: 5 });
			expect((await post(urls.connected, { loginId: login.loginId })).status).toBe(200);

			const [execution] = await finishedExecutions(sandbox, 'e2eConnectConnected', 1);
			expect(itemsOf(execution, 'Rows for your sheet')).toHaveLength(10);
			expect(itemsOf(execution, 'Summary message')[0].json.text).toMatch(
				/^New bank connection: 10 transactions over 90 days, net -?\d+\.\d\d CAD\.$/,
			);
		});

		it('still collecting: the Wait node and Get Pending Result pick the answer up', async () => {
			server.connect.pendingPolls = 2;
			const login = server.connect.addLogin({ accountCount: 1, transactionsPerAccount: 4 });
			expect((await post(urls.waiting, { loginId: login.loginId })).status).toBe(200);

			const [execution] = await finishedExecutions(sandbox, 'e2eConnectWaiting', 1, 120_000);
			expect(execution.status).toBe('success');
			// Pending after the first ask and after each of the first two polls: three waits, three polls.
			expect(runsOf(execution, 'Wait a minute')).toBe(3);
			expect(runsOf(execution, 'Get pending result')).toBe(3);
			const rows = execution.data.resultData.runData['Rows for your sheet']?.[0]?.data?.main[0];
			expect(rows).toHaveLength(4);
			server.connect.pendingPolls = 0;
		});

		it('nightly: low balances flagged, a login the bank challenges goes to the error output', async () => {
			const [low, challenged] = SAMPLE_LOGINS;
			const account = server.connect.addLogin({ loginId: low, accountCount: 1 }).accounts[0];
			account.Balance.Current = 120.5;
			server.connect.addLogin({ loginId: challenged, mfa: true });
			expect((await post(urls.nightly, {})).status).toBe(200);

			const [execution] = await finishedExecutions(sandbox, 'e2eConnectNightly', 1);
			expect(itemsOf(execution, 'Flag: low balance').map((item) => item.json)).toEqual([
				{ customer: 'CUST-1001', account: 'Chequing', balance: 120.5, flag: 'low balance' },
			]);
			const refused = itemsOf(execution, 'Flag: could not refresh').map((item) => item.json);
			expect(refused).toHaveLength(1);
			expect(refused[0].customer).toBe('CUST-1002');
			expect(String(refused[0].reason)).toContain('security question (MFA, HTTP 203)');
		});

		it('Delete Connection: Flinks forgets the login', async () => {
			const login = server.connect.addLogin();
			expect((await post(urls.remove, { loginId: login.loginId })).status).toBe(200);

			const [execution] = await finishedExecutions(sandbox, 'e2eConnectDelete', 1);
			expect(itemsOf(execution, 'Delete connection').map((item) => item.json)).toEqual([
				{ loginId: login.loginId, deleted: true },
			]);
			expect(server.connect.processedDeletes).toEqual([login.loginId]);
		});
	},
);
