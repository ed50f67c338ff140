import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { FlinksTestBed } from './helpers/flinks-test-bed';
import { createParameters, customer, useTestBed } from './helpers/flinks-test-bed';
import { AUTHORIZE, CREATES } from './helpers/fault-matrix';

let bed: FlinksTestBed;

const testBed = useTestBed((started) => (bed = started));

const sentBodies = () =>
	bed.server.requests
		.filter((r) => r.method === 'POST' && r.path === '/api/v2/sessions' && r.status === 201)
		.map((r) => JSON.parse(r.body) as IDataObject);
const pairingOf = (items: INodeExecutionData[]) => items.map((item) => item.pairedItem);

describe('Session › Create', () => {
	it('creates one e-Transfer session per item and emits its ID, reference and hosted link', async () => {
		const run = await bed.engine.run({
			items: [customer(1), customer(2)],
			parameters: createParameters(),
		});

		expect(run.error).toBeUndefined();
		expect(pairingOf(run.items)).toEqual([{ item: 0 }, { item: 1 }]);
		const created = bed.server.allSessions();
		expect(created).toHaveLength(2);
		run.items.forEach((item, index) => {
			const session = created.find((s) => s.sessionId === item.json.sessionId);
			expect(item.json).toEqual({
				sessionId: session?.sessionId,
				referenceId: `ORDER-${1001 + index}`,
				hostedUrl: `${bed.server.baseUrl}/app/?sessionId=${session?.sessionId}`,
			});
			expect(session).toMatchObject({
				status: 'Initiated',
				amount: 101.25 + index,
				type: 'e-Transfer',
				currency: 'CAD',
				direction: 'DEBIT',
				payor: {
					firstName: 'Jane',
					lastName: `Doe-${index + 1}`,
					email: `jane.doe+${index + 1}@example.com`,
				},
			});
		});
	});

	it('sends exactly the documented body: fixed type and currency, notification preferences, no payee by default', async () => {
		await bed.engine.run({
			items: [customer(1)],
			parameters: createParameters({
				direction: 'CREDIT',
				notificationLanguage: 'FR',
				sendInteracLink: false,
			}),
		});
		expect(sentBodies()).toEqual([
			{
				referenceId: 'ORDER-1001',
				type: 'e-Transfer',
				direction: 'CREDIT',
				currency: 'CAD',
				amount: 101.25,
				options: { notificationPreferences: { language: 'FR', sendInteracLink: false } },
				payor: { firstName: 'Jane', lastName: 'Doe-1', email: 'jane.doe+1@example.com' },
			},
		]);
		const [request] = bed.server.requests.filter((r) => r.path === '/api/v2/sessions');
		expect(request.headers['content-type']).toContain('application/json');
		expect(request.headers.authorization).toMatch(/^Bearer /);
	});

	it('sends the middle name and payee account from Additional Fields', async () => {
		const run = await bed.engine.run({
			items: [customer(1)],
			parameters: createParameters({
				additionalFields: {
					payorMiddleName: 'Marie',
					payeeInstitutionCode: '001',
					payeeTransitNumber: '00011',
					payeeAccountNumber: '1234567',
				},
			}),
		});
		expect(run.error).toBeUndefined();
		expect(sentBodies()[0]).toMatchObject({
			payor: {
				firstName: 'Jane',
				middleName: 'Marie',
				lastName: 'Doe-1',
				email: 'jane.doe+1@example.com',
			},
			payee: {
				account: { institutionCode: '001', transitNumber: '00011', accountNumber: '1234567' },
			},
		});
	});

	it('leaves out an empty reference ID and outputs referenceId null', async () => {
		const run = await bed.engine.run({
			items: [{ ...customer(1), orderId: '' }],
			parameters: createParameters(),
		});
		expect(sentBodies()[0]).not.toHaveProperty('referenceId');
		expect(run.items[0].json).toMatchObject({ referenceId: null });
	});

	it('accepts an amount given as text by an expression', async () => {
		const run = await bed.engine.run({
			items: [{ ...customer(1), amount: ' 19.9 ' }],
			parameters: createParameters(),
		});
		expect(run.error).toBeUndefined();
		expect(sentBodies()[0].amount).toBe(19.9);
	});
});

