import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { FlinksSession } from '../nodes/Flinks/FlinksSession.node';
import { addGuaranteeAwaitingDecision, EFT_CODES, eftSessionInit } from './helpers/fake-flinks-eft';
import { SIMPLIFIED_DETAILS_KEYS } from './helpers/details-keys';
import type { FlinksTestBed } from './helpers/flinks-test-bed';
import {
	cancelParameters,
	createParameters,
	customer,
	sessionParameters,
	useTestBed,
} from './helpers/flinks-test-bed';
import { CREATES, CONFIRMS } from './helpers/fault-matrix';

let bed: FlinksTestBed;

const testBed = useTestBed((started) => (bed = started));

const sentBodies = () =>
	bed.server.requests
		.filter((r) => r.method === 'POST' && r.path === '/api/v2/sessions')
		.map((r) => JSON.parse(r.body) as IDataObject);

const guaranteeWaiting = () => addGuaranteeAwaitingDecision(bed.server);

describe('Create › Session Type', () => {
	it('sends an EFT session as type EFT, debit, guarantee off, with the EFT-only fields and no payee', async () => {
		const run = await bed.engine.run({
			items: [customer(1)],
			parameters: createParameters({
				sessionType: 'eft',
				additionalFields: {
					payorPhone: '+15145551234',
					payorDateOfBirth: '1985-04-23',
					payorOccupation: 'Engineer',
					payorAddressLine1: '123 Main Street',
					payorCity: 'Toronto',
					payorProvince: 'ON',
					payorPostalCode: 'M5H 2N2',
					payorCountry: 'CA',
					minimumAmount: 50,
					maximumAmount: 500,
					amountModification: true,
					showConsentScreen: true,
					redirectSuccessUrl: 'https://shop.example.com/done',
					redirectExitUrl: 'https://shop.example.com/exit',
				},
			}),
		});

		expect(run.error).toBeUndefined();
		expect(sentBodies()).toEqual([
			{
				referenceId: 'ORDER-1001',
				type: 'EFT',
				direction: 'DEBIT',
				currency: 'CAD',
				amount: 101.25,
				options: {
					guarantee: { enable: false },
					notificationPreferences: { language: 'EN' },
					limits: { minimumAmount: 50, maximumAmount: 500 },
					amountModification: true,
					showConsentScreen: true,
					redirectPreferences: {
						urlSuccess: 'https://shop.example.com/done',
						urlExit: 'https://shop.example.com/exit',
					},
				},
				payor: {
					firstName: 'Jane',
					lastName: 'Doe-1',
					email: 'jane.doe+1@example.com',
					phone: '+15145551234',
					dateOfBirth: '1985-04-23',
					occupation: 'Engineer',
					address: {
						addressLine1: '123 Main Street',
						city: 'Toronto',
						postalCode: 'M5H 2N2',
						province: 'ON',
						country: 'CA',
					},
				},
			},
		]);
		const [session] = bed.server.allSessions();
		expect(session).toMatchObject({ type: 'EFT', status: 'Initiated', statusDetails: 'EFT0101' });
		expect(run.items[0].json).toEqual({
			sessionId: session.sessionId,
			referenceId: 'ORDER-1001',
			hostedUrl: `${bed.server.baseUrl}/app/?sessionId=${session.sessionId}`,
		});
	});

	it('sends a Guaranteed EFT session with the guarantee on, and a payee account when given', async () => {
		const run = await bed.engine.run({
			items: [customer(1)],
			parameters: createParameters({
				sessionType: 'guaranteedEft',
				// Direction is not shown for EFT types: a stored CREDIT from e-Transfer is not sent.
				direction: 'CREDIT',
				additionalFields: {
					payeeInstitutionCode: '001',
					payeeTransitNumber: '00011',
					payeeAccountNumber: '1234567',
				},
			}),
		});

		expect(run.error).toBeUndefined();
		expect(sentBodies()).toEqual([
			expect.objectContaining({
				type: 'EFT',
				direction: 'DEBIT',
				options: { guarantee: { enable: true }, notificationPreferences: { language: 'EN' } },
				payee: {
					account: { institutionCode: '001', transitNumber: '00011', accountNumber: '1234567' },
				},
			}),
		]);
		expect(bed.server.allSessions()[0].eft?.guaranteed).toBe(true);
	});

	it('keeps an e-Transfer body exactly as before when Session Type is not set (version 1 and 1.1 workflows)', async () => {
		const parameters = createParameters();
		expect(parameters.sessionType).toBeUndefined();
		for (const typeVersion of [1, 1.1]) {
			bed.server.reset();
			const run = await bed.engine.run({ items: [customer(1)], parameters, typeVersion });
			expect(run.error).toBeUndefined();
			expect(bed.server.requests.filter((r) => r.path === CREATES.path)[0].body).toBe(
				'{"referenceId":"ORDER-1001","type":"e-Transfer","direction":"DEBIT","currency":"CAD","amount":101.25,"options":{"notificationPreferences":{"language":"EN","sendInteracLink":true}},"payor":{"firstName":"Jane","lastName":"Doe-1","email":"jane.doe+1@example.com"}}',
			);
		}
	});

	it('says to ask Flinks for Regular EFT when the client lacks the feature (403), and creates nothing', async () => {
		await testBed.restart({ eftFeatures: { regularEft: false } });
		const run = await bed.engine.run({
			items: [customer(1)],
			parameters: createParameters({ sessionType: 'eft' }),
		});

		expect(run.error?.message).toBe(
			'Creating an EFT session: Flinks answered HTTP 403 (Forbidden: The RegularEft feature is not enabled for this client.); Regular EFT is not enabled for these client credentials [item 0]',
		);
		expect(run.error?.description).toMatch(
			/^Ask Flinks to enable Regular EFT \(the RegularEft feature\)/,
		);
		expect(bed.server.count(CREATES)).toBe(1);
		expect(bed.server.allSessions()).toEqual([]);

		// Guaranteed EFT is a feature of its own: it still works.
		const geft = await bed.engine.run({
			items: [customer(2)],
			parameters: createParameters({ sessionType: 'guaranteedEft' }),
		});
		expect(geft.error).toBeUndefined();
	});

	it('says to ask for Guaranteed EFT when that feature is missing', async () => {
		await testBed.restart({ eftFeatures: { guaranteedEft: false } });
		const run = await bed.engine.run({
			items: [customer(1)],
			parameters: createParameters({ sessionType: 'guaranteedEft' }),
		});
		expect(run.error?.message).toMatch(
			/Guaranteed EFT is not enabled for these client credentials \[item 0\]$/,
		);
		expect(run.error?.description).toMatch(
			/^Ask your Flinks representative to enable Guaranteed EFT/,
		);
	});

	it('explains a name mismatch (EFT0403) when Flinks refuses a create with that code', async () => {
		bed.server.injectFault({
			...CREATES,
			kind: 'reply',
			status: 400,
			body: {
				type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
				title: 'Identity verification failed',
				status: 400,
				code: 'EFT0403',
				traceId: '00-abc-def-00',
			},
		});
		const run = await bed.engine.run({
			items: [customer(1)],
			parameters: createParameters({ sessionType: 'eft' }),
		});
		expect(run.error?.message).toBe(
			"Creating an EFT session: Flinks answered HTTP 400 (Identity verification failed); the payor's name does not match the bank account holder's (EFT0403) [item 0]",
		);
		expect(run.error?.description).toMatch(/^Flinks matches Payor First Name and Payor Last Name/);
	});

	it('checks the EFT fields before sending: date of birth, limits, redirect addresses', async () => {
		const run = await bed.engine.run({
			items: [customer(1)],
			parameters: createParameters({
				sessionType: 'eft',
				additionalFields: {
					payorDateOfBirth: '1985-02-30',
					minimumAmount: 500,
					maximumAmount: 50,
					redirectExitUrl: 'shop.example.com/exit',
				},
			}),
		});
		expect(run.error?.message).toBe(
			'Invalid Payor Date of Birth, Minimum Amount, Exit URL: Payor Date of Birth "1985-02-30" is not a date as YYYY-MM-DD; Minimum Amount 500 is more than the Maximum Amount 50; Exit URL is not a web address starting with https:// or http:// [item 0]',
		);
		expect(bed.server.requests).toEqual([]);
	});
});

