import type { IDataObject } from 'n8n-workflow';

import type { ConnectCode } from './helpers/fake-flinks-connect';
import { CONNECT_CODE_STATUS } from './helpers/fake-flinks-connect';
import type { ConnectTestBed } from './helpers/connect-test-bed';
import { connectCalls, connectParameters, useConnectBed } from './helpers/connect-test-bed';
import { everythingVisible } from './helpers/flinks-test-bed';

let bed: ConnectTestBed;
const { restart } = useConnectBed((started) => (bed = started));

const MINT = { method: 'POST', path: /\/GenerateAuthorizeToken$/ };
const AUTHORIZE = { method: 'POST', path: /\/Authorize$/ };
const DETAIL = { method: 'POST', path: /\/GetAccountsDetail$/ };
const SUMMARY = { method: 'POST', path: /\/GetAccountsSummary$/ };

const detail = (options: IDataObject = {}, extra: IDataObject = {}) =>
	connectParameters('getAccountsDetail', { options, ...extra });

/** The per-item errors: what the node says for each, by code. */
const PER_ITEM_ERRORS: Array<[ConnectCode, string]> = [
	['INVALID_LOGIN', 'Ask the customer to reconnect through Flinks Connect'],
	['DISABLED_LOGIN', 'Flinks disabled this connection'],
	['ACCESS_DENIED', 'Flinks denied access to this connection'],
	['INVALID_REQUEST', 'Flinks refused the request as sent'],
	['UNKNOWN_CHALLENGE_KEY', 'security question Flinks has no answer for'],
	['DISABLED_INSTITUTION', 'not available through Flinks at the moment'],
	['NEW_ACCOUNT', 'an account Flinks has not linked yet'],
];