describe('single-use tokens', () => {
	it('creates N sessions for N items at a cost of one token exchange per session', async () => {
		const items = [1, 2, 3, 4, 5].map(customer);
		const run = await bed.engine.run({ items, parameters: createParameters() });

		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json.referenceId)).toEqual(
			items.map((item) => item.orderId),
		);
		expect(new Set(run.items.map((item) => item.json.sessionId)).size).toBe(5);
		expect(bed.server.allSessions()).toHaveLength(5);
		// One exchange per session: each create asks for a token of its own, so none meets a spent one.
		expect(bed.server.count(AUTHORIZE)).toBe(5);
		const refused = bed.server.requests.filter((r) => r.path === CREATES.path && r.status === 401);
		expect(refused).toHaveLength(0);
		expect(bed.server.count(CREATES)).toBe(5);
	});

	it('runs creates concurrently, each with its own token, exchanged while other creates are on the wire', async () => {
		bed.server.setLatency(50);
		const items = Array.from({ length: 24 }, (_, n) => customer(n));
		const run = await bed.engine.run({ items, parameters: createParameters() });

		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json.referenceId)).toEqual(
			items.map((item) => item.orderId),
		);
		expect(bed.server.peakApiCallsInFlight).toBeGreaterThan(1);
		expect(bed.server.count(AUTHORIZE)).toBe(24);
		// No token met a create before: Flinks never refused one as spent.
		expect(bed.server.requests.filter((r) => r.path === CREATES.path && r.status === 401)).toEqual(
			[],
		);
		const arrivals = (filter: typeof AUTHORIZE) =>
			bed.server.requests
				.filter((r) => r.method === 'POST' && r.path === filter.path)
				.map((r) => r.at);
		const creates = arrivals(CREATES);
		// Token requests overlap the creates, not all before them.
		expect(arrivals(AUTHORIZE).some((at) => at > Math.min(...creates))).toBe(true);
	});

	it('renews the token once at the start of the next execution too, since the stored one is spent', async () => {
		await bed.engine.run({ items: [customer(1)], parameters: createParameters() });
		const run = await bed.engine.run({ items: [customer(2)], parameters: createParameters() });
		expect(run.error).toBeUndefined();
		expect(bed.server.allSessions()).toHaveLength(2);
		expect(bed.server.count(AUTHORIZE)).toBe(2);
	});

	it('asks for a token of its own per create also where Flinks would let a token create many', async () => {
		await testBed.restart({ singleUseTokenForCreate: false });
		const run = await bed.engine.run({
			items: [1, 2, 3, 4].map(customer),
			parameters: createParameters(),
		});
		expect(run.items).toHaveLength(4);
		// Which instances allow reuse is not documented: a token is never handed to a second create.
		expect(bed.server.count(AUTHORIZE)).toBe(4);
		expect(bed.server.count(CREATES)).toBe(4);
	});
});

describe('validation before sending', () => {
	it.each([
		['a zero amount', { amount: 0 }, 'Invalid Amount: Amount 0 is not greater than 0 [item 0]'],
		[
			'a negative amount',
			{ amount: -5 },
			'Invalid Amount: Amount -5 is not greater than 0 [item 0]',
		],
		[
			'three decimals',
			{ amount: 10.005 },
			'Invalid Amount: Amount 10.005 has more than two decimals [item 0]',
		],
		[
			'an amount that is not a number',
			{ amount: 'ten' },
			'Invalid Amount: Amount "ten" is not a number in plain decimal notation, e.g. 125.50 [item 0]',
		],
		['no amount', { amount: '' }, 'Invalid Amount: Amount is empty [item 0]'],
		[
			'no first name',
			{ firstName: '  ' },
			'Invalid Payor First Name: Payor First Name is empty [item 0]',
		],
		[
			'no last name',
			{ lastName: '' },
			'Invalid Payor Last Name: Payor Last Name is empty [item 0]',
		],
		['no email', { email: '' }, 'Invalid Payor Email: Payor Email is empty [item 0]'],
		[
			'an email without @',
			{ email: 'jane.example.com' },
			'Invalid Payor Email: Payor Email "jane.example.com" is not an email address [item 0]',
		],
		[
			'a reference ID over 100 characters',
			{ orderId: 'R'.repeat(101) },
			'Invalid Reference ID: Reference ID has 101 characters, at most 100 are allowed [item 0]',
		],
	])('rejects %s without sending a request', async (_label, change, message) => {
		const run = await bed.engine.run({
			items: [{ ...customer(1), ...change }],
			parameters: createParameters(),
		});
		expect(run.error?.message).toBe(message);
		expect(run.error?.description).toContain('No request was sent.');
		expect(run.error?.context.itemIndex).toBe(0);
		expect(bed.server.requests).toHaveLength(0);
	});

	it('names every bad field of an item in one message', async () => {
		const run = await bed.engine.run({
			items: [{ ...customer(1), amount: 0, email: 'nope', lastName: '' }],
			parameters: createParameters(),
		});
		expect(run.error?.message).toBe(
			'Invalid Amount, Payor Last Name, Payor Email: Amount 0 is not greater than 0; Payor Last Name is empty; Payor Email "nope" is not an email address [item 0]',
		);
		expect(bed.server.requests).toHaveLength(0);
	});

	it('rejects a partial payee account and an unknown language from an expression', async () => {
		const run = await bed.engine.run({
			items: [customer(1)],
			parameters: createParameters({
				notificationLanguage: '={{ "de" }}',
				additionalFields: { payeeAccountNumber: '1234567' },
			}),
		});
		expect(run.error?.message).toBe(
			'Invalid Notification Language, Payee Account: Notification Language "DE" is not EN or FR; Payee Account needs the institution code, transit number and account number together [item 0]',
		);
		expect(bed.server.requests).toHaveLength(0);
	});
});