describe('Create › fields shown for each Session Type', () => {
	const description = new FlinksSession().description;

	/** Names of Create's parameters (and Additional Fields) the editor shows for this type. */
	function shownFor(sessionType: string) {
		const values = { resource: 'session', operation: 'create', sessionType };
		const node = { typeVersion: 1.1 } as never;
		const shown = description.properties.filter((property) =>
			NodeHelpers.displayParameter(values, property, node, description),
		);
		const added = shown.find((p) => p.name === 'additionalFields')?.options as INodeProperties[];
		return {
			fields: shown.map((p) => p.name).filter((name) => name !== 'additionalFields'),
			additional: added.map((option) => option.name),
		};
	}

	const EFT_ONLY = ['payorPhone', 'payorDateOfBirth', 'minimumAmount', 'redirectSuccessUrl'];
	const PAYEE = ['payeeAccountNumber', 'payeeInstitutionCode', 'payeeTransitNumber'];

	it('shows e-Transfer its own fields only', () => {
		const { fields, additional } = shownFor('eTransfer');
		expect(fields).toEqual(expect.arrayContaining(['direction', 'sendInteracLink']));
		expect(additional).toEqual([...PAYEE, 'payorMiddleName']);
	});

	it('shows EFT the EFT fields, no direction, no Interac link and no payee', () => {
		const { fields, additional } = shownFor('eft');
		expect(fields).not.toContain('direction');
		expect(fields).not.toContain('sendInteracLink');
		expect(additional).toEqual(expect.arrayContaining([...EFT_ONLY, 'payorMiddleName']));
		expect(additional.filter((name) => PAYEE.includes(name))).toEqual([]);
	});

	it('shows Guaranteed EFT the EFT fields and a payee account', () => {
		const { fields, additional } = shownFor('guaranteedEft');
		expect(fields).not.toContain('direction');
		expect(additional).toEqual(expect.arrayContaining([...EFT_ONLY, ...PAYEE]));
	});
});

