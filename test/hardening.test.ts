import type { IDataObject } from 'n8n-workflow';

import { FakeFlinksServer } from './helpers/fake-flinks-server';
import {
	AUTHORIZE,
	CANCELS,
	DETAILS,
	atNthRequest,
	cancelOf,
	CREATES,
	CREATE_REDIRECTED_AFTER_CREATING,
} from './helpers/fault-matrix';
import type { FlinksTestBed } from './helpers/flinks-test-bed';
import {
	cancelParameters,
	createParameters,
	customer,
	everythingVisible,
	useTestBed,
} from './helpers/flinks-test-bed';

let bed: FlinksTestBed;
/** Another origin on the same machine: where a hostile or misconfigured redirect points. */
let elsewhere: FakeFlinksServer;

useTestBed((started) => (bed = started));

beforeEach(async () => {
	elsewhere = await FakeFlinksServer.start();
});
afterEach(async () => {
	await elsewhere.stop();
});

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Makes the Flinks server answer matching requests with a redirect to `path` on the other origin. */
function redirectElsewhere(
	match: { method?: string; path?: string | RegExp },
	status: 301 | 302 | 303 | 307 | 308,
	path: string,
	times = 1,
) {
	bed.server.injectFault({
		...match,
		kind: 'redirect',
		status,
		location: `${elsewhere.baseUrl}${path}`,
		times,
	});
}

describe('redirects: no credential ever leaves the configured origin', () => {
	it.each([302, 307, 308] as const)(
		'a %i from the token request fails every item, naming it, and sends the secret nowhere',
		async (status) => {
			redirectElsewhere(AUTHORIZE, status, '/api/v1/authorize', Infinity);
			const sessions = bed.server.addSessions(3);
			const run = await bed.engine.run({
				items: sessions.map((s) => ({ sessionId: s.sessionId })),
				parameters: cancelParameters(),
				onError: 'continueRegularOutput',
			});

			expect(run.items).toHaveLength(3);
			for (const item of run.items) {
				expect(item.json.error).toMatch(
					new RegExp(`HTTP ${status}.*redirect.*${escaped(elsewhere.baseUrl)}`),
				);
			}
			expect(elsewhere.requests).toHaveLength(0);
			// A redirect is not transient: one token request for the whole batch, no cancel sent.
			expect(bed.server.count(AUTHORIZE)).toBe(1);
			expect(bed.server.count(CANCELS)).toBe(0);
		},
	);

	it.each([301, 302, 303, 307, 308] as const)(
		'a %i from a cancel is an error naming status and origin, never a cancellation',
		async (status) => {
			const [session] = bed.server.addSessions(1);
			elsewhere.addSession({ sessionId: session.sessionId });
			redirectElsewhere(
				{ path: cancelOf(session.sessionId) },
				status,
				`/api/v2/sessions/${session.sessionId}/cancel`,
			);
			const run = await bed.engine.run({
				items: [{ sessionId: session.sessionId }],
				parameters: cancelParameters(),
			});

			expect(run.items).toHaveLength(0);
			expect(run.error?.message).toMatch(
				new RegExp(`HTTP ${status}.*redirect.*${escaped(elsewhere.baseUrl)}`),
			);
			expect(elsewhere.requests).toHaveLength(0);
			expect(elsewhere.session(session.sessionId)?.status).toBe('Initiated');
		},
	);

	it('Get Details and Create refuse a redirect the same way', async () => {
		const [session] = bed.server.addSessions(1);
		redirectElsewhere(DETAILS, 302, `/api/v2/sessions/${session.sessionId}/details`);
		redirectElsewhere(CREATES, 307, '/api/v2/sessions');
		const details = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: {
				resource: 'session',
				operation: 'getDetails',
				sessionId: '={{ $json.sessionId }}',
			},
		});
		const create = await bed.engine.run({ items: [customer(1)], parameters: createParameters() });

		expect(details.error?.message).toMatch(/HTTP 302.*redirect/);
		expect(create.error?.message).toMatch(/HTTP 307.*redirect/);
		expect(create.items).toHaveLength(0);
		expect(elsewhere.requests).toHaveLength(0);
	});

	it('a create answered with a redirect after Flinks created the session says it may have been created, with its Reference ID', async () => {
		bed.server.injectFault(CREATE_REDIRECTED_AFTER_CREATING);
		const run = await bed.engine.run({ items: [customer(1)], parameters: createParameters() });

		expect(bed.server.allSessions()).toHaveLength(1);
		expect(run.error?.message).toBe(
			`Creating a session: Flinks answered HTTP 303, a redirect to ${bed.server.baseUrl}; the session may have been created [item 0]`,
		);
		expect(run.error?.description).toContain('look for Reference ID ORDER-1001');
		expect(run.error?.description).not.toMatch(/Set the credential's 'Environment'/);
	});

	it('the credential test reports a redirected token request as an error and sends the secret nowhere', async () => {
		redirectElsewhere(AUTHORIZE, 307, '/api/v1/authorize');
		const result = await bed.engine.testCredentials();

		expect(result.status).toBe('Error');
		expect(result.message).toMatch(new RegExp(`HTTP 307.*${escaped(elsewhere.baseUrl)}`));
		expect(elsewhere.requests).toHaveLength(0);
	});

	it('the credential test does not follow a redirect of its own token request, made while a token is stored', async () => {
		await bed.engine.testCredentials();
		expect(bed.engine.storedCredentials().accessToken).toBeTruthy();
		redirectElsewhere(AUTHORIZE, 302, '/collect', 2);
		const result = await bed.engine.testCredentials();
		expect(result.status).toBe('Error');
		expect(elsewhere.requests).toHaveLength(0);
	});
});

