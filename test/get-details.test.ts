import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { FULL_DETAILS_KEYS, SIMPLIFIED_DETAILS_KEYS } from './helpers/details-keys';
import type { FlinksTestBed } from './helpers/flinks-test-bed';
import { useTestBed } from './helpers/flinks-test-bed';
import { AUTHORIZE, DETAILS } from './helpers/fault-matrix';

const UNKNOWN_SESSION = '0f4c2a6e-1111-4222-8333-944455556666';

let bed: FlinksTestBed;

useTestBed((started) => (bed = started));

const detailsParameters = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'session',
	operation: 'getDetails',
	sessionId: '={{ $json.sessionId }}',
	options: {},
	...extra,
});
const pairingOf = (items: INodeExecutionData[]) => items.map((item) => item.pairedItem);

describe('Session › Get (Get Details)', () => {
	it('with Simplify off, emits each session flat and typed, as Flinks documents it', async () => {
		const paid = bed.server.addSession({
			status: 'Completed',
			amount: 42.1,
			direction: 'CREDIT',
			payor: { firstName: 'Jean', middleName: 'Luc', lastName: 'Tremblay', email: 'jl@example.ca' },
			transactions: [{ id: 'tx-1', status: 'Completed' }],
		});
		const open = bed.server.addSession({ referenceId: null, payee: undefined });
		const run = await bed.engine.run({
			items: [{ sessionId: paid.sessionId }, { sessionId: open.sessionId }],
			parameters: detailsParameters({ simplify: false }),
		});

		expect(run.error).toBeUndefined();
		expect(pairingOf(run.items)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(run.items[0].json).toEqual({
			sessionId: paid.sessionId,
			referenceId: paid.referenceId,
			status: 'Completed',
			statusDetails: null,
			amount: 42.1,
			type: 'e-Transfer',
			direction: 'CREDIT',
			currency: 'CAD',
			payor: { firstName: 'Jean', middleName: 'Luc', lastName: 'Tremblay', email: 'jl@example.ca' },
			payee: { institutionCode: '001', transitNumber: '00011', accountNumber: '1234567' },
			transactions: [{ id: 'tx-1', status: 'Completed' }],
			createdAt: paid.createdAt,
		});
		expect(run.items[1].json).toMatchObject({
			sessionId: open.sessionId,
			referenceId: null,
			status: 'Initiated',
			payor: {
				firstName: 'Jane',
				middleName: null,
				lastName: 'Doe',
				email: 'jane.doe@example.com',
			},
			payee: null,
			transactions: [],
		});
		expect(bed.server.count(AUTHORIZE)).toBe(1);
		expect(bed.server.count(DETAILS)).toBe(2);
		// Looking changes nothing.
		expect(bed.server.session(open.sessionId)?.status).toBe('Initiated');
	});

	it('simplifies by default in version 1.1: the seven fields workflows branch on, in order', async () => {
		const session = bed.server.addSession({ status: 'Completed', amount: 42.1 });
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: detailsParameters(),
		});

		expect(run.error).toBeUndefined();
		expect(Object.keys(run.items[0].json)).toEqual(SIMPLIFIED_DETAILS_KEYS);
		expect(run.items[0].json).toEqual({
			sessionId: session.sessionId,
			referenceId: session.referenceId,
			status: 'Completed',
			statusDetails: null,
			amount: 42.1,
			direction: 'DEBIT',
			createdAt: session.createdAt,
		});
	});

	it('keeps the full item in version 1, as workflows saved before 1.1 expect', async () => {
		const session = bed.server.addSession({ status: 'Completed' });
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: detailsParameters(),
			typeVersion: 1,
		});

		expect(run.error).toBeUndefined();
		expect(Object.keys(run.items[0].json)).toEqual(FULL_DETAILS_KEYS);
		expect(run.items[0].json).toMatchObject({
			type: 'e-Transfer',
			currency: 'CAD',
			transactions: [{ id: expect.any(String), status: 'Completed' }],
		});
	});

	it('lets version 1 turn Simplify on, and reads it from an expression', async () => {
		const session = bed.server.addSession();
		const run = await bed.engine.run({
			items: [
				{ sessionId: session.sessionId, compact: true },
				{ sessionId: session.sessionId, compact: 'false' },
			],
			parameters: detailsParameters({ simplify: '={{ $json.compact }}' }),
			typeVersion: 1,
		});

		expect(Object.keys(run.items[0].json)).toEqual(SIMPLIFIED_DETAILS_KEYS);
		expect(run.items[1].json).toHaveProperty('payor');
	});

	it('fails an item whose Simplify is not true or false, sending nothing for it', async () => {
		const session = bed.server.addSession();
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: detailsParameters({ simplify: '={{ "yes" }}' }),
		});

		expect(run.error?.message).toMatch(
			/^Invalid Simplify\b.*expected true or false, got the text "yes"/,
		);
		expect(bed.server.count(DETAILS)).toBe(0);
	});

	it('reports the Canceled spelling, in any case, as Cancelled', async () => {
		const session = bed.server.addSession({ status: 'Canceled' });
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: detailsParameters(),
		});
		expect(run.items[0].json.status).toBe('Cancelled');
	});

	it('outputs an amount sent as text as a number', async () => {
		const session = bed.server.addSession({ amount: '125.50' as unknown as number });
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: detailsParameters(),
		});
		expect(run.items[0].json.amount).toBe(125.5);
	});

	it('retries a transient 503 and then answers', async () => {
		const session = bed.server.addSession();
		bed.server.injectFault({ ...DETAILS, kind: 'status', status: 503, retryAfter: '0' });
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: detailsParameters(),
		});
		expect(run.items[0].json).toMatchObject({ sessionId: session.sessionId, status: 'Initiated' });
		expect(bed.server.count(DETAILS)).toBe(2);
	});
});

