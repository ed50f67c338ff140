import type { IDataObject } from 'n8n-workflow';

import { addGuaranteeAwaitingDecision, eftSessionInit } from './helpers/fake-flinks-eft';
import type { FlinksTestBed } from './helpers/flinks-test-bed';
import {
	createParameters,
	customer,
	sessionParameters,
	useTestBed,
} from './helpers/flinks-test-bed';
import { STATUS, DETAILS, CONFIRMS } from './helpers/fault-matrix';

let bed: FlinksTestBed;
useTestBed((started) => (bed = started));

/** Get Status on one session whose answer Flinks (or a gateway) fills with `answer`. */
async function statusAnswering(answer: IDataObject) {
	const session = bed.server.addSession(eftSessionInit(true));
	bed.server.injectFault({
		...STATUS,
		kind: 'reply',
		status: 200,
		body: { sessionId: session.sessionId, referenceId: null, amount: 500, ...answer },
	});
	return await bed.engine.run({
		items: [{ sessionId: session.sessionId }],
		parameters: sessionParameters('getStatus'),
	});
}

describe('Get Status › answers the docs do not list', () => {
	it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
		'keeps a status named like an object property ("%s") as text, with no meaning',
		async (status) => {
			const run = await statusAnswering({ status, statusDetails: 'valueOf' });

			expect(run.error).toBeUndefined();
			expect(run.items[0].json).toMatchObject({ status, statusDetails: 'valueOf' });
			expect(run.items[0].json.statusMeaning).toBeNull();
		},
	);

	it('never explains a code against its status: a Completed session with a Failed code reads as Completed', async () => {
		const run = await statusAnswering({ status: 'Completed', statusDetails: 'EFT0403' });

		expect(run.items[0].json).toMatchObject({
			status: 'Completed',
			statusDetails: 'EFT0403',
			statusMeaning: 'The customer completed the payment',
		});
	});

	it('explains an undocumented code by its status alone', async () => {
		const run = await statusAnswering({ status: 'Failed', statusDetails: 'EFT0499' });
		expect(run.items[0].json.statusMeaning).toBe('The payment did not go through');
	});

	it('explains a documented code under either spelling of Canceled', async () => {
		const run = await statusAnswering({ status: 'CANCELED', statusDetails: 'eft0501' });
		expect(run.items[0].json).toMatchObject({
			status: 'Cancelled',
			statusMeaning: 'The session was cancelled through the API',
		});
	});
});

describe('Get › EFT fields Flinks sends in a shape the docs do not fix', () => {
	it('keeps a name match Flinks sends as true/false or as text, instead of dropping it to null', async () => {
		const values: unknown[] = [false, 'NoMatch', 87];
		const sessions = values.map(() => bed.server.addSession(eftSessionInit(false)));
		for (const [index, nameMatch] of values.entries()) {
			bed.server.injectFault({
				method: 'GET',
				path: `/api/v2/sessions/${sessions[index].sessionId}/details`,
				kind: 'reply',
				status: 200,
				body: {
					sessionId: sessions[index].sessionId,
					status: 'Failed',
					statusDetails: 'EFT0403',
					type: 'EFT',
					step: { current: 'AccountSelection' },
					userDetails: { matchingPerformed: true, nameMatch },
				},
			});
		}
		const run = await bed.engine.run({
			items: sessions.map(({ sessionId }) => ({ sessionId })),
			parameters: sessionParameters('getDetails', { simplify: true, options: { concurrency: 1 } }),
		});

		expect(run.error).toBeUndefined();
		expect(bed.server.count(DETAILS)).toBe(3);
		expect(run.items.map((item) => item.json.nameMatch)).toEqual([false, 'NoMatch', 87]);
	});
});

describe('Confirm Guarantee › a 2xx about another session', () => {
	it('fails the item and says the decision may have been taken, as for a lost answer', async () => {
		const session = addGuaranteeAwaitingDecision(bed.server);
		const other = bed.server.addSession(eftSessionInit(true));
		bed.server.injectFault({
			...CONFIRMS,
			kind: 'reply',
			status: 200,
			body: { sessionId: other.sessionId, referenceId: null },
		});
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: sessionParameters('confirmGuarantee', { guaranteeAccepted: false }),
		});

		expect(run.error?.message).toBe(
			`Rejecting the guarantee of session ${session.sessionId}: Flinks answered HTTP 200 about another session (${other.sessionId}) [item 0]`,
		);
		expect(run.error?.description).toMatch(
			/^Flinks may have taken the decision without its answer reaching n8n\. Check session .* with Get before sending it again/,
		);
		expect(bed.server.count(CONFIRMS)).toBe(1);
	});
});

describe('Create › EFT payor fields as operators give them', () => {
	const sentPayor = () =>
		bed.server.requests
			.filter((request) => request.path === '/api/v2/sessions')
			.map((request) => (JSON.parse(request.body) as IDataObject).payor);

	it('takes a phone number a spreadsheet gives as a number, and sends it as text', async () => {
		const run = await bed.engine.run({
			items: [{ ...customer(1), phone: 5145551234 }],
			parameters: createParameters({
				sessionType: 'eft',
				additionalFields: { payorPhone: '={{ $json.phone }}' },
			}),
		});

		expect(run.error).toBeUndefined();
		expect(sentPayor()).toEqual([expect.objectContaining({ phone: '5145551234' })]);
	});

	it('leaves out an amount limit whose expression gives nothing for this item, as it does an empty text field', async () => {
		const run = await bed.engine.run({
			items: [customer(1), { ...customer(2), maximum: 900 }],
			parameters: createParameters({
				sessionType: 'eft',
				additionalFields: {
					minimumAmount: '={{ $json.minimum }}',
					maximumAmount: '={{ $json.maximum ?? "" }}',
				},
			}),
		});

		expect(run.error).toBeUndefined();
		const limits = bed.server.allSessions().map((session) => session.eft?.options.limits);
		expect(limits).toEqual([undefined, { maximumAmount: 900 }]);
	});

	it('refuses a date of birth in the future, and shows a bad one without its control characters', async () => {
		const run = await bed.engine.run({
			items: [customer(1), customer(2)],
			parameters: createParameters({
				sessionType: 'guaranteedEft',
				additionalFields: {
					payorDateOfBirth: '={{ $itemIndex === 0 ? "2999-01-01" : "1985-04-23\\nDROP" }}',
				},
				options: {},
			}),
			onError: 'continueRegularOutput',
		});

		expect(run.items.map((item) => item.json.error)).toEqual([
			'Invalid Payor Date of Birth: Payor Date of Birth "2999-01-01" is in the future [item 0]',
			'Invalid Payor Date of Birth: Payor Date of Birth "1985-04-23?DROP" is not a date as YYYY-MM-DD [item 1]',
		]);
		expect(bed.server.requests).toEqual([]);
	});
});
