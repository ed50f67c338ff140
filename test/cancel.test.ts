import type { INodeExecutionData } from 'n8n-workflow';

import type { FlinksTestBed } from './helpers/flinks-test-bed';
import { cancelParameters, everythingVisible, useTestBed } from './helpers/flinks-test-bed';
import { AUTHORIZE, CANCELS, DETAILS, atNthRequest } from './helpers/fault-matrix';

let bed: FlinksTestBed;

const testBed = useTestBed((started) => (bed = started));

const jsonOf = (items: INodeExecutionData[]) => items.map((item) => item.json);
const pairingOf = (items: INodeExecutionData[]) => items.map((item) => item.pairedItem);

describe('Session › Cancel', () => {
	it('cancels every input item with one token exchange and keeps pairing', async () => {
		const sessions = bed.server.addSessions(5);
		const run = await bed.engine.run({
			items: sessions.map((s) => ({ sessionId: s.sessionId })),
			parameters: cancelParameters(),
		});

		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(5);
		expect(pairingOf(run.items)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		run.items.forEach((item, index) => {
			expect(item.json).toEqual({
				sessionId: sessions[index].sessionId,
				referenceId: sessions[index].referenceId,
				status: 'Cancelled',
				statusDetails: null,
				alreadyEnded: false,
				cancelledAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
				attempts: 1,
			});
			expect(bed.server.session(sessions[index].sessionId)?.status).toBe('Cancelled');
		});
		expect(bed.server.count(AUTHORIZE)).toBe(1);
		expect(bed.server.count(CANCELS)).toBe(5);
		expect(bed.engine.storedCredentials().accessToken).toBe(bed.server.issuedTokens()[0]);
	});

	it('sends the token exchange as Basic auth with a form body, and the token as Bearer', async () => {
		const [session] = bed.server.addSessions(1);
		await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: cancelParameters(),
		});

		const [authorize, cancel] = bed.server.requests;
		expect(authorize).toMatchObject({ method: 'POST', path: '/api/v1/authorize', status: 200 });
		expect(authorize.headers.authorization).toMatch(/^Basic /);
		expect(authorize.headers['content-type']).toContain('application/x-www-form-urlencoded');
		expect(authorize.body).toContain('grant_type=client_credentials');
		expect(cancel).toMatchObject({
			path: `/api/v2/sessions/${session.sessionId}/cancel`,
			status: 200,
		});
		expect(cancel.headers.authorization).toMatch(/^Bearer /);
		expect(cancel.headers['x-client-id']).toBeUndefined();
	});

	it('sends x-client-id on every API call when the credential sets it', async () => {
		await testBed.restart({}, { xClientId: 'instance-42' });
		const sessions = bed.server.addSessions(2);
		await bed.engine.run({
			items: sessions.map((s) => ({ sessionId: s.sessionId })),
			parameters: cancelParameters(),
		});
		const apiCalls = bed.server.requests.filter((r) => r.path.startsWith('/api/v2/'));
		expect(apiCalls).toHaveLength(2);
		apiCalls.forEach((call) => expect(call.headers['x-client-id']).toBe('instance-42'));
	});

	it('outputs null for a referenceId or statusDetails that Flinks leaves out or sends as null', async () => {
		const absent = bed.server.addSession({ referenceId: undefined });
		const explicitNull = bed.server.addSession({ referenceId: null, statusDetails: null });
		const run = await bed.engine.run({
			items: [{ sessionId: absent.sessionId }, { sessionId: explicitNull.sessionId }],
			parameters: cancelParameters(),
		});
		expect(jsonOf(run.items)).toEqual([
			expect.objectContaining({
				sessionId: absent.sessionId,
				referenceId: null,
				statusDetails: null,
			}),
			expect.objectContaining({
				sessionId: explicitNull.sessionId,
				referenceId: null,
				statusDetails: null,
			}),
		]);
	});

	it('accepts a session ID with surrounding spaces', async () => {
		const session = bed.server.addSession();
		const run = await bed.engine.run({
			items: [{ sessionId: `  ${session.sessionId}\n` }],
			parameters: cancelParameters(),
		});
		expect(run.items[0].json).toMatchObject({ sessionId: session.sessionId, status: 'Cancelled' });
	});
});