describe('Get Status', () => {
	const DOCUMENTED = Object.entries(EFT_CODES).map(([, code]) => code);
	const STATUS_OF: Record<string, 'Initiated' | 'Completed' | 'Failed' | 'Canceled' | 'Expired'> = {
		EFT0101: 'Initiated',
		EFT0301: 'Completed',
		EFT0302: 'Completed',
		EFT0401: 'Failed',
		EFT0402: 'Failed',
		EFT0403: 'Failed',
		EFT0404: 'Failed',
		EFT0501: 'Canceled',
		EFT0601: 'Expired',
	};

	it('gives every documented code a readable meaning of its own, for Guaranteed EFT sessions', async () => {
		const sessions = DOCUMENTED.map((code) =>
			bed.server.addSession({
				...eftSessionInit(true),
				status: STATUS_OF[code],
				statusDetails: code,
				amount: 500,
			}),
		);
		const run = await bed.engine.run({
			items: sessions.map(({ sessionId }) => ({ sessionId })),
			parameters: sessionParameters('getStatus'),
		});

		expect(run.error).toBeUndefined();
		expect(bed.server.count({ path: /\/status$/ })).toBe(DOCUMENTED.length);
		const meanings = run.items.map((item) => item.json.statusMeaning);
		expect(new Set(meanings).size).toBe(DOCUMENTED.length);
		expect(run.items[0].json).toEqual({
			sessionId: sessions[0].sessionId,
			referenceId: sessions[0].referenceId,
			amount: 500,
			status: 'Initiated',
			statusDetails: 'EFT0101',
			statusMeaning: 'The session was created and Flinks is waiting for the customer to start it',
		});
		expect(run.items[7].json).toMatchObject({ status: 'Cancelled', statusDetails: 'EFT0501' });
		expect(run.items[5].json.statusMeaning).toMatch(
			/name does not match the bank account holder's/,
		);
	});

	it('follows an EFT session through the hosted flow: created, name mismatch (EFT0403)', async () => {
		const created = await bed.engine.run({
			items: [customer(1)],
			parameters: createParameters({ sessionType: 'eft' }),
		});
		const { sessionId } = created.items[0].json as { sessionId: string };
		bed.server.eft.connectBank(sessionId, { firstName: 'John', lastName: 'Smith' });

		const run = await bed.engine.run({
			items: [{ sessionId }],
			parameters: sessionParameters('getStatus'),
		});
		expect(run.items[0].json).toMatchObject({
			status: 'Failed',
			statusDetails: 'EFT0403',
			statusMeaning: expect.stringMatching(/identity check failed/),
		});
	});

	it("explains an e-Transfer session's status when it carries no code", async () => {
		const session = bed.server.addSession({ status: 'Completed', statusDetails: null });
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: sessionParameters('getStatus'),
		});
		expect(run.items[0].json).toMatchObject({
			status: 'Completed',
			statusDetails: null,
			statusMeaning: 'The customer completed the payment',
		});
	});
});