describe('Flinks Connect errors, by FlinksCode', () => {
	it.each(PER_ITEM_ERRORS)(
		'%s at Authorize fails only its item, saying what the user must do',
		async (code, advice) => {
			const failing = bed.server.connect.addLogin({ failure: code });
			const fine = bed.server.connect.addLogin({ accountCount: 1 });
			const status = CONNECT_CODE_STATUS[code];
			const run = await bed.run(
				[{ loginId: failing.loginId }, { loginId: fine.loginId }],
				detail(),
				{ onError: 'continueErrorOutput' },
			);

			expect(run.errorItems).toEqual([
				{
					json: {
						loginId: failing.loginId,
						error: `Authorizing item 0's Login ID: Flinks answered HTTP ${status} (${code}: Authorize failed: ${code}.) [item 0]`,
					},
					pairedItem: { item: 0 },
				},
			]);
			expect(run.items.map((item) => [item.pairedItem, item.json.status])).toEqual([
				[{ item: 1 }, 'complete'],
			]);
			const stopped = await bed.run([{ loginId: failing.loginId }], detail());
			expect(stopped.error?.description).toContain(advice);
			expect(stopped.error?.message).toContain(`(${code}:`);
		},
	);

	it('reads INVALID_LOGIN the same when Flinks sends it as 400 (an older help table)', async () => {
		await restart({ connect: { invalidLoginStatus: 400 } });
		const run = await bed.run([{ loginId: 'no-such-login' }], detail());

		expect(run.error?.message).toBe(
			"Authorizing item 0's Login ID: Flinks answered HTTP 400 (INVALID_LOGIN: Invalid login.) [item 0]",
		);
		expect(run.error?.description).toContain('Ask the customer to reconnect');
	});

	it('retries AGGREGATION_ERROR (500) and reports it with its attempts when it persists', async () => {
		const login = bed.server.connect.addLogin();
		bed.server.injectFault({
			...DETAIL,
			kind: 'reply',
			status: 500,
			body: { HttpStatusCode: 500, FlinksCode: 'AGGREGATION_ERROR', Message: 'Bank said no.' },
			times: Infinity,
		});
		const run = await bed.run([{ loginId: login.loginId }], detail({ maxRetries: 1 }));

		expect(run.error?.message).toBe(
			"Getting item 0's accounts detail: Flinks answered HTTP 500 (AGGREGATION_ERROR: Bank said no.) [item 0]",
		);
		expect(run.error?.description).toContain('Flinks could not collect the data from the bank');
		expect(run.error?.description).toContain('Attempts: 2');
		expect(bed.server.count(DETAIL)).toBe(2);
	});

	it('treats TOO_MANY_REQUESTS in a 401 as a rate limit: backs off, sends again, succeeds', async () => {
		const login = bed.server.connect.addLogin();
		bed.server.injectFault({ ...DETAIL, kind: 'tooManyRequests401', times: 2 });
		const run = await bed.run([{ loginId: login.loginId }], detail());

		expect(run.error).toBeUndefined();
		expect(run.items[0].json.status).toBe('complete');
		expect(bed.server.count(DETAIL)).toBe(3);
		// A rate limit is not a refused key: nothing was authorized again.
		expect(bed.server.count(AUTHORIZE)).toBe(1);
		expect(bed.engine.logLines.join('\n')).toContain('Flinks Connect: Flinks signalled congestion');
	});

	it('waits out RETRY_LATER at Authorize (the bank is unavailable), each try with a new token', async () => {
		const login = bed.server.connect.addLogin({ failure: 'RETRY_LATER', failTimes: 1 });
		const run = await bed.run([{ loginId: login.loginId }], detail({ pollInterval: 1 }));

		expect(run.error).toBeUndefined();
		expect(bed.server.count(AUTHORIZE)).toBe(2);
		expect(bed.server.count(MINT)).toBe(2);
	}, 30_000);

	it('fails the item when the bank is still unavailable once Wait Up To runs out', async () => {
		// Toolbox's test_service_unavailable user answers RETRY_LATER every time.
		const login = bed.server.connect.addLogin({
			loginId: 'test_service_unavailable',
			failure: 'RETRY_LATER',
		});
		const run = await bed.run(
			[{ loginId: login.loginId }],
			detail({ pollInterval: 1 }, { waitUpTo: 1 }),
		);

		expect(run.error?.message).toBe(
			"Authorizing item 0's Login ID: Flinks answered HTTP 401 (RETRY_LATER: Authorize failed: RETRY_LATER.) [item 0]",
		);
		expect(run.error?.description).toMatch(
			/^Still so after waiting \d+ s\. The customer's bank is unavailable/,
		);
	}, 30_000);

	it('waits out CARD_IN_USE and asks for the data again', async () => {
		const login = bed.server.connect.addLogin({ inUseTimes: 1 });
		const run = await bed.run([{ loginId: login.loginId }], detail({ pollInterval: 1 }));

		expect(run.error).toBeUndefined();
		expect(bed.server.count(DETAIL)).toBe(2);
		expect(bed.server.count(AUTHORIZE)).toBe(1);
	}, 30_000);

	it('sends a resent Authorize with a new token: a token is good once, and the lost answer used it', async () => {
		const login = bed.server.connect.addLogin();
		bed.server.injectFault({ ...AUTHORIZE, kind: 'applyThenFail', status: 502 });
		const run = await bed.run([{ loginId: login.loginId }], detail());

		expect(run.error).toBeUndefined();
		expect(bed.server.count(AUTHORIZE)).toBe(2);
		expect(bed.server.connect.mintedTokens()).toBe(2);
		expect(
			bed.server.requests
				.filter((request) => AUTHORIZE.path.test(request.path))
				.map((r) => r.status),
		).toEqual([502, 200]);
	});

	it('refuses to follow a redirect: the keys never leave for another host', async () => {
		const login = bed.server.connect.addLogin();
		bed.server.injectFault({
			...MINT,
			kind: 'redirect',
			status: 307,
			location: 'https://evil.example/steal',
		});
		const run = await bed.run([{ loginId: login.loginId }], detail());

		expect(run.error?.message).toBe(
			'Getting an authorize token from Flinks: Flinks answered HTTP 307, a redirect to https://evil.example [item 0]',
		);
		expect(connectCalls(bed.server)).toEqual(['POST GenerateAuthorizeToken']);
	});

	it('names the Secret Key when Flinks refuses it, and never shows it', async () => {
		bed.engine.setStoredCredentials({ ...bed.credentials, secretKey: 'sk_wrong' });
		const login = bed.server.connect.addLogin();
		const run = await bed.run([{ loginId: login.loginId }], detail());

		expect(run.error?.message).toBe(
			'Getting an authorize token from Flinks: Flinks answered HTTP 401 (UNAUTHORIZED: The secret key is invalid.) [item 0]',
		);
		expect(run.error?.description).toContain("Flinks refused the credential's Secret Key");
		expect(everythingVisible(bed as never, run)).not.toContain('sk_wrong');
	});

	it('names the API key when a data call is refused, and shows neither key', async () => {
		bed.engine.setStoredCredentials({ ...bed.credentials, apiKey: 'ak_wrong' });
		const login = bed.server.connect.addLogin();
		const run = await bed.run(
			[{ loginId: login.loginId }],
			connectParameters('getAccountsSummary', { options: {} }),
		);

		expect(run.error?.message).toBe(
			"Getting item 0's accounts summary: Flinks answered HTTP 401 (UNAUTHORIZED: The API key is invalid.) [item 0]",
		);
		expect(run.error?.description).toContain("Check 'API Key'");
		expect(bed.server.count(SUMMARY)).toBe(1);
		const visible = everythingVisible(bed as never, run);
		expect(visible).not.toContain('ak_wrong');
		expect(visible).not.toContain(bed.server.connect.secretKey);
	});

	it('with Continue On Fail, gives every item exactly one outcome in order when the credential has no address', async () => {
		bed.engine.setStoredCredentials({ ...bed.credentials, customerId: 'not-a-uuid' });
		const run = await bed.run([{ loginId: 'a' }, { loginId: 'b' }], detail(), {
			onError: 'continueRegularOutput',
		});

		expect(run.items.map((item) => [item.pairedItem, item.json.error])).toEqual([
			[{ item: 0 }, 'The Flinks Connect API credential has no usable address'],
			[{ item: 1 }, 'The Flinks Connect API credential has no usable address'],
		]);
		expect(bed.server.requests).toHaveLength(0);
	});

	it('refuses a Login ID that could reach another path, without sending anything', async () => {
		const run = await bed.run([{ loginId: '../../DeleteCard/x' }, { loginId: 42 }], detail(), {
			onError: 'continueRegularOutput',
		});

		expect(run.items[0].json.error).toMatch(
			/^Invalid Login ID: expected an ID without spaces or slashes/,
		);
		// A number is read as the ID it spells; Flinks then says whether it knows it.
		expect(run.items[1].json.error).toContain('(INVALID_LOGIN: Invalid login.) [item 1]');
		expect(bed.server.count(DETAIL)).toBe(0);
	});
});

