import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { ConnectTestBed } from './helpers/connect-test-bed';
import { connectCalls, connectParameters, useConnectBed } from './helpers/connect-test-bed';
import { atNthRequest } from './helpers/fault-matrix';

let bed: ConnectTestBed;
useConnectBed((started) => (bed = started));

const DETAIL = { method: 'POST', path: /\/GetAccountsDetail$/ };
const ASYNC = { method: 'GET', path: /\/GetAccountsDetailAsync\// };
const AUTHORIZE = { method: 'POST', path: /\/Authorize$/ };

const detail = (options: IDataObject = {}, extra: IDataObject = {}) =>
	connectParameters('getAccountsDetail', { options, ...extra });
const sentBodies = (filter: { path: RegExp }) =>
	bed.server.requests
		.filter((request) => filter.path.test(request.path))
		.map((request) => JSON.parse(request.body) as IDataObject);

describe('Bank Connection › Get Accounts Detail', () => {
	it('authorizes from the cache with a fresh token and emits one item per account, transactions inside', async () => {
		const login = bed.server.connect.addLogin({ accountCount: 2, transactionsPerAccount: 3 });
		const run = await bed.run([{ loginId: login.loginId }], detail());

		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(2);
		expect(run.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
		const [first] = login.accounts;
		expect(run.items[0].json).toEqual({
			status: 'complete',
			loginId: login.loginId,
			requestId: bed.server.connect.issuedRequestIds()[0],
			resultOf: 'accountsDetail',
			institution: 'FlinksCapital',
			lastRefresh: login.lastRefresh,
			accountId: first.Id,
			title: 'Chequing',
			accountNumber: first.AccountNumber,
			transitNumber: '77777',
			institutionNumber: '777',
			category: 'Operations',
			type: 'Chequing',
			currency: 'CAD',
			balance: { available: first.Balance.Available, current: first.Balance.Current, limit: null },
			holder: null,
			transactions: first.Transactions.map((transaction) => ({
				transactionId: transaction.Id,
				date: transaction.Date,
				description: transaction.Description,
				debit: transaction.Debit,
				credit: transaction.Credit,
				balance: transaction.Balance,
			})),
		});
		expect(connectCalls(bed.server)).toEqual([
			'POST GenerateAuthorizeToken',
			'POST Authorize',
			'POST GetAccountsDetail',
		]);
		expect(bed.server.connect.authorizations).toEqual([{ loginId: login.loginId, live: false }]);
		// PII is off by default: no identity, no KYC asked for.
		expect(sentBodies(DETAIL)).toEqual([
			{
				RequestId: bed.server.connect.issuedRequestIds()[0],
				WithAccountIdentity: false,
				WithKYC: false,
				WithTransactions: true,
				DaysOfTransactions: 'Days90',
			},
		]);
	});

	it('emits one item per transaction with its account, all paired to their input item', async () => {
		const first = bed.server.connect.addLogin({ accountCount: 2, transactionsPerAccount: 2 });
		const second = bed.server.connect.addLogin({ accountCount: 1, transactionsPerAccount: 3 });
		const run = await bed.run(
			[{ loginId: first.loginId }, { loginId: second.loginId }],
			detail({}, { output: 'transactions' }),
		);

		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.pairedItem)).toEqual([
			...Array(4).fill({ item: 0 }),
			...Array(3).fill({ item: 1 }),
		]);
		expect(run.items[2].json).toMatchObject({
			status: 'complete',
			loginId: first.loginId,
			accountId: first.accounts[1].Id,
			accountTitle: 'Savings 1',
			currency: 'CAD',
			transactionId: first.accounts[1].Transactions[0].Id,
			date: first.accounts[1].Transactions[0].Date,
		});
	});

	it('emits the whole answer as one item when asked', async () => {
		const login = bed.server.connect.addLogin({ accountCount: 3 });
		const run = await bed.run([{ loginId: login.loginId }], detail({}, { output: 'whole' }));

		expect(run.items).toHaveLength(1);
		expect(run.items[0].json).toMatchObject({ status: 'complete', loginId: login.loginId });
		expect(
			(run.items[0].json.accounts as IDataObject[]).map((account) => account.accountId),
		).toEqual(login.accounts.map((account) => account.Id));
	});

	it('asks for 365 days, identity and KYC only when the options say so', async () => {
		const login = bed.server.connect.addLogin({ accountCount: 1, transactionsPerAccount: 400 });
		const run = await bed.run(
			[{ loginId: login.loginId }],
			detail({ daysOfTransactions: 'Days365', includeIdentity: true }, { output: 'whole' }),
		);

		expect(sentBodies(DETAIL)[0]).toMatchObject({
			WithAccountIdentity: true,
			WithKYC: true,
			DaysOfTransactions: 'Days365',
		});
		const [account] = run.items[0].json.accounts as IDataObject[];
		expect(account.holder).toMatchObject({ name: 'John Doe', email: 'john@example.com' });
		expect((account.transactions as unknown[]).length).toBeGreaterThan(360);
		expect(run.items[0].json.kyc).toMatchObject({ Name: 'John Doe' });
	});

	it('leaves transactions out when Include Transactions is off, and filters accounts by ID', async () => {
		const login = bed.server.connect.addLogin({ accountCount: 3 });
		const wanted = login.accounts[1].Id;
		const run = await bed.run(
			[{ loginId: login.loginId }],
			detail({ includeTransactions: false, accounts: ` ${wanted} ,` }),
		);

		expect(sentBodies(DETAIL)[0]).toMatchObject({
			WithTransactions: false,
			AccountsFilter: [wanted],
		});
		expect(run.items.map((item) => item.json.accountId)).toEqual([wanted]);
		expect(run.items[0].json.transactions).toBeNull();
	});

	it('says so in one item when a login has no accounts, or no transactions per transaction', async () => {
		const empty = bed.server.connect.addLogin({ accountCount: 0 });
		const quiet = bed.server.connect.addLogin({ accountCount: 1, transactionsPerAccount: 0 });
		const accounts = await bed.run([{ loginId: empty.loginId }], detail());
		const transactions = await bed.run(
			[{ loginId: quiet.loginId }],
			detail({}, { output: 'transactions' }),
		);

		expect(accounts.items.map((item) => item.json.status)).toEqual(['noAccounts']);
		expect(transactions.items.map((item) => item.json.status)).toEqual(['noTransactions']);
		expect(transactions.items[0].pairedItem).toEqual({ item: 0 });
	});

	it('handles the 365-day answer of 5 accounts × 1,500 transactions as 7,500 paired items', async () => {
		const login = bed.server.connect.addLogin({ accountCount: 5, transactionsPerAccount: 1500 });
		const run = await bed.run(
			[{ loginId: login.loginId }],
			detail({ daysOfTransactions: 'Days365' }, { output: 'transactions' }),
		);

		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(7500);
		expect(new Set(run.items.map((item) => item.json.transactionId)).size).toBe(7500);
		expect(run.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	}, 60_000);
});

describe('Get Accounts Detail › Refresh From the Bank and MFA', () => {
	it('logs in live when asked', async () => {
		const login = bed.server.connect.addLogin();
		const run = await bed.run([{ loginId: login.loginId }], detail({ refreshFromBank: true }));

		expect(run.error).toBeUndefined();
		expect(sentBodies(AUTHORIZE)).toEqual([{ LoginId: login.loginId, MostRecentCached: false }]);
		expect(bed.server.connect.authorizations).toEqual([{ loginId: login.loginId, live: true }]);
	});

	it('reports a security question (203) as a clear error for that item only', async () => {
		const asks = bed.server.connect.addLogin({ mfa: true });
		const plain = bed.server.connect.addLogin();
		const run = await bed.run(
			[{ loginId: asks.loginId }, { loginId: plain.loginId }],
			detail({ refreshFromBank: true }),
			{ onError: 'continueRegularOutput' },
		);

		expect(run.items[0]).toEqual({
			json: {
				error:
					"Authorizing item 0's Login ID with the bank (live): the bank asked a security question (MFA, HTTP 203) [item 0]",
			},
			pairedItem: { item: 0 },
		});
		expect(run.items.slice(1).every((item) => item.json.status === 'complete')).toBe(true);
		expect(run.items.slice(1).map((item) => item.pairedItem)).toEqual([{ item: 1 }, { item: 1 }]);
		// No data was asked for the login the bank challenged.
		expect(bed.server.count(DETAIL)).toBe(1);
	});

	it('stops the workflow on MFA with an error that says what to do', async () => {
		const asks = bed.server.connect.addLogin({ mfa: true });
		const run = await bed.run([{ loginId: asks.loginId }], detail({ refreshFromBank: true }));

		expect(run.error?.message).toContain(
			'the bank asked a security question (MFA, HTTP 203) [item 0]',
		);
		expect(run.error?.description).toContain("Turn off 'Refresh From the Bank'");
	});

	it('reads the cache of an MFA login without asking anything', async () => {
		const asks = bed.server.connect.addLogin({ mfa: true });
		const run = await bed.run([{ loginId: asks.loginId }], detail());

		expect(run.error).toBeUndefined();
		expect(run.items.every((item) => item.json.status === 'complete')).toBe(true);
	});
});

describe('Get Accounts Detail › polling', () => {
	it('polls GetAccountsDetailAsync until the answer is in (202, then 200 after N polls)', async () => {
		bed.server.connect.pendingPolls = 2;
		const login = bed.server.connect.addLogin();
		const run = await bed.run([{ loginId: login.loginId }], detail({ pollInterval: 1 }));

		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(2);
		expect(connectCalls(bed.server)).toEqual([
			'POST GenerateAuthorizeToken',
			'POST Authorize',
			'POST GetAccountsDetail',
			'GET GetAccountsDetailAsync/:id',
			'GET GetAccountsDetailAsync/:id',
			'GET GetAccountsDetailAsync/:id',
		]);
		const polls = bed.server.requests.filter((request) => ASYNC.path.test(request.path));
		// n8n's sleep between polls: about the interval, never a tight loop.
		expect(polls[1].at - polls[0].at).toBeGreaterThanOrEqual(950);
	}, 30_000);

	it('keeps polling after OPERATION_DISPATCHED (a sync call past 210 s)', async () => {
		bed.server.connect.pendingPolls = 1;
		bed.server.connect.firstAnswer = 'OPERATION_DISPATCHED';
		const login = bed.server.connect.addLogin();
		const run = await bed.run([{ loginId: login.loginId }], detail({ pollInterval: 1 }));

		expect(run.error).toBeUndefined();
		expect(run.items[0].json.status).toBe('complete');
		expect(bed.server.count(ASYNC)).toBe(2);
	}, 30_000);

	it('hands back a pending item, not an error, when Wait Up To runs out', async () => {
		bed.server.connect.pendingPolls = 100;
		const login = bed.server.connect.addLogin();
		const run = await bed.run(
			[{ loginId: login.loginId }],
			detail({ pollInterval: 1 }, { waitUpTo: 2 }),
		);

		expect(run.error).toBeUndefined();
		expect(run.items).toEqual([
			{
				json: {
					status: 'pending',
					loginId: login.loginId,
					requestId: bed.server.connect.issuedRequestIds()[0],
					resultOf: 'accountsDetail',
				},
				pairedItem: { item: 0 },
			},
		]);
		// Polls one interval apart while the wait allowed another: one or two in 2 s.
		expect(bed.server.count(ASYNC)).toBeGreaterThanOrEqual(1);
		expect(bed.server.count(ASYNC)).toBeLessThanOrEqual(2);
	}, 30_000);

	it('with Wait Up To 0, asks once and hands back the pending item at once', async () => {
		bed.server.connect.pendingPolls = 1;
		const login = bed.server.connect.addLogin();
		const run = await bed.run([{ loginId: login.loginId }], detail({}, { waitUpTo: 0 }));

		expect(run.items[0].json.status).toBe('pending');
		expect(bed.server.count(ASYNC)).toBe(0);
	});

	it('ends a polling wait at once on Stop, naming the Request ID to pick up later', async () => {
		bed.server.connect.pendingPolls = 100;
		const login = bed.server.connect.addLogin();
		let stoppedAt = 0;
		const run = await bed.run([{ loginId: login.loginId }], detail({ pollInterval: 5 }), {
			onStarted: (execution) =>
				atNthRequest(bed.server, DETAIL, 1, () => {
					// Stop once the node is in its 5-second wait between polls.
					void sleep(300).then(() => {
						stoppedAt = Date.now();
						execution.cancel();
					});
				}),
		});

		expect(Date.now() - stoppedAt).toBeLessThan(3000);
		expect(bed.server.count(ASYNC)).toBe(0);
		const requestId = bed.server.connect.issuedRequestIds()[0];
		expect(run.error?.message).toBe(
			`Stopped while waiting for Flinks to collect item 0's data (Request ID ${requestId}) [item 0]`,
		);
		expect(run.error?.description).toContain('Get Pending Result with this Request ID');
	}, 30_000);

	it('authorizes again once when the requestId expired (SESSION_NONEXISTENT)', async () => {
		const login = bed.server.connect.addLogin();
		// Nine minutes pass between Authorize and the data request: the requestId idled out.
		atNthRequest(bed.server, DETAIL, 1, () => bed.server.connect.age(9 * 60_000));
		const run = await bed.run([{ loginId: login.loginId }], detail());

		expect(run.error).toBeUndefined();
		expect(run.items[0].json.requestId).toBe(bed.server.connect.issuedRequestIds()[1]);
		expect(bed.server.connect.authorizations).toHaveLength(2);
	});

	it('fails the item when the requestId expires again after re-authorizing', async () => {
		const login = bed.server.connect.addLogin();
		bed.server.injectFault({
			...DETAIL,
			kind: 'reply',
			status: 400,
			body: { HttpStatusCode: 400, FlinksCode: 'SESSION_NONEXISTENT', Message: 'Gone.' },
			times: 2,
		});
		const run = await bed.run([{ loginId: login.loginId }], detail());

		expect(run.error?.message).toBe(
			"Getting item 0's accounts detail: Flinks answered HTTP 400 (SESSION_NONEXISTENT: Gone.) [item 0]",
		);
		expect(run.error?.description).toContain('The Request ID expired');
		expect(bed.server.connect.authorizations).toHaveLength(2);
	});
});