describe('nothing hangs', () => {
	it('a token request that never answers fails its item after the Timeout, retried first; the waiting items at their own Timeout', async () => {
		bed.server.injectFault({ ...AUTHORIZE, kind: 'hang', times: Infinity });
		const sessions = bed.server.addSessions(5);
		const run = await bed.engine.run({
			items: sessions.map((s) => ({ sessionId: s.sessionId })),
			parameters: cancelParameters({ timeout: 300, maxRetries: 1 }),
			onError: 'continueRegularOutput',
		});

		expect(run.items).toHaveLength(5);
		const [exchanging, ...waiting] = run.items;
		expect(exchanging.json.error).toMatch(
			/^Could not get an access token from Flinks: no answer within 300 ms \(after 2 attempts\)/,
		);
		for (const item of waiting) {
			expect(item.json.error).toMatch(
				/^Could not get an access token from Flinks within 300 ms: another request's token exchange is still open/,
			);
		}
		// One request at a time holds the exchange; the others wait for it instead of piling up.
		expect(bed.server.count(AUTHORIZE)).toBe(2);
		expect(bed.server.count(CANCELS)).toBe(0);
	});

	it('the credential test gives up on a token request that never answers', async () => {
		bed.server.injectFault({ ...AUTHORIZE, kind: 'hang' });
		const result = await bed.engine.testCredentials();
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^Could not get an access token from Flinks: no answer within/);
	}, 40_000);
});

describe('Create in "Stop Workflow" mode', () => {
	it('one at a time, sends no further create once one fails, and lists every session already created', async () => {
		// Flinks refuses the third customer's address (no dotted domain); the node only checks its shape.
		const customers = [1, 2, 3, 4, 5].map(customer);
		customers[2].email = 'jane@localhost';
		const run = await bed.engine.run({
			items: customers,
			parameters: createParameters({ options: { concurrency: 1 } }),
		});

		expect(run.error?.message).toMatch(/^Creating a session: Flinks answered HTTP 400/);
		expect(run.error?.context.itemIndex).toBe(2);
		const sent = bed.server.requests
			.filter((r) => r.method === CREATES.method && r.path === CREATES.path)
			.map((r) => (JSON.parse(r.body) as { payor: { lastName: string } }).payor.lastName);
		expect(new Set(sent)).toEqual(new Set(['Doe-1', 'Doe-2', 'Doe-3']));
		const created = bed.server.allSessions();
		expect(created).toHaveLength(2);
		for (const session of created) {
			expect(run.error?.description).toContain(
				`${session.sessionId} (reference ${String(session.referenceId)})`,
			);
		}
	});

	it('concurrently, lists every session created, those sent beside the failed one included', async () => {
		const customers = Array.from({ length: 40 }, (_, n) => customer(n));
		customers[10].email = 'jane@localhost';
		const run = await bed.engine.run({ items: customers, parameters: createParameters() });

		expect(run.error?.context.itemIndex).toBe(10);
		const created = bed.server.allSessions();
		expect(created.length).toBeGreaterThanOrEqual(10);
		for (const session of created) {
			expect(run.error?.description).toContain(
				`${session.sessionId} (reference ${String(session.referenceId)})`,
			);
		}
		// No create starts once the failure is known: fewer sent than the batch.
		expect(bed.server.count(CREATES)).toBeLessThan(customers.length);
	});
});