describe('errors from Flinks', () => {
	it('names the fields Flinks refused in a 400 ProblemDetails', async () => {
		// The node checks the shape of an email only; Flinks also wants a dotted domain.
		const run = await bed.engine.run({
			items: [customer(1), { ...customer(2), email: 'jane@localhost' }],
			parameters: createParameters(),
		});
		expect(run.error?.message).toBe(
			'Creating a session: Flinks answered HTTP 400 (One or more validation errors occurred.: See errors for details.): payor.email: The payor email is not a valid address. [item 1]',
		);
		expect(run.error?.description).toMatch(/Flinks trace ID: \S+/);
		expect(run.error?.context.itemIndex).toBe(1);
		expect((run.error as { httpCode?: string }).httpCode).toBe('400');
	});

	it('does not guess a session ID when the answer has none', async () => {
		bed.server.injectFault({ method: 'POST', path: '/api/v2/sessions', kind: 'html', status: 201 });
		const run = await bed.engine.run({ items: [customer(1)], parameters: createParameters() });
		expect(run.error?.message).toBe(
			'Creating a session: Flinks answered HTTP 201 with an HTML page instead of JSON [item 0]',
		);
		expect(run.error?.description).toContain('Check the Flinks dashboard before creating it again');
	});

	it('warns that a session may exist when Flinks fails with a server error', async () => {
		bed.server.injectFault({ ...CREATES, kind: 'status', status: 500, times: Infinity });
		const run = await bed.engine.run({
			items: [customer(1)],
			parameters: createParameters({ options: { maxRetries: 0 } }),
		});
		expect(run.error?.message).toMatch(/^Creating a session: Flinks answered HTTP 500 /);
		expect(run.error?.description).toContain('Check the Flinks dashboard before creating it again');
	});

	it.each([
		['a 502 after Flinks created it', { kind: 'applyThenFail', status: 502 } as const],
		['a dropped connection', { kind: 'reset' } as const],
	])('does not resend a create after %s, so no customer is asked twice', async (_label, fault) => {
		bed.server.injectFault({ ...CREATES, ...fault });
		const run = await bed.engine.run({ items: [customer(1)], parameters: createParameters() });
		expect(run.error).toBeDefined();
		expect(bed.server.count(CREATES)).toBe(1);
		expect(bed.server.allSessions().length).toBeLessThanOrEqual(1);
	});

	it('retries a create refused with 429, which Flinks answers before doing anything', async () => {
		bed.server.injectFault({ ...CREATES, kind: 'status', status: 429, retryAfter: '0' });
		const run = await bed.engine.run({ items: [customer(1)], parameters: createParameters() });
		expect(run.error).toBeUndefined();
		expect(bed.server.allSessions()).toHaveLength(1);
	});

	it('with "Continue (using error output)" routes each failed item to the error output and goes on', async () => {
		const run = await bed.engine.run({
			items: [
				customer(1),
				{ ...customer(2), amount: 0 },
				{ ...customer(3), email: 'jane@localhost' },
				customer(4),
			],
			parameters: createParameters(),
			onError: 'continueErrorOutput',
		});
		expect(run.error).toBeUndefined();
		expect(pairingOf(run.items)).toEqual([{ item: 0 }, { item: 3 }]);
		expect(run.items.map((item) => item.json.referenceId)).toEqual(['ORDER-1001', 'ORDER-1004']);
		expect(pairingOf(run.errorItems)).toEqual([{ item: 1 }, { item: 2 }]);
		expect(run.errorItems.map((item) => item.json.error)).toEqual([
			'Invalid Amount: Amount 0 is not greater than 0 [item 1]',
			expect.stringContaining('payor.email: The payor email is not a valid address.'),
		]);
		expect(bed.server.allSessions()).toHaveLength(2);
	});

	it('with "Continue (regular output)" emits one item per input item, errors in place', async () => {
		const run = await bed.engine.run({
			items: [customer(1), { ...customer(2), firstName: '' }, customer(3)],
			parameters: createParameters(),
			onError: 'continueRegularOutput',
		});
		expect(run.items.map((item) => ('error' in item.json ? 'error' : 'created'))).toEqual([
			'created',
			'error',
			'created',
		]);
		expect(pairingOf(run.items)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});
});