describe('sessions that already ended', () => {
	it.each(['Completed', 'Expired', 'Cancelled', 'Failed'] as const)(
		'reports a %s session with its final status and alreadyEnded: true by default',
		async (status) => {
			const session = bed.server.addSession({ status });
			const run = await bed.engine.run({
				items: [{ sessionId: session.sessionId }],
				parameters: cancelParameters(),
			});
			expect(run.error).toBeUndefined();
			expect(run.items[0]).toEqual({
				json: {
					sessionId: session.sessionId,
					referenceId: session.referenceId,
					status,
					statusDetails: session.statusDetails ?? null,
					alreadyEnded: true,
					cancelledAt: null,
					attempts: 1,
				},
				pairedItem: { item: 0 },
			});
			expect(bed.server.count(DETAILS)).toBe(1);
		},
	);

	it('accepts the Canceled spelling and any letter case, and a 409 refusal', async () => {
		await testBed.restart({ cancelledSpelling: 'Canceled', terminalCancelStatus: 409 });
		const session = bed.server.addSession({ status: 'Canceled' });
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: cancelParameters(),
		});
		expect(run.items[0].json).toMatchObject({ status: 'Cancelled', alreadyEnded: true });
	});

	it('fails the item when "If Session Already Ended" is "Treat as Error"', async () => {
		const session = bed.server.addSession({ status: 'Completed' });
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: cancelParameters({ ifAlreadyEnded: 'error' }),
		});
		expect(run.items).toHaveLength(0);
		expect(run.error?.message).toBe(
			`Session ${session.sessionId} has already ended (status Completed); Flinks answered HTTP 400 [item 0]`,
		);
		expect(run.error?.context.itemIndex).toBe(0);
	});
});