describe('Confirm Guarantee', () => {
	it('accepts the guarantee of a Guaranteed EFT session waiting on it', async () => {
		const session = guaranteeWaiting();
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: sessionParameters('confirmGuarantee', { guaranteeAccepted: true }),
		});

		expect(run.error).toBeUndefined();
		expect(run.items).toEqual([
			{
				json: {
					sessionId: session.sessionId,
					referenceId: session.referenceId,
					guaranteeAccepted: true,
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(
			JSON.parse(
				bed.server.requests.find((r) => r.path.endsWith('/guarantees/confirm'))?.body ?? '',
			),
		).toEqual({
			guaranteeAccepted: true,
		});
		expect(session.eft?.step.current).toBe('Review');
	});

	it('rejects it when Guarantee Accepted is off, and Flinks fails the session', async () => {
		const session = guaranteeWaiting();
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: sessionParameters('confirmGuarantee', { guaranteeAccepted: '={{ false }}' }),
		});
		expect(run.items[0].json.guaranteeAccepted).toBe(false);
		expect(session).toMatchObject({ status: 'Failed', statusDetails: 'EFT0402' });
	});

	it.each([
		['an e-Transfer session', {}],
		['an EFT session', eftSessionInit(false)],
	])('reports Flinks refusing %s: only Guaranteed EFT has a guarantee', async (_what, init) => {
		const session = bed.server.addSession(init);
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: sessionParameters('confirmGuarantee'),
		});
		expect(run.error?.message).toBe(
			`Accepting the guarantee of session ${session.sessionId}: Flinks answered HTTP 400 (Bad Request: Session ${session.sessionId} is not a Guaranteed EFT session.) [item 0]`,
		);
	});

	it('resends after a 429, which Flinks sends before acting', async () => {
		const session = guaranteeWaiting();
		bed.server.injectFault({ ...CONFIRMS, kind: 'status', status: 429, retryAfter: '0' });
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: sessionParameters('confirmGuarantee'),
		});
		expect(run.error).toBeUndefined();
		expect(bed.server.count(CONFIRMS)).toBe(2);
		expect(session.eft?.confirmations).toBe(1);
	});

	it.each([
		[
			'a 502 after Flinks acted',
			{ kind: 'applyThenFail', status: 502 } as const,
			'Flinks answered HTTP 502',
		],
		['a dropped connection', { kind: 'reset' } as const, 'the connection broke off or was refused'],
	])(
		'never resends after %s, and says the decision may have been confirmed',
		async (_what, fault, said) => {
			const session = guaranteeWaiting();
			bed.server.injectFault({ ...CONFIRMS, ...fault });
			const run = await bed.engine.run({
				items: [{ sessionId: session.sessionId }],
				parameters: sessionParameters('confirmGuarantee'),
			});
			expect(bed.server.count(CONFIRMS)).toBe(1);
			expect(run.error?.message).toContain(said);
			expect(run.error?.message).toMatch(
				/the guarantee decision may have been confirmed \[item 0\]$/,
			);
			expect(run.error?.description).toMatch(/Check session .* with Get before sending it again/);
		},
	);
});