describe('Flinks Connect answers and values that are not what they should be', () => {
	it('distrusts a 200 without accounts, and a 200 about another request', async () => {
		const [first, second] = [bed.server.connect.addLogin(), bed.server.connect.addLogin()];
		bed.server.injectFault({
			...DETAIL,
			kind: 'reply',
			status: 200,
			body: { HttpStatusCode: 200 },
		});
		bed.server.injectFault({
			...DETAIL,
			kind: 'reply',
			status: 200,
			body: {
				HttpStatusCode: 200,
				Accounts: [],
				RequestId: '11111111-2222-4333-8444-555555555555',
			},
		});
		const run = await bed.run(
			[{ loginId: first.loginId }, { loginId: second.loginId }],
			detail({ concurrency: 1 }),
			{
				onError: 'continueRegularOutput',
			},
		);

		expect(run.items.map((item) => item.json.error)).toEqual([
			"Getting item 0's accounts detail: Flinks answered HTTP 200 with a JSON body without Accounts [item 0]",
			"Getting item 1's accounts detail: Flinks answered about another request [item 1]",
		]);
	});

	it('names a wrong-type Wait Up To or option, and sends nothing for that item', async () => {
		const login = bed.server.connect.addLogin({ accountCount: 1 });
		const run = await bed.run(
			[
				{ loginId: login.loginId, wait: 'soon', identity: 'false' },
				{ loginId: login.loginId, wait: 5, identity: 'maybe' },
				{ loginId: login.loginId, wait: '5', identity: 'false' },
			],
			detail({ includeIdentity: '={{ $json.identity }}' }, { waitUpTo: '={{ $json.wait }}' }),
			{ onError: 'continueRegularOutput' },
		);

		expect(run.items.map((item) => item.json.error ?? item.json.status)).toEqual([
			'Invalid Wait Up To (Seconds): expected a number from 0 to 1800, got the text "soon"',
			'Invalid Options › Include Account Holder Identity and KYC: expected true or false, got the text "maybe"',
			'complete',
		]);
		expect(bed.server.count(AUTHORIZE)).toBe(1);
	});
});

describe('Flinks Connect batches', () => {
	it('gives each of 40 mixed items its own outcomes, in order and paired, with Continue On Fail', async () => {
		const logins = Array.from({ length: 40 }, (_, n) =>
			bed.server.connect.addLogin(
				n % 4 === 1
					? { failure: 'INVALID_LOGIN' }
					: n % 4 === 2
						? { accountCount: 0 }
						: { accountCount: 1 + (n % 3) },
			),
		);
		bed.server.injectFault({ ...DETAIL, kind: 'tooManyRequests401', times: 5 });
		const run = await bed.run(
			logins.map((login) => ({ loginId: login.loginId })),
			detail(),
			{ onError: 'continueRegularOutput' },
		);

		expect(run.error).toBeUndefined();
		const indexes = run.items.map((item) => (item.pairedItem as { item: number }).item);
		expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
		logins.forEach((login, n) => {
			const outputs = run.items.filter((_, i) => indexes[i] === n).map((item) => item.json);
			if (n % 4 === 1) {
				expect(outputs).toEqual([{ error: expect.stringContaining(`INVALID_LOGIN`) }]);
			} else if (n % 4 === 2) {
				expect(outputs.map((json) => json.status)).toEqual(['noAccounts']);
			} else {
				expect(outputs.map((json) => json.accountId)).toEqual(login.accounts.map((a) => a.Id));
				expect(outputs.every((json) => json.loginId === login.loginId)).toBe(true);
			}
		});
	}, 60_000);
});