describe('errors', () => {
	it('stops the workflow on an unknown session, naming the session, the status and the Flinks problem', async () => {
		const known = bed.server.addSession();
		const unknown = '0f4c2a6e-1111-4222-8333-944455556666';
		const run = await bed.engine.run({
			items: [{ sessionId: known.sessionId }, { sessionId: unknown }],
			parameters: cancelParameters(),
		});
		expect(run.error?.message).toMatch(
			new RegExp(
				`^Cancelling session ${unknown}: Flinks answered HTTP 404 \\(.+\\) \\[item \\d+\\]$`,
			),
		);
		expect(run.error?.message).toContain(`(Session not found: Session ${unknown} was not found.)`);
		expect(run.error?.description).toMatch(/Flinks trace ID: \S+/);
		expect(run.error?.context.itemIndex).toBe(1);
		expect((run.error as { httpCode?: string }).httpCode).toBe('404');
	});

	it('says which other items were already done at Flinks when it stops the workflow', async () => {
		const [first, third] = bed.server.addSessions(2);
		const run = await bed.engine.run({
			items: [
				{ sessionId: first.sessionId },
				{ sessionId: '0f4c2a6e-1111-4222-8333-944455556666' },
				{ sessionId: third.sessionId },
			],
			parameters: cancelParameters(),
		});
		expect(run.error?.context.itemIndex).toBe(1);
		expect(run.error?.description).toContain(
			'Before the workflow stopped, 2 other item(s) had already been processed at Flinks: items 0, 2.',
		);
		expect(bed.server.session(third.sessionId)?.status).toBe('Cancelled');
	});

	it.each([
		['empty', '', 'it is empty'],
		['whitespace', '   ', 'it is empty'],
		['not a UUID', 'abc-123', '"abc-123" is not a UUID'],
		['a path', '../x', '"../x" is not a UUID'],
		[
			'a query',
			'f2504e0-4f89-41d3-9a0c-0305e82c3301?x=1',
			'"f2504e0-4f89-41d3-9a0c-0305e82c3301?x=1" is not a UUID',
		],
		['a number', 42, 'expected text, got a number (42)'],
		['missing', undefined, 'expected text, got undefined'],
	])(
		'rejects a session ID that is %s without sending a request',
		async (_label, value, problem) => {
			const run = await bed.engine.run({
				items: [{ sessionId: value }],
				parameters: cancelParameters(),
			});
			expect(run.error?.message).toContain(`Invalid Session ID: ${problem} [item 0]`);
			expect(run.error?.context.itemIndex).toBe(0);
			expect(bed.server.requests).toHaveLength(0);
		},
	);

	const mixedBatch = (bed: FlinksTestBed) => {
		const live = bed.server.addSession();
		const ended = bed.server.addSession({ status: 'Expired' });
		const anotherLive = bed.server.addSession();
		return {
			items: [
				{ sessionId: live.sessionId },
				{ sessionId: 'not-a-uuid' },
				{ sessionId: '0f4c2a6e-1111-4222-8333-944455556666' },
				{ sessionId: ended.sessionId },
				{ sessionId: anotherLive.sessionId },
			],
			live,
			ended,
			anotherLive,
		};
	};

	it('with "Continue (using error output)" routes each failed item to the error output and goes on', async () => {
		const batch = mixedBatch(bed);
		const run = await bed.engine.run({
			items: batch.items,
			parameters: cancelParameters(),
			onError: 'continueErrorOutput',
		});
		expect(run.error).toBeUndefined();
		expect(pairingOf(run.items)).toEqual([{ item: 0 }, { item: 3 }, { item: 4 }]);
		expect(jsonOf(run.items)).toEqual([
			expect.objectContaining({
				sessionId: batch.live.sessionId,
				status: 'Cancelled',
				alreadyEnded: false,
			}),
			expect.objectContaining({
				sessionId: batch.ended.sessionId,
				status: 'Expired',
				alreadyEnded: true,
			}),
			expect.objectContaining({ sessionId: batch.anotherLive.sessionId, status: 'Cancelled' }),
		]);
		expect(pairingOf(run.errorItems)).toEqual([{ item: 1 }, { item: 2 }]);
		// n8n merges the input item's fields into each error item.
		expect(run.errorItems[0].json).toEqual({
			sessionId: 'not-a-uuid',
			error: 'Invalid Session ID: "not-a-uuid" is not a UUID [item 1]',
		});
		expect(run.errorItems[1].json).toEqual({
			sessionId: '0f4c2a6e-1111-4222-8333-944455556666',
			error: expect.stringMatching(
				/^Cancelling session 0f4c2a6e-\S+: Flinks answered HTTP 404 \(.+\) \[item \d+\]$/,
			),
		});
		expect(bed.server.count(CANCELS)).toBe(4);
	});

	it('with "Continue (regular output)" emits one item per input item, errors in place', async () => {
		const batch = mixedBatch(bed);
		const run = await bed.engine.run({
			items: batch.items,
			parameters: cancelParameters(),
			onError: 'continueRegularOutput',
		});
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(5);
		expect(pairingOf(run.items)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(run.items.map((item) => ('error' in item.json ? 'error' : item.json.status))).toEqual([
			'Cancelled',
			'error',
			'error',
			'Expired',
			'Cancelled',
		]);
		expect(run.items[2].json).toEqual({
			error: expect.stringContaining(
				`session ${batch.items[2].sessionId}: Flinks answered HTTP 404`,
			),
		});
	});
});

describe('the access token', () => {
	it('is reused across executions until it expires, then renewed once', async () => {
		const sessions = bed.server.addSessions(3);
		await bed.engine.run({
			items: [{ sessionId: sessions[0].sessionId }],
			parameters: cancelParameters(),
		});
		await bed.engine.run({
			items: [{ sessionId: sessions[1].sessionId }],
			parameters: cancelParameters(),
		});
		expect(bed.server.count(AUTHORIZE)).toBe(1);

		bed.server.expireTokensNow();
		const run = await bed.engine.run({
			items: [{ sessionId: sessions[2].sessionId }],
			parameters: cancelParameters(),
		});
		expect(run.items[0].json).toMatchObject({ status: 'Cancelled' });
		expect(bed.server.count(AUTHORIZE)).toBe(2);
		expect(bed.engine.storedCredentials().accessToken).toBe(bed.server.issuedTokens()[1]);
	});

	it('is renewed exactly once when Flinks revokes it in the middle of a batch', async () => {
		const [warmUp, ...sessions] = bed.server.addSessions(21);
		// Obtain the token first, so the revocation below hits a token that is in use.
		await bed.engine.run({
			items: [{ sessionId: warmUp.sessionId }],
			parameters: cancelParameters(),
		});
		bed.server.setLatency(15);
		atNthRequest(bed.server, CANCELS, 10, () => bed.server.revokeTokens());
		const run = await bed.engine.run({
			items: sessions.map((s) => ({ sessionId: s.sessionId })),
			parameters: cancelParameters(),
		});

		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json.status)).toEqual(sessions.map(() => 'Cancelled'));
		const rejected = bed.server.requests.filter((r) => r.status === 401);
		expect(rejected.length).toBeGreaterThanOrEqual(1);
		expect(bed.server.count(AUTHORIZE)).toBe(2);
		// Every session was cancelled once; the only repeats are the calls Flinks answered 401.
		expect(
			bed.server.requests.filter((r) => /cancel$/.test(r.path) && r.status === 200),
		).toHaveLength(21);
	});
	it('is asked for only once when Flinks refuses the client credentials, and every item says so', async () => {
		bed.engine.setStoredCredentials({ ...bed.credentials, clientSecret: 'not-what-flinks-issued' });
		const sessions = bed.server.addSessions(10);
		const run = await bed.engine.run({
			items: sessions.map((s) => ({ sessionId: s.sessionId })),
			parameters: cancelParameters(),
			onError: 'continueRegularOutput',
		});
		expect(run.items).toHaveLength(10);
		run.items.forEach((item) =>
			expect(item.json.error).toMatch(/^Flinks rejected the client ID or secret \(401\)/),
		);
		expect(bed.server.count(AUTHORIZE)).toBe(1);
		expect(bed.server.count(CANCELS)).toBe(0);
	});
});