describe('Get › EFT fields', () => {
	it('shows step, account label, name match and risk level flat, and keeps Simplify within 10 keys', async () => {
		const session = guaranteeWaiting();
		const full = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: sessionParameters('getDetails', { simplify: false }),
		});
		expect(full.items[0].json).toMatchObject({
			type: 'EFT',
			step: 'GuaranteeOffer',
			accountLabel: 'Checking (****1234)',
			nameMatch: 100,
			riskLevel: 'Low',
		});

		const simple = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: sessionParameters('getDetails', { simplify: true }),
		});
		expect(Object.keys(simple.items[0].json)).toEqual([
			...SIMPLIFIED_DETAILS_KEYS,
			'step',
			'nameMatch',
			'riskLevel',
		]);
	});

	it('shows an EFT session waiting for its PAD signature, without a guarantee', async () => {
		const session = bed.server.addSession({
			...eftSessionInit(false),
			payor: { firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@example.com' },
		});
		bed.server.eft.connectBank(session.sessionId, { firstName: 'Jane', lastName: 'Doe' });
		const simple = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: sessionParameters('getDetails', { simplify: true }),
		});
		expect(simple.items[0].json).toMatchObject({ step: 'Pad', nameMatch: 100, riskLevel: null });
	});

	it('keeps e-Transfer items exactly as before: no EFT keys', async () => {
		const session = bed.server.addSession();
		const simple = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: sessionParameters('getDetails', { simplify: true }),
		});
		expect(Object.keys(simple.items[0].json)).toEqual(SIMPLIFIED_DETAILS_KEYS);
		const full = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: sessionParameters('getDetails', { simplify: false }),
		});
		expect(full.items[0].json).not.toHaveProperty('step');
	});
});

describe('Cancel › every session type', () => {
	it('cancels EFT (Cancelled) and Guaranteed EFT (Canceled) sessions, both reported as Cancelled with EFT0501', async () => {
		const eft = bed.server.addSession(eftSessionInit(false));
		const geft = bed.server.addSession(eftSessionInit(true));
		const run = await bed.engine.run({
			items: [{ sessionId: eft.sessionId }, { sessionId: geft.sessionId }],
			parameters: cancelParameters(),
		});

		expect(run.error).toBeUndefined();
		expect([eft.status, geft.status]).toEqual(['Cancelled', 'Canceled']);
		expect(
			run.items.map((item) => [item.json.status, item.json.statusDetails, item.json.alreadyEnded]),
		).toEqual([
			['Cancelled', 'EFT0501', false],
			['Cancelled', 'EFT0501', false],
		]);
	});

	it('reports a Guaranteed EFT session that already completed (EFT0301) as already ended', async () => {
		const session = guaranteeWaiting();
		bed.server.eft.complete(session.sessionId);
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: cancelParameters(),
		});
		expect(run.items[0].json).toMatchObject({ status: 'Completed', alreadyEnded: true });
	});
});