describe('errors', () => {
	it('rejects a session ID that is not a UUID without sending a request', async () => {
		const run = await bed.engine.run({
			items: [{ sessionId: '../cancel' }],
			parameters: detailsParameters(),
		});
		expect(run.error?.message).toBe('Invalid Session ID: "../cancel" is not a UUID [item 0]');
		expect(bed.server.requests).toHaveLength(0);
	});

	it('stops on an unknown session, naming the session, the status and the Flinks problem', async () => {
		const run = await bed.engine.run({
			items: [{ sessionId: UNKNOWN_SESSION }],
			parameters: detailsParameters(),
		});
		expect(run.error?.message).toBe(
			`Getting details of session ${UNKNOWN_SESSION}: Flinks answered HTTP 404 (Session not found: Session ${UNKNOWN_SESSION} was not found.) [item 0]`,
		);
		expect(run.error?.description).toMatch(/Flinks trace ID: \S+/);
		expect((run.error as { httpCode?: string }).httpCode).toBe('404');
	});

	it.each([
		['an HTML page', { kind: 'html' } as const, 'an HTML page instead of JSON'],
		['an empty body', { kind: 'emptyBody' } as const, 'empty body'],
		[
			'JSON without a status',
			{ kind: 'jsonWithoutStatus' } as const,
			'a JSON body without a session status',
		],
	])('fails clearly when a 200 answer is %s', async (_label, fault, body) => {
		const session = bed.server.addSession();
		bed.server.injectFault({ ...DETAILS, ...fault });
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: detailsParameters(),
		});
		expect(run.error?.message).toBe(
			`Getting details of session ${session.sessionId}: Flinks answered HTTP 200 with ${body} [item 0]`,
		);
		expect(run.error?.context.itemIndex).toBe(0);
	});

	it('with "Continue (using error output)" routes each failed item to the error output and goes on', async () => {
		const [first, last] = bed.server.addSessions(2);
		const run = await bed.engine.run({
			items: [
				{ sessionId: first.sessionId },
				{ sessionId: 'nope' },
				{ sessionId: UNKNOWN_SESSION },
				{ sessionId: last.sessionId },
			],
			parameters: detailsParameters(),
			onError: 'continueErrorOutput',
		});
		expect(run.error).toBeUndefined();
		expect(pairingOf(run.items)).toEqual([{ item: 0 }, { item: 3 }]);
		expect(run.items.map((item) => item.json.sessionId)).toEqual([first.sessionId, last.sessionId]);
		expect(pairingOf(run.errorItems)).toEqual([{ item: 1 }, { item: 2 }]);
		expect(run.errorItems.map((item) => item.json)).toEqual([
			{ sessionId: 'nope', error: 'Invalid Session ID: "nope" is not a UUID [item 1]' },
			{ sessionId: UNKNOWN_SESSION, error: expect.stringContaining('Flinks answered HTTP 404') },
		]);
	});

	it('with "Continue (regular output)" emits one item per input item, errors in place', async () => {
		const session = bed.server.addSession();
		const run = await bed.engine.run({
			items: [{ sessionId: 'nope' }, { sessionId: session.sessionId }],
			parameters: detailsParameters(),
			onError: 'continueRegularOutput',
		});
		expect(run.items.map((item) => ('error' in item.json ? 'error' : item.json.status))).toEqual([
			'error',
			'Initiated',
		]);
	});
});