describe('a create whose answer was lost', () => {
	it.each([
		['a timeout', { kind: 'hang' } as const, { timeout: 300 }],
		['a dropped connection', { kind: 'reset' } as const, {}],
		['a 502 from the gateway', { kind: 'applyThenFail', status: 502 } as const, {}],
	])('after %s says the session may exist and how to check', async (_label, fault, options) => {
		bed.server.injectFault({ ...CREATES, ...fault });
		const run = await bed.engine.run({
			items: [customer(1)],
			parameters: createParameters({ options }),
		});

		const said = `${run.error?.message} ${run.error?.description}`;
		expect(said).not.toMatch(/Could not reach/);
		expect(run.error?.message).toMatch(/may have been created/);
		expect(said).toContain('ORDER-1001');
		expect(bed.server.count(CREATES)).toBe(1);
	});
});

describe('a 2xx to a create that did not do what was asked', () => {
	it.each([
		['no session ID', { referenceId: 'ORDER-1001' }],
		['a session ID that is not a UUID', { sessionId: '../../x', referenceId: 'ORDER-1001' }],
		['a session ID that is a number', { sessionId: 42, referenceId: 'ORDER-1001' }],
	])('with %s fails the item, says the session may exist, emits no link', async (_label, body) => {
		bed.server.injectFault({ ...CREATES, kind: 'reply', status: 201, body });
		const run = await bed.engine.run({ items: [customer(1)], parameters: createParameters() });
		expect(run.error?.message).toBe(
			'Creating a session: Flinks answered HTTP 201 with a JSON body without a session ID (a UUID) [item 0]',
		);
		expect(run.error?.description).toMatch(/may have been created.*Reference ID ORDER-1001/);
		expect(run.items).toHaveLength(0);
	});

	it('about another Reference ID fails the item and says the session may exist', async () => {
		bed.server.injectFault({
			...CREATES,
			kind: 'reply',
			status: 201,
			body: { sessionId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', referenceId: 'ORDER-9999' },
		});
		const run = await bed.engine.run({ items: [customer(1)], parameters: createParameters() });
		expect(run.error?.message).toBe(
			'Creating a session: Flinks answered HTTP 201 about another Reference ID ("ORDER-9999") [item 0]',
		);
		expect(run.error?.description).toContain('look for Reference ID ORDER-1001');
		expect(run.items).toHaveLength(0);
	});
});

describe('token refresh', () => {
	it('retries a refresh that failed with 503 instead of failing the items waiting on it', async () => {
		const sessions = bed.server.addSessions(20);
		atNthRequest(bed.server, CANCELS, 5, () => {
			bed.server.revokeTokens();
			bed.server.injectFault({ ...AUTHORIZE, kind: 'status', status: 503, retryAfter: '0' });
		});
		const run = await bed.engine.run({
			items: sessions.map((s) => ({ sessionId: s.sessionId })),
			parameters: cancelParameters(),
		});

		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json.status)).toEqual(sessions.map(() => 'Cancelled'));
		expect(bed.server.count(AUTHORIZE)).toBe(3);
	});
});

describe('booleans from expressions', () => {
	const sentLink = () => {
		const create = bed.server.requests.find((r) => r.path === CREATES.path && r.status === 201);
		const body = JSON.parse(create?.body ?? '{}') as {
			options?: { notificationPreferences?: { sendInteracLink?: unknown } };
		};
		return body.options?.notificationPreferences?.sendInteracLink;
	};

	it.each([
		[false, false],
		['false', false],
		['FALSE', false],
		[true, true],
		['true', true],
		['True', true],
	])('Send Interac Link %p sends %p', async (value, sent) => {
		const run = await bed.engine.run({
			items: [{ ...customer(1), link: value }],
			parameters: createParameters({ sendInteracLink: '={{ $json.link }}' }),
		});
		expect(run.error).toBeUndefined();
		expect(sentLink()).toBe(sent);
	});

	it.each([
		[0, 'a number (0)'],
		[1, 'a number (1)'],
		[null, 'null'],
		['no', 'the text "no"'],
		['', 'the text ""'],
		[{ on: true }, 'an object'],
	])('Send Interac Link %p fails that item and sends nothing', async (value, described) => {
		const run = await bed.engine.run({
			items: [{ ...customer(1), link: value }],
			parameters: createParameters({ sendInteracLink: '={{ $json.link }}' }),
			onError: 'continueRegularOutput',
		});
		expect(run.items[0].json.error).toBe(
			`Invalid Send Interac Link: Send Interac Link expected true or false, got ${described} [item 0]`,
		);
		expect(bed.server.requests).toHaveLength(0);
	});
});

