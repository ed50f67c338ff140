import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { FlinksConnect } from '../nodes/Flinks/FlinksConnect.node';
import { askAgentWithTool, asAiTool, fromAi } from './helpers/ai-agent';
import type { ConnectTestBed } from './helpers/connect-test-bed';
import { connectCalls, connectParameters, useConnectBed } from './helpers/connect-test-bed';

let bed: ConnectTestBed;
const { restart } = useConnectBed((started) => (bed = started));

const SUMMARY = { method: 'POST', path: /\/GetAccountsSummary$/ };
const DELETE = { method: 'DELETE', path: /\/DeleteCard\// };

const pendingParameters = (extra: IDataObject = {}) => ({
	resource: 'bankConnection',
	operation: 'getPendingResult',
	requestId: '={{ $json.requestId }}',
	resultOf: '={{ $json.resultOf }}',
	options: {},
	...extra,
});

describe('Bank Connection › Get Accounts Summary', () => {
	it('emits each account with its balances and no transactions, asking Flinks for nothing more', async () => {
		const login = bed.server.connect.addLogin({ accountCount: 2 });
		const run = await bed.run(
			[{ loginId: login.loginId }],
			connectParameters('getAccountsSummary'),
		);

		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json)).toEqual(
			login.accounts.map((account) =>
				expect.objectContaining({
					status: 'complete',
					resultOf: 'accountsSummary',
					loginId: login.loginId,
					accountId: account.Id,
					balance: {
						available: account.Balance.Available,
						current: account.Balance.Current,
						limit: null,
					},
					holder: null,
					transactions: null,
				}),
			),
		);
		expect(
			bed.server.requests.filter((r) => SUMMARY.path.test(r.path)).map((r) => JSON.parse(r.body)),
		).toEqual([{ RequestId: bed.server.connect.issuedRequestIds()[0] }]);
	});

	it('polls GetAccountsSummaryAsync and gives the whole answer when asked', async () => {
		bed.server.connect.pendingPolls = 1;
		const login = bed.server.connect.addLogin({ accountCount: 3 });
		const run = await bed.run(
			[{ loginId: login.loginId }],
			connectParameters('getAccountsSummary', { output: 'whole', options: { pollInterval: 1 } }),
		);

		expect(run.items).toHaveLength(1);
		expect((run.items[0].json.accounts as unknown[]).length).toBe(3);
		expect(connectCalls(bed.server).slice(-3)).toEqual([
			'POST GetAccountsSummary',
			'GET GetAccountsSummaryAsync/:id',
			'GET GetAccountsSummaryAsync/:id',
		]);
	}, 30_000);
});

describe('Bank Connection › Get Pending Result (the pair for a Wait node)', () => {
	it('picks up what a pending Get Accounts Detail left, with one poll by default', async () => {
		bed.server.connect.pendingPolls = 5;
		const login = bed.server.connect.addLogin({ accountCount: 2, transactionsPerAccount: 2 });
		const first = await bed.run(
			[{ loginId: login.loginId }],
			connectParameters('getAccountsDetail', { waitUpTo: 0, options: {} }),
		);
		expect(first.items[0].json.status).toBe('pending');

		// Still collecting: one poll, the item stays pending.
		const early = await bed.run([first.items[0].json], pendingParameters());
		expect(early.items.map((item) => item.json)).toEqual([
			{
				status: 'pending',
				loginId: null,
				requestId: first.items[0].json.requestId,
				resultOf: 'accountsDetail',
			},
		]);

		bed.server.connect.finishCollecting();
		const done = await bed.run(
			[first.items[0].json],
			pendingParameters({ output: 'transactions' }),
		);
		expect(done.error).toBeUndefined();
		expect(done.items).toHaveLength(4);
		expect(done.items[0].json).toMatchObject({
			status: 'complete',
			loginId: login.loginId,
			requestId: first.items[0].json.requestId,
			accountTitle: 'Chequing',
		});
		expect(connectCalls(bed.server).filter((call) => call.startsWith('GET'))).toHaveLength(2);
	});

	it('waits up to Wait Up To when asked', async () => {
		bed.server.connect.pendingPolls = 2;
		const login = bed.server.connect.addLogin({ accountCount: 1 });
		const first = await bed.run(
			[{ loginId: login.loginId }],
			connectParameters('getAccountsSummary', { waitUpTo: 0, options: {} }),
		);
		const run = await bed.run(
			[first.items[0].json],
			pendingParameters({ waitUpTo: 10, options: { pollInterval: 1 } }),
		);

		expect(run.items.map((item) => item.json.status)).toEqual(['complete']);
		expect(run.items[0].json.resultOf).toBe('accountsSummary');
	}, 30_000);

	it('says the Request ID expired (SESSION_NONEXISTENT) and what to run instead', async () => {
		const run = await bed.run(
			[{ requestId: '0b6c4f5e-8a1d-4c2e-9f3a-7d6e5c4b3a21', resultOf: 'accountsDetail' }],
			pendingParameters(),
		);

		expect(run.error?.message).toBe(
			"Getting item 0's accounts detail: Flinks answered HTTP 400 (SESSION_NONEXISTENT: The RequestId does not exist or has expired.) [item 0]",
		);
		expect(run.error?.description).toContain(
			'Run Get Accounts Detail or Get Accounts Summary again',
		);
	});

	it('refuses a Result Of that is neither operation, before sending anything', async () => {
		const run = await bed.run([{ requestId: 'abc', resultOf: 'statements' }], pendingParameters());

		expect(run.error?.message).toBe(
			'Invalid Result Of: expected accountsDetail or accountsSummary, got the text "statements"',
		);
		expect(bed.server.requests).toHaveLength(0);
	});
});

