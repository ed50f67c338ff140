import type { ConnectTestBed } from './helpers/connect-test-bed';
import { connectParameters, useConnectBed } from './helpers/connect-test-bed';
import { everythingVisible } from './helpers/flinks-test-bed';

/** Defects found reviewing Flinks Connect (issue 27), each reproduced here before its fix. */

let bed: ConnectTestBed;
useConnectBed((started) => (bed = started));

const MINT = { method: 'POST', path: /\/GenerateAuthorizeToken$/ };
const AUTHORIZE = { method: 'POST', path: /\/Authorize$/ };
const SUMMARY = { method: 'POST', path: /\/GetAccountsSummary$/ };

const summary = () => connectParameters('getAccountsSummary', { options: { maxRetries: 0 } });

describe('a server that quotes the request headers back in its error', () => {
	it('never shows the Secret Key, an authorize token or the API key in items or logs', async () => {
		const logins = [1, 2, 3].map(() => bed.server.connect.addLogin({ accountCount: 1 }));
		bed.server.injectFault({ ...MINT, kind: 'echoHeaders', status: 401 });
		bed.server.injectFault({ ...AUTHORIZE, kind: 'echoHeaders', status: 401 });
		bed.server.injectFault({ ...SUMMARY, kind: 'echoHeaders', status: 401 });
		const run = await bed.run(
			logins.map(({ loginId }) => ({ loginId })),
			{ ...summary(), options: { maxRetries: 0, concurrency: 1 } },
			{ onError: 'continueRegularOutput' },
		);

		const errors = run.items.map((item) => String(item.json.error));
		expect(errors).toHaveLength(3);
		expect(errors[0]).toContain('Getting an authorize token from Flinks: Flinks answered HTTP 401');
		expect(errors[1]).toContain("Authorizing item 1's Login ID: Flinks answered HTTP 401");
		expect(errors[2]).toContain("Getting item 2's accounts summary: Flinks answered HTTP 401");
		const visible = everythingVisible(bed as never, run);
		expect(visible).not.toContain(bed.server.connect.secretKey);
		expect(visible).not.toContain(bed.server.connect.apiKey);
		// The authorize token sent to Authorize (a UUID) is not shown either.
		expect(errors[1]).not.toMatch(/flinks-auth-key=[0-9a-f]{8}-/i);
		expect(errors[1]).toContain('flinks-auth-key=');
	});
});

describe('an Authorize 200 that is not about the login asked for', () => {
	it("never labels another login's accounts with this item's Login ID", async () => {
		const asked = bed.server.connect.addLogin({ accountCount: 1 });
		const other = bed.server.connect.addLogin({ accountCount: 1 });
		// A requestId Flinks issued for the other login, answered again (a mixed-up cache or proxy).
		await bed.run([{ loginId: other.loginId }], summary());
		const [otherRequestId] = bed.server.connect.issuedRequestIds();
		bed.server.injectFault({
			...AUTHORIZE,
			kind: 'reply',
			status: 200,
			body: {
				HttpStatusCode: 200,
				RequestId: otherRequestId,
				Login: { Id: other.loginId, LastRefresh: '2026-12-01T10:00:00' },
				Institution: 'FlinksCapital',
			},
		});
		const summariesBefore = bed.server.count(SUMMARY);
		const run = await bed.run([{ loginId: asked.loginId }], summary(), {
			onError: 'continueRegularOutput',
		});

		expect(
			run.items.map((item) => [item.pairedItem, item.json.accountId ?? item.json.error]),
		).toEqual([
			[{ item: 0 }, "Authorizing item 0's Login ID: Flinks answered about another login [item 0]"],
		]);
		expect(bed.server.count(SUMMARY)).toBe(summariesBefore);
	});
});

describe('IDs that are path segments of their own', () => {
	it.each(['..', '.'])(
		'refuses the Login ID "%s" instead of deleting at another path',
		async (loginId) => {
			const run = await bed.run(
				[{ loginId }],
				connectParameters('deleteConnection', { options: {} }),
				{ onError: 'continueRegularOutput' },
			);

			expect(run.items.map((item) => [item.pairedItem, item.json.error])).toEqual([
				[
					{ item: 0 },
					`Invalid Login ID: expected an ID, not a path segment, got the text "${loginId}"`,
				],
			]);
			expect(bed.server.requests.filter((request) => request.method === 'DELETE')).toEqual([]);
		},
	);
});

describe('wrong-type values from expressions', () => {
	it('refuses an Accounts list whose entries are not IDs, sending nothing for that item', async () => {
		const login = bed.server.connect.addLogin({ accountCount: 2 });
		const run = await bed.run(
			[
				{ loginId: login.loginId, accounts: [{ id: 'acct-0' }] },
				{ loginId: login.loginId, accounts: ['', 7] },
			],
			connectParameters('getAccountsDetail', {
				loginId: '={{ $json.loginId }}',
				options: { accounts: '={{ $json.accounts }}' },
			}),
			{ onError: 'continueRegularOutput' },
		);

		expect(run.items.map((item) => [item.pairedItem, item.json.error ?? item.json.status])).toEqual(
			[
				[
					{ item: 0 },
					'Invalid Options › Accounts: expected account IDs separated by commas, got a list',
				],
				[{ item: 1 }, 'noAccounts'],
			],
		);
		// Item 1 (IDs as text or numbers) asked for account 7 only; item 0 sent nothing.
		expect(bed.server.connect.authorizations).toHaveLength(1);
	});
});