describe('text fields of Create', () => {
	it.each([
		['payorFirstName', 'Payor First Name', { first: 'Jane' }, 'an object'],
		['payorLastName', 'Payor Last Name', ['Doe'], 'a list'],
		['payorEmail', 'Payor Email', true, 'a boolean (true)'],
		['referenceId', 'Reference ID', { id: 7 }, 'an object'],
		['notificationLanguage', 'Notification Language', ['EN'], 'a list'],
	])('%s from an expression must be text (%s, %p)', async (name, label, value, described) => {
		const run = await bed.engine.run({
			items: [{ ...customer(1), value }],
			parameters: createParameters({ [name]: '={{ $json.value }}' }),
			onError: 'continueRegularOutput',
		});
		expect(run.items[0].json.error).toBe(
			`Invalid ${label}: ${label} expected text, got ${described} [item 0]`,
		);
		expect(bed.server.requests).toHaveLength(0);
	});

	it('accepts a number as Reference ID, as an order number from a spreadsheet', async () => {
		const run = await bed.engine.run({
			items: [{ ...customer(1), orderId: 10042 }],
			parameters: createParameters(),
		});
		expect(run.error).toBeUndefined();
		expect(run.items[0].json.referenceId).toBe('10042');
	});

	it('an object in an Additional Field fails the item too', async () => {
		const run = await bed.engine.run({
			items: [{ ...customer(1), middle: { name: 'Marie' } }],
			parameters: createParameters({
				additionalFields: { payorMiddleName: '={{ $json.middle }}' } as IDataObject,
			}),
			onError: 'continueRegularOutput',
		});
		expect(run.items[0].json.error).toBe(
			'Invalid Payor Middle Name: Payor Middle Name expected text, got an object [item 0]',
		);
	});
});

describe('a 2xx to a cancel', () => {
	/** Cancels one session that Flinks answers with 200 and `status` (about another session if `about` says so). */
	async function cancelAnsweredWith(
		status: string,
		{ options = {}, about }: { options?: IDataObject; about?: (otherId: string) => string } = {},
	) {
		const [session, other] = bed.server.addSessions(2);
		const sessionId = about?.(other.sessionId) ?? session.sessionId;
		bed.server.injectFault({
			kind: 'reply',
			status: 200,
			path: cancelOf(session.sessionId),
			body: { sessionId, referenceId: 'REF-1', status, statusDetails: null },
		});
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: cancelParameters(options),
			onError: 'continueRegularOutput',
		});
		return { asked: session.sessionId, other: other.sessionId, json: run.items[0].json };
	}

	it.each(['Initiated', 'Pending'])(
		'with status %s is an error, not a cancellation',
		async (status) => {
			const { asked, json } = await cancelAnsweredWith(status);
			expect(json.error).toBe(
				`Cancelling session ${asked}: Flinks answered HTTP 200 but the session is ${status}, not Cancelled [item 0]`,
			);
		},
	);

	it.each(['Completed', 'Expired', 'Failed'])(
		'with the final status %s reports it as already ended',
		async (status) => {
			const { json } = await cancelAnsweredWith(status);
			expect(json).toMatchObject({ status, alreadyEnded: true, cancelledAt: null });
		},
	);

	it('with a final status is an error when If Session Already Ended is Treat as Error', async () => {
		const { asked, json } = await cancelAnsweredWith('Completed', {
			options: { ifAlreadyEnded: 'error' },
		});
		expect(json.error).toBe(
			`Session ${asked} has already ended (status Completed); Flinks answered HTTP 200 [item 0]`,
		);
	});

	it('about another session is an error', async () => {
		const { asked, other, json } = await cancelAnsweredWith('Cancelled', { about: (id) => id });
		expect(json.error).toBe(
			`Cancelling session ${asked}: Flinks answered HTTP 200 about another session (${other}) [item 0]`,
		);
	});
});