describe('Bank Connection › Delete Connection', () => {
	it('deletes each connection once and says so per item', async () => {
		const [a, b] = [bed.server.connect.addLogin(), bed.server.connect.addLogin()];
		const run = await bed.run(
			[{ loginId: a.loginId }, { loginId: b.loginId }],
			connectParameters('deleteConnection'),
		);

		expect(run.items).toEqual([
			{ json: { loginId: a.loginId, deleted: true }, pairedItem: { item: 0 } },
			{ json: { loginId: b.loginId, deleted: true }, pairedItem: { item: 1 } },
		]);
		expect(bed.server.connect.processedDeletes.sort()).toEqual([a.loginId, b.loginId].sort());
		expect(bed.server.connect.login(a.loginId)).toBeUndefined();
	});

	it('works whichever key DeleteCard checks (an authorize token, by one reading of the docs)', async () => {
		await restart({ connect: { deleteCardAuth: 'authorizeToken' } });
		const login = bed.server.connect.addLogin();
		const run = await bed.run([{ loginId: login.loginId }], connectParameters('deleteConnection'));

		expect(run.items[0].json).toEqual({ loginId: login.loginId, deleted: true });
		expect(bed.server.connect.processedDeletes).toEqual([login.loginId]);
	});

	it('reports a deleted connection when the answer to a delete that acted was lost and the resend finds none', async () => {
		const login = bed.server.connect.addLogin();
		bed.server.injectFault({ ...DELETE, kind: 'applyThenFail', status: 502 });
		const run = await bed.run([{ loginId: login.loginId }], connectParameters('deleteConnection'));

		expect(run.error).toBeUndefined();
		expect(run.items[0].json).toEqual({ loginId: login.loginId, deleted: true });
		expect(bed.server.count(DELETE)).toBe(2);
		expect(bed.server.connect.processedDeletes).toEqual([login.loginId]);
	});

	it('fails a Login ID Flinks does not know, saying it may be gone already', async () => {
		const run = await bed.run(
			[{ loginId: 'unknown-login' }],
			connectParameters('deleteConnection'),
		);

		expect(run.error?.message).toBe(
			"Deleting item 0's connection: Flinks answered HTTP 401 (INVALID_LOGIN: Invalid login.) [item 0]",
		);
		expect(run.error?.description).toContain('it may have been deleted already');
	});
});

describe('Flinks Connect API credential and node description', () => {
	it('tests the credential by minting a token with the Secret Key', async () => {
		await expect(bed.engine.testCredentials()).resolves.toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		const wrong = await bed.engine.testCredentials({ ...bed.credentials, secretKey: 'sk_wrong' });
		expect(wrong.status).toBe('Error');
		expect(JSON.stringify(wrong)).not.toContain('sk_wrong');
		// The test calls nothing but GenerateAuthorizeToken.
		expect(new Set(connectCalls(bed.server))).toEqual(new Set(['POST GenerateAuthorizeToken']));
	});

	it('sends the Secret Key to GenerateAuthorizeToken only, and the API key with data calls', async () => {
		const login = bed.server.connect.addLogin();
		await bed.run([{ loginId: login.loginId }], connectParameters('getAccountsDetail'));
		const seen = bed.server.requests.map((request) => [
			request.path.split('/').pop(),
			request.headers['flinks-auth-key'] !== undefined,
			request.headers['x-api-key'] !== undefined,
		]);

		expect(seen).toEqual([
			['GenerateAuthorizeToken', true, true],
			['Authorize', true, true],
			['GetAccountsDetail', false, true],
		]);
	});

	it('is usable as an AI tool with Get Accounts Summary, never Delete, as its default operation', () => {
		const { description } = new FlinksConnect();
		const operation = description.properties.find(
			(property) => property.name === 'operation',
		) as INodeProperties;

		expect(description.usableAsTool).toBe(true);
		expect(operation.default).toBe('getAccountsSummary');
	});
});

describe('Flinks Connect as an AI Agent tool', () => {
	it('Get Accounts Summary: the model fills the Login ID and gets the balances', async () => {
		const login = bed.server.connect.addLogin({ accountCount: 1 });
		const view = await askAgentWithTool(
			bed.engine,
			{ type: 'flinksConnectTool', description: asAiTool(new FlinksConnect()).description },
			connectParameters('getAccountsSummary', { loginId: fromAi('Login ID') }),
			[{ Login_ID: login.loginId }],
		);

		expect(view.description).toBe(
			'Get the account balances of a bank connection in Flinks Connect',
		);
		expect(Object.keys(view.parameters.properties as IDataObject)).toEqual(['Login_ID']);
		expect(view.calls).toEqual([
			{
				answer: [
					expect.objectContaining({
						status: 'complete',
						loginId: login.loginId,
						accountId: login.accounts[0].Id,
						balance: expect.objectContaining({ current: login.accounts[0].Balance.Current }),
					}),
				],
			},
		]);
	});
});
