import { FakeFlinksServer } from './helpers/fake-flinks-server';
import type { FlinksTestBed } from './helpers/flinks-test-bed';
import {
	cancelParameters,
	createParameters,
	customer,
	useTestBed,
} from './helpers/flinks-test-bed';
import { AUTHORIZE, CANCELS, CREATES, atNthRequest } from './helpers/fault-matrix';

let bed: FlinksTestBed;
let hostB: FakeFlinksServer | undefined;

useTestBed((started) => (bed = started));

afterEach(async () => {
	await hostB?.stop();
	hostB = undefined;
});

describe('a token is only sent to the base URL and client it was issued for', () => {
	it('after the Base URL is edited, the token n8n kept is not sent to the new host', async () => {
		const [session] = bed.server.addSessions(1);
		await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: cancelParameters(),
		});
		const hostAToken = bed.engine.storedCredentials().accessToken;
		expect(hostAToken).toBeTruthy();

		// The user points the credential at another instance; n8n keeps the hidden token as it was.
		hostB = await FakeFlinksServer.start({
			clientId: bed.server.clientId,
			clientSecret: bed.server.clientSecret,
		});
		const [onB] = hostB.addSessions(1);
		bed.engine.setStoredCredentials({
			...bed.engine.storedCredentials(),
			baseUrl: hostB.baseUrl,
		});
		const run = await bed.engine.run({
			items: [{ sessionId: onB.sessionId }],
			parameters: cancelParameters(),
		});

		expect(run.items[0].json.status).toBe('Cancelled');
		// Host B saw a token request first and never a 401: host A's token never reached it.
		expect(hostB.requests.map((r) => [r.path, r.status])).toEqual([
			['/api/v1/authorize', 200],
			[`/api/v2/sessions/${onB.sessionId}/cancel`, 200],
		]);
	});

	it('after a wrong Client Secret is saved, the next execution proves it instead of using the token n8n kept', async () => {
		const [first, second] = bed.server.addSessions(2);
		await bed.engine.run({
			items: [{ sessionId: first.sessionId }],
			parameters: cancelParameters(),
		});
		const saved = bed.engine.storedCredentials();
		expect(saved.accessToken).toBeTruthy();

		const mistyped = 'mistyped-7a6b5c';
		bed.engine.setStoredCredentials({ ...saved, clientSecret: mistyped });
		const run = await bed.engine.run({
			items: [{ sessionId: second.sessionId }],
			parameters: cancelParameters(),
		});

		expect(run.error?.message).toMatch(/^Flinks rejected the client ID or secret \(401\)/);
		expect(bed.server.count(CANCELS)).toBe(1);
		expect(bed.server.session(second.sessionId)?.status).toBe('Initiated');
	});

	it('an execution whose secret was rotated under it fails the item instead of saving the old secret back', async () => {
		const sessions = bed.server.addSessions(2);
		const rotatedSecret = `rotated-${bed.server.clientId}`;
		atNthRequest(bed.server, CANCELS, 1, () => {
			// The user rotates the secret while the execution runs; Flinks revokes the old tokens.
			bed.engine.setStoredCredentials({
				...bed.engine.storedCredentials(),
				clientSecret: rotatedSecret,
			});
			bed.server.revokeTokens();
		});
		const run = await bed.engine.run({
			items: sessions.map((s) => ({ sessionId: s.sessionId })),
			parameters: cancelParameters({ concurrency: 1 }),
			onError: 'continueRegularOutput',
		});

		// Item 0 carried the token just obtained, which Flinks refused; item 1 would need a new one.
		expect(run.items[1].json.error).toBe(
			'The Flinks Pay API credential was changed while this execution ran, so no new access token was requested with its old settings [item 1]',
		);
		expect(bed.server.count(AUTHORIZE)).toBe(1);
		expect(bed.engine.storedCredentials().clientSecret).toBe(rotatedSecret);
	});

	it('an edit made while a create exchanges its token is not undone, and no further create goes to the old host', async () => {
		hostB = await FakeFlinksServer.start({ clientId: bed.server.clientId });
		const edited = {
			...bed.engine.storedCredentials(),
			baseUrl: hostB.baseUrl,
			clientSecret: hostB.clientSecret,
		};
		// The user saves the new instance while the second create's token request is on its way.
		atNthRequest(bed.server, AUTHORIZE, 2, () => bed.engine.setStoredCredentials(edited));
		const run = await bed.engine.run({
			items: [1, 2, 3, 4, 5].map(customer),
			parameters: createParameters(),
			onError: 'continueRegularOutput',
		});

		expect(bed.engine.storedCredentials()).toMatchObject({
			baseUrl: hostB.baseUrl,
			clientSecret: hostB.clientSecret,
		});
		expect(bed.server.count(CREATES)).toBe(1);
		expect(hostB.requests).toHaveLength(0);
		expect(run.items[0].json.sessionId).toBeDefined();
		for (const item of run.items.slice(1)) {
			expect(item.json.error).toMatch(
				/^The Flinks Pay API credential was changed while this execution ran/,
			);
		}
	});
});