describe('stopping the execution', () => {
	it('starts no new request and ends a backoff wait at once', async () => {
		const sessions = bed.server.addSessions(10);
		bed.server.injectFault({
			...CANCELS,
			kind: 'status',
			status: 503,
			retryAfter: '30',
			times: Infinity,
		});
		let cancelsAtStop = 0;
		let stoppedAt = 0;
		const run = await bed.engine.run({
			items: sessions.map((s) => ({ sessionId: s.sessionId })),
			parameters: cancelParameters({ concurrency: 2 }),
			onStarted: (execution) =>
				atNthRequest(bed.server, CANCELS, 2, () => {
					cancelsAtStop = bed.server.count(CANCELS);
					stoppedAt = Date.now();
					execution.cancel();
				}),
		});

		// The 30 s Retry-After wait ends with the execution, well before it would have.
		expect(Date.now() - stoppedAt).toBeLessThan(10_000);
		expect(bed.server.count(CANCELS)).toBe(cancelsAtStop);
		expect(run.items).toHaveLength(0);
		expect(everythingVisible(bed, run)).not.toContain(bed.server.clientSecret);
	}, 60_000);
});

describe('options from expressions', () => {
	it.each([
		[
			'timeout',
			'={{ "abc" }}',
			'Timeout',
			'expected a number from 1 to 3600000, got the text "abc"',
		],
		[
			'concurrency',
			'={{ -1 }}',
			'Concurrency',
			'expected a number from 0 to 100, got a number (-1)',
		],
		['maxRetries', '={{ {} }}', 'Max Retries', 'expected a number from 0 to 10, got an object'],
		[
			'ifAlreadyEnded',
			'={{ "maybe" }}',
			'If Session Already Ended',
			'expected returnStatus or error, got the text "maybe"',
		],
	])(
		'a bad %s fails every item before any request, naming the option',
		async (name, value, label, problem) => {
			const sessions = bed.server.addSessions(2);
			const items = sessions.map((s) => ({ sessionId: s.sessionId }));
			const parameters = cancelParameters({ [name]: value });
			const stopped = await bed.engine.run({ items, parameters });
			const continued = await bed.engine.run({
				items,
				parameters,
				onError: 'continueRegularOutput',
			});

			const message = `Invalid Options › ${label}: ${problem}`;
			expect(stopped.error?.message).toBe(message);
			// With Continue On Fail every item still gets its own (error) item.
			expect(continued.items).toEqual([
				{ json: { error: message }, pairedItem: { item: 0 } },
				{ json: { error: message }, pairedItem: { item: 1 } },
			]);
			expect(bed.server.requests).toHaveLength(0);
		},
	);

	it('accepts numbers given as text', async () => {
		const [session] = bed.server.addSessions(1);
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: cancelParameters({ timeout: '={{ "5000" }}', maxRetries: '={{ "1" }}' }),
		});
		expect(run.error).toBeUndefined();
		expect(run.items[0].json.status).toBe('Cancelled');
	});
});

