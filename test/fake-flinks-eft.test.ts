import { FakeFlinksServer } from './helpers/fake-flinks-server';
import type { FakeFlinksServerOptions } from './helpers/fake-flinks-server';

/** The EFT and Guaranteed EFT model of the fake server, spoken to over HTTP as the node would. */
describe('FakeFlinksServer › EFT and Guaranteed EFT', () => {
	let server: FakeFlinksServer;

	const start = async (options: FakeFlinksServerOptions = {}) => {
		await server?.stop();
		server = await FakeFlinksServer.start(options);
	};
	beforeEach(async () => await start());
	afterEach(async () => await server.stop());

	async function call(method: string, path: string, body?: unknown) {
		const token = await server.authorizeOverHttp();
		const response = await fetch(`${server.baseUrl}${path}`, {
			method,
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: response.status, body: (await response.json()) as Record<string, unknown> };
	}

	const eftBody = (guaranteed: boolean, extra: Record<string, unknown> = {}) => ({
		referenceId: 'ORDER-7',
		type: 'EFT',
		direction: 'DEBIT',
		currency: 'CAD',
		amount: 250,
		options: { guarantee: { enable: guaranteed } },
		payor: { firstName: 'Sara', lastName: 'Ahmad', email: 'sara@example.com' },
		...extra,
	});

	const create = async (guaranteed: boolean, extra: Record<string, unknown> = {}) => {
		const answer = await call('POST', '/api/v2/sessions', eftBody(guaranteed, extra));
		return answer.body.sessionId as string;
	};

	it('creates EFT sessions as Initiated with EFT0101 and answers GET /status with the five fields', async () => {
		const sessionId = await create(false);
		expect(await call('GET', `/api/v2/sessions/${sessionId}/status`)).toEqual({
			status: 200,
			body: {
				sessionId,
				referenceId: 'ORDER-7',
				amount: 250,
				status: 'Initiated',
				statusDetails: 'EFT0101',
			},
		});
	});

	it('answers 403 for regular EFT without the RegularEft feature, and still creates Guaranteed EFT', async () => {
		await start({ eftFeatures: { regularEft: false } });
		const refused = await call('POST', '/api/v2/sessions', eftBody(false));
		expect(refused.status).toBe(403);
		expect(refused.body.detail).toBe('The RegularEft feature is not enabled for this client.');
		expect((await call('POST', '/api/v2/sessions', eftBody(true))).status).toBe(201);
		expect(server.allSessions()).toHaveLength(1);
	});

	it('refuses a payee for regular EFT and a credit, but takes a payee for Guaranteed EFT', async () => {
		const payee = {
			account: { institutionCode: '001', transitNumber: '00011', accountNumber: '1' },
		};
		const refused = await call(
			'POST',
			'/api/v2/sessions',
			eftBody(false, { payee, direction: 'CREDIT' }),
		);
		expect(refused.status).toBe(400);
		expect(Object.keys(refused.body.errors as object).sort()).toEqual(['direction', 'payee']);
		expect((await call('POST', '/api/v2/sessions', eftBody(true, { payee }))).status).toBe(201);
	});

	it('fails a session whose bank account holder has another name with EFT0403', async () => {
		const sessionId = await create(false);
		server.eft.connectBank(sessionId, { firstName: 'Samuel', lastName: 'Jones' });
		expect(server.session(sessionId)).toMatchObject({ status: 'Failed', statusDetails: 'EFT0403' });
		expect(server.session(sessionId)?.eft?.userDetails).toEqual({
			matchingPerformed: true,
			nameMatch: 0,
		});
	});

	it('fails on a too low balance with EFT0404, completes with EFT0301, expires with EFT0601', async () => {
		const [poor, paid, idle] = [await create(false), await create(false), await create(false)];
		server.eft.connectBank(poor, { firstName: 'Sara', lastName: 'Ahmad', availableBalance: 10 });
		server.eft.connectBank(paid, { firstName: 'SARA', lastName: 'Ahmad' });
		server.eft.complete(paid);
		server.eft.expire(idle);
		expect([poor, paid, idle].map((id) => server.session(id)?.statusDetails)).toEqual([
			'EFT0404',
			'EFT0301',
			'EFT0601',
		]);
		const details = await call('GET', `/api/v2/sessions/${paid}/details`);
		expect(details.body).toMatchObject({
			type: 'EFT',
			step: { current: 'Complete' },
			payor: { account: { accountLabel: 'Checking (****1234)' } },
			userDetails: { matchingPerformed: true, nameMatch: 100 },
			payee: null,
		});
	});

	it('takes one guarantee decision for a Guaranteed EFT waiting on it, and refuses a second', async () => {
		const sessionId = await create(true);
		const path = `/api/v2/sessions/${sessionId}/guarantees/confirm`;
		expect((await call('POST', path, { guaranteeAccepted: true })).status).toBe(400);

		server.eft.connectBank(sessionId, { firstName: 'Sara', lastName: 'Ahmad' });
		expect(server.session(sessionId)?.eft?.step.current).toBe('GuaranteeOffer');
		expect(await call('POST', path, { guaranteeAccepted: true })).toEqual({
			status: 200,
			body: { sessionId, referenceId: 'ORDER-7' },
		});
		expect((await call('POST', path, { guaranteeAccepted: true })).status).toBe(400);
		expect(server.session(sessionId)?.eft?.confirmations).toBe(1);
	});

	it('cancels with the spelling of each API: GEFT Canceled, EFT v2 Cancelled, both EFT0501', async () => {
		const [eft, geft] = [await create(false), await create(true)];
		const answers = [
			await call('POST', `/api/v2/sessions/${eft}/cancel`),
			await call('POST', `/api/v2/sessions/${geft}/cancel`),
		];
		expect(answers.map(({ body }) => [body.status, body.statusDetails])).toEqual([
			['Cancelled', 'EFT0501'],
			['Canceled', 'EFT0501'],
		]);
		expect((await call('POST', `/api/v2/sessions/${geft}/cancel`)).status).toBe(400);
	});
});