describe('the credential test', () => {
	it('passes with the right client ID and secret, performing the token exchange', async () => {
		await expect(bed.engine.testCredentials()).resolves.toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		// n8n's preAuthentication for the empty token, then the test's own token request.
		expect(bed.server.count(AUTHORIZE)).toBe(2);
		expect(bed.server.count(DETAILS)).toBe(0);
	});

	it('fails with a wrong secret, saying so without repeating the secret', async () => {
		const mistyped = 'definitely-not-the-secret-9f8e7d';
		const result = await bed.engine.testCredentials({ ...bed.credentials, clientSecret: mistyped });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('Flinks rejected the client ID or secret (401)');
		expect(JSON.stringify(result)).not.toContain(mistyped);
	});

	it('fails once a wrong Client Secret is saved, although n8n still holds a valid token', async () => {
		// As in the editor: the saved credential tests green and n8n stores its token.
		await expect(bed.engine.testCredentials()).resolves.toMatchObject({ status: 'OK' });
		const saved = bed.engine.storedCredentials();
		expect(saved.accessToken).toBeTruthy();

		// The user types a wrong secret and saves; n8n keeps the hidden token and tests what is saved.
		const mistyped = 'mistyped-0c1d2e';
		bed.engine.setStoredCredentials({ ...saved, clientSecret: mistyped });
		const afterEdit = await bed.engine.testCredentials();
		expect(afterEdit.status).toBe('Error');
		expect(afterEdit.message).toContain('Flinks rejected the client ID or secret (401)');

		// The right secret saved back tests green again.
		bed.engine.setStoredCredentials({
			...bed.engine.storedCredentials(),
			clientSecret: saved.clientSecret,
		});
		await expect(bed.engine.testCredentials()).resolves.toMatchObject({ status: 'OK' });
	});
});

describe('secrets', () => {
	it('never appear in items, errors or n8n logs', async () => {
		const live = bed.server.addSession();
		const runs = [
			await bed.engine.run({
				items: [{ sessionId: live.sessionId }, { sessionId: 'bad' }],
				parameters: cancelParameters(),
				onError: 'continueRegularOutput',
			}),
		];
		bed.engine.setStoredCredentials({
			...bed.credentials,
			clientSecret: 'wrong-secret-for-this-run',
		});
		runs.push(
			await bed.engine.run({
				items: [{ sessionId: live.sessionId }],
				parameters: cancelParameters(),
			}),
		);
		expect(runs[1].error?.message).toContain('Flinks rejected the client ID or secret (401)');

		const visible = everythingVisible(bed, runs);
		const basic = Buffer.from(`${bed.server.clientId}:${bed.server.clientSecret}`).toString(
			'base64',
		);
		for (const secret of [
			bed.server.clientSecret,
			basic,
			'wrong-secret-for-this-run',
			...bed.server.issuedTokens(),
		]) {
			expect(visible).not.toContain(secret);
		}
	});
});