describe('amounts', () => {
	const sentAmounts = () =>
		bed.server.requests
			.filter((r) => r.path === CREATES.path && r.status === 201)
			.map((r) => (JSON.parse(r.body ?? '{}') as { amount?: unknown }).amount);

	it.each(['0x10', '0b101', '0o17', '1e3', 'Infinity', '1,000.00', '12.', '.5', '+5', ' 1 2 '])(
		'%p from an expression fails the item: plain decimal notation only, nothing sent',
		async (amount) => {
			const run = await bed.engine.run({
				items: [{ ...customer(1), amount }],
				parameters: createParameters(),
				onError: 'continueRegularOutput',
			});
			expect(run.items[0].json.error).toBe(
				`Invalid Amount: Amount "${amount.trim()}" is not a number in plain decimal notation, e.g. 125.50 [item 0]`,
			);
			expect(bed.server.requests).toHaveLength(0);
		},
	);

	it.each([
		[1e21, '1e+21'],
		[1_000_000.01, '1000000.01'],
		['99999999999999999.99', '99999999999999999.99'],
		['90071992547409.93', '90071992547409.93'],
	])('%p is refused as too large, never rounded into another amount', async (amount, shown) => {
		const run = await bed.engine.run({
			items: [{ ...customer(1), amount }],
			parameters: createParameters(),
			onError: 'continueRegularOutput',
		});
		expect(run.items[0].json.error).toBe(
			`Invalid Amount: Amount ${shown} is more than 1,000,000 [item 0]`,
		);
		expect(bed.server.requests).toHaveLength(0);
	});

	it.each([
		[1e-9, '1e-9 is less than 0.01, the smallest amount'],
		['0.000000001', '0.000000001 is less than 0.01, the smallest amount'],
		[0.004, '0.004 is less than 0.01, the smallest amount'],
	])('%p is refused as below one cent, never sent as 0', async (amount, problem) => {
		const run = await bed.engine.run({
			items: [{ ...customer(1), amount }],
			parameters: createParameters(),
			onError: 'continueRegularOutput',
		});
		expect(run.items[0].json.error).toBe(`Invalid Amount: Amount ${problem} [item 0]`);
		expect(bed.server.requests).toHaveLength(0);
	});

	it('sends plain decimals as given, up to 1,000,000', async () => {
		const amounts = ['1000000', ' 19.90 ', 25.5, '0.01', '007.10'];
		const run = await bed.engine.run({
			items: amounts.map((amount, n) => ({ ...customer(n), amount })),
			parameters: createParameters(),
		});
		expect(run.error).toBeUndefined();
		expect(sentAmounts().sort()).toEqual([0.01, 1000000, 19.9, 25.5, 7.1].sort());
	});
});

describe('echoed values are shortened', () => {
	const MEGABYTE = 'x'.repeat(1_000_000);

	it('a 1 MB email or amount from an expression', async () => {
		const run = await bed.engine.run({
			items: [
				{ ...customer(1), email: MEGABYTE },
				{ ...customer(2), amount: MEGABYTE },
			],
			parameters: createParameters(),
			onError: 'continueRegularOutput',
		});
		const [email, amount] = run.items.map((item) => String(item.json.error));
		expect(email).toBe(
			`Invalid Payor Email: Payor Email "${'x'.repeat(60)}… (1000000 characters)" is not an email address [item 0]`,
		);
		expect(amount).toMatch(
			/^Invalid Amount: Amount "x{60}… \(1000000 characters\)" is not a number/,
		);
		expect(bed.server.requests).toHaveLength(0);
	});

	it("Flinks' own words: a 1 MB detail, a thousand refused fields", async () => {
		const [first, second] = bed.server.addSessions(2);
		bed.server.injectFault({
			path: cancelOf(first.sessionId),
			kind: 'reply',
			status: 422,
			body: { title: 'Validation failed', detail: MEGABYTE },
		});
		bed.server.injectFault({
			path: cancelOf(second.sessionId),
			kind: 'reply',
			status: 400,
			body: {
				title: 'Bad request',
				errors: Object.fromEntries(
					Array.from({ length: 1000 }, (_, n) => [`field${n}`, [MEGABYTE.slice(0, 1000)]]),
				),
			},
		});
		const run = await bed.engine.run({
			items: [first, second].map((s) => ({ sessionId: s.sessionId })),
			parameters: cancelParameters(),
			onError: 'continueRegularOutput',
		});
		const [detail, fields] = run.items.map((item) => String(item.json.error));
		expect(detail).toContain(`Validation failed: ${'x'.repeat(300)}… (1000000 characters)`);
		expect(detail.length).toBeLessThan(500);
		expect(fields).toMatch(/field9: x{300}… \(1000 characters\); and 990 more \[item 1\]$/);
		expect(fields.length).toBeLessThan(5000);
	});

	it('a 1 MB detail from the token request', async () => {
		bed.server.injectFault({
			...AUTHORIZE,
			kind: 'reply',
			status: 400,
			body: { detail: MEGABYTE },
			times: Infinity,
		});
		const [session] = bed.server.addSessions(1);
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: cancelParameters(),
		});
		expect(run.error?.message).toContain(`${'x'.repeat(300)}… (1000000 characters)`);
		expect(run.error?.message.length).toBeLessThan(800);
	});
});
