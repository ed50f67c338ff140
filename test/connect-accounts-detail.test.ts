import type { ConnectTestBed } from './helpers/connect-test-bed';
import { connectCalls, connectParameters, useConnectBed } from './helpers/connect-test-bed';

let bed: ConnectTestBed;
useConnectBed((started) => (bed = started));

describe('Bank Connection › Get Accounts Detail', () => {
	it('authorizes from the cache with a fresh token and emits one item per account, transactions inside', async () => {
		const login = bed.server.connect.addLogin({ accountCount: 2, transactionsPerAccount: 3 });
		const run = await bed.run([{ loginId: login.loginId }], connectParameters('getAccountsDetail'));

		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(2);
		expect(run.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
		expect(run.items[0].json).toMatchObject({
			status: 'complete',
			loginId: login.loginId,
			resultOf: 'accountsDetail',
			accountId: login.accounts[0].Id,
			title: 'Chequing',
			holder: null,
		});
		expect(run.items[0].json.transactions).toHaveLength(3);
		expect(connectCalls(bed.server)).toEqual([
			'POST GenerateAuthorizeToken',
			'POST Authorize',
			'POST GetAccountsDetail',
		]);
		expect(bed.server.connect.authorizations).toEqual([{ loginId: login.loginId, live: false }]);
	});
});
