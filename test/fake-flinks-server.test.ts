/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs in plain Node, never inside n8n */
import type { RecordedRequest } from './helpers/fake-flinks-server';
import { FakeFlinksServer } from './helpers/fake-flinks-server';

const EXCHANGE_PATH = '/api/v1/authorize';

function basicAuth(id: string, secret: string): string {
	return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

async function authorize(server: FakeFlinksServer): Promise<string> {
	const response = await fetch(`${server.baseUrl}${EXCHANGE_PATH}`, {
		method: 'POST',
		headers: {
			authorization: basicAuth(server.clientId, server.clientSecret),
			'content-type': 'application/x-www-form-urlencoded',
		},
		body: 'grant_type=client_credentials',
	});
	expect(response.status).toBe(200);
	return ((await response.json()) as { access_token: string }).access_token;
}

function cancel(server: FakeFlinksServer, token: string, sessionId: string): Promise<Response> {
	return fetch(`${server.baseUrl}/api/v2/sessions/${sessionId}/cancel`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, 'x-client-id': server.clientId },
	});
}

function createSession(server: FakeFlinksServer, token: string, body: unknown): Promise<Response> {
	return fetch(`${server.baseUrl}/api/v2/sessions`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
}

const validCreateBody = {
	referenceId: 'ORDER-42',
	type: 'e-Transfer',
	direction: 'DEBIT',
	currency: 'CAD',
	amount: 10.25,
	options: { notificationPreferences: { language: 'EN', sendInteracLink: true } },
	payor: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
};

describe('FakeFlinksServer', () => {
	let server: FakeFlinksServer;

	beforeEach(async () => {
		server = await FakeFlinksServer.start();
	});

	afterEach(async () => {
		await server.stop();
	});

	describe('authorize', () => {
		it('issues a bearer token for Basic credentials', async () => {
			const response = await fetch(`${server.baseUrl}${EXCHANGE_PATH}`, {
				method: 'POST',
				headers: {
					authorization: basicAuth(server.clientId, server.clientSecret),
					'content-type': 'application/x-www-form-urlencoded',
				},
				body: 'grant_type=client_credentials',
			});

			expect(response.status).toBe(200);
			const body = (await response.json()) as Record<string, unknown>;
			expect(body).toEqual({
				access_token: expect.stringMatching(/^[0-9a-f-]{36}$/),
				token_type: 'bearer',
				expires_in: 299,
			});
			expect(server.issuedTokens()).toEqual([body.access_token]);
			expect(server.count({ path: EXCHANGE_PATH })).toBe(1);
		});

		it('issues a token for Username/Password form fields', async () => {
			const response = await fetch(`${server.baseUrl}${EXCHANGE_PATH}`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({
					grant_type: 'client_credentials',
					Username: server.clientId,
					Password: server.clientSecret,
				}).toString(),
			});

			expect(response.status).toBe(200);
		});

		it('answers 401 ProblemDetails for a wrong secret and 400 without grant_type', async () => {
			const wrongSecret = await fetch(`${server.baseUrl}${EXCHANGE_PATH}`, {
				method: 'POST',
				headers: {
					authorization: basicAuth(server.clientId, 'not-the-secret'),
					'content-type': 'application/x-www-form-urlencoded',
				},
				body: 'grant_type=client_credentials',
			});
			expect(wrongSecret.status).toBe(401);
			expect(wrongSecret.headers.get('content-type')).toMatch(/^application\/problem\+json/);
			expect(await wrongSecret.json()).toMatchObject({ status: 401, title: 'Unauthorized' });

			const noGrant = await fetch(`${server.baseUrl}${EXCHANGE_PATH}`, {
				method: 'POST',
				headers: {
					authorization: basicAuth(server.clientId, server.clientSecret),
					'content-type': 'application/x-www-form-urlencoded',
				},
				body: '',
			});
			expect(noGrant.status).toBe(400);
			expect(server.issuedTokens()).toHaveLength(0);
		});

		it('accepts injected faults on the authorize path', async () => {
			server.injectFault({ kind: 'status', status: 503, path: EXCHANGE_PATH, body: 'html' });

			const failed = await fetch(`${server.baseUrl}${EXCHANGE_PATH}`, { method: 'POST' });
			expect(failed.status).toBe(503);
			expect(failed.headers.get('content-type')).toMatch(/^text\/html/);
			await authorize(server);
		});
	});

	describe('tokens', () => {
		it('rejects a token after its lifetime (wall clock)', async () => {
			server.setTokenLifetime(1);
			const session = server.addSession();
			const token = await authorize(server);

			await new Promise((resolve) => setTimeout(resolve, 1100));

			const response = await cancel(server, token, session.sessionId);
			expect(response.status).toBe(401);
			expect(await response.json()).toMatchObject({
				status: 401,
				detail: expect.stringMatching(/expired/),
			});
			expect(server.session(session.sessionId)?.status).toBe('Initiated');
		});

		it('rejects tokens after expireTokensNow and revokeTokens, but issues working new ones', async () => {
			const [first, second] = server.addSessions(2);
			const expired = await authorize(server);
			server.expireTokensNow();
			expect((await cancel(server, expired, first.sessionId)).status).toBe(401);

			const revoked = await authorize(server);
			server.revokeTokens();
			expect((await cancel(server, revoked, first.sessionId)).status).toBe(401);

			const fresh = await authorize(server);
			expect((await cancel(server, fresh, second.sessionId)).status).toBe(200);
		});

		it('answers 401 without a bearer token', async () => {
			const session = server.addSession();
			const response = await fetch(
				`${server.baseUrl}/api/v2/sessions/${session.sessionId}/details`,
			);

			expect(response.status).toBe(401);
			expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
		});
	});

	describe('cancel', () => {
		it('cancels an Initiated session once, then refuses with 400 ProblemDetails naming the state', async () => {
			const session = server.addSession({ referenceId: 'USER12345', statusDetails: null });
			const token = await authorize(server);

			const first = await cancel(server, token, session.sessionId);
			expect(first.status).toBe(200);
			expect(await first.json()).toEqual({
				sessionId: session.sessionId,
				referenceId: 'USER12345',
				status: 'Cancelled',
				statusDetails: null,
			});
			expect(server.session(session.sessionId)?.status).toBe('Cancelled');

			const second = await cancel(server, token, session.sessionId);
			expect(second.status).toBe(400);
			expect(second.headers.get('content-type')).toMatch(/^application\/problem\+json/);
			const problem = (await second.json()) as Record<string, unknown>;
			expect(problem).toMatchObject({
				type: expect.any(String),
				title: 'Session is not cancellable',
				status: 400,
				detail: expect.stringContaining('Cancelled'),
				traceId: expect.any(String),
			});
			expect(server.count({ method: 'POST', path: /\/cancel$/ })).toBe(2);
		});

		it('omits referenceId and statusDetails when the session has none', async () => {
			const session = server.addSession({ referenceId: undefined });
			const token = await authorize(server);

			const body = (await (await cancel(server, token, session.sessionId)).json()) as object;

			expect(Object.keys(body).sort()).toEqual(['sessionId', 'status']);
		});

		it.each(['Completed', 'Expired', 'Failed', 'Canceled'] as const)(
			'refuses to cancel a %s session',
			async (status) => {
				const session = server.addSession({ status });
				const token = await authorize(server);

				const response = await cancel(server, token, session.sessionId);

				expect(response.status).toBe(400);
				expect(((await response.json()) as { detail: string }).detail).toContain(status);
				expect(server.session(session.sessionId)?.status).toBe(status);
			},
		);

		it('answers 400 for a non-UUID id, 404 for an unknown session and for unknown routes', async () => {
			const token = await authorize(server);

			expect((await cancel(server, token, 'not-a-uuid')).status).toBe(400);
			const unknown = await cancel(server, token, '7d3c2b1a-0f9e-4d8c-b7a6-5e4d3c2b1a09');
			expect(unknown.status).toBe(404);
			expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
			expect((await fetch(`${server.baseUrl}/api/v3/whatever`)).status).toBe(404);
		});
	});

	describe('with Canceled spelling and 409 for terminal sessions', () => {
		let sibling: FakeFlinksServer;

		beforeEach(async () => {
			sibling = await FakeFlinksServer.start({
				cancelledSpelling: 'Canceled',
				terminalCancelStatus: 409,
			});
		});

		afterEach(async () => {
			await sibling.stop();
		});

		it('spells the state Canceled and refuses a second cancel with 409', async () => {
			const session = sibling.addSession();
			const token = await authorize(sibling);

			const first = await cancel(sibling, token, session.sessionId);
			expect(await first.json()).toMatchObject({ status: 'Canceled' });
			const second = await cancel(sibling, token, session.sessionId);
			expect(second.status).toBe(409);
			expect(await second.json()).toMatchObject({
				status: 409,
				detail: expect.stringContaining('Canceled'),
			});
		});
	});

	describe('details', () => {
		it('returns the full session details', async () => {
			const session = server.addSession({ status: 'Completed', referenceId: 'R-1', amount: 42 });
			const token = await authorize(server);

			const response = await fetch(
				`${server.baseUrl}/api/v2/sessions/${session.sessionId}/details`,
				{
					headers: { authorization: `Bearer ${token}` },
				},
			);

			expect(response.status).toBe(200);
			expect(await response.json()).toEqual({
				sessionId: session.sessionId,
				status: 'Completed',
				referenceId: 'R-1',
				amount: 42,
				type: 'e-Transfer',
				direction: 'DEBIT',
				currency: 'CAD',
				payor: session.payor,
				payee: session.payee,
				schedule: { transactions: [{ id: expect.any(String), status: 'Completed' }] },
				createdAt: session.createdAt,
			});
		});
	});

	describe('create', () => {
		it('lets a token initiate one session only, while cancel keeps working with it', async () => {
			const token = await authorize(server);

			const created = await createSession(server, token, validCreateBody);
			expect(created.status).toBe(201);
			const { sessionId, referenceId } = (await created.json()) as Record<string, string>;
			expect(referenceId).toBe('ORDER-42');
			expect(server.session(sessionId)).toMatchObject({ status: 'Initiated', amount: 10.25 });

			expect((await createSession(server, token, validCreateBody)).status).toBe(401);
			expect((await cancel(server, token, sessionId)).status).toBe(200);
		});

		it('allows reuse when singleUseTokenForCreate is off', async () => {
			const lenient = await FakeFlinksServer.start({ singleUseTokenForCreate: false });
			try {
				const token = await authorize(lenient);
				expect((await createSession(lenient, token, validCreateBody)).status).toBe(201);
				expect((await createSession(lenient, token, validCreateBody)).status).toBe(201);
			} finally {
				await lenient.stop();
			}
		});

		it('answers 400 ProblemDetails with an errors map for an invalid body', async () => {
			const token = await authorize(server);

			const response = await createSession(server, token, {
				...validCreateBody,
				referenceId: 'x'.repeat(101),
				currency: 'USD',
				amount: 0,
				payor: { firstName: 'Ada' },
			});

			expect(response.status).toBe(400);
			const problem = (await response.json()) as { errors: Record<string, string[]> };
			expect(Object.keys(problem.errors).sort()).toEqual([
				'amount',
				'currency',
				'payor.email',
				'payor.lastName',
				'referenceId',
			]);
			expect((await createSession(server, token, validCreateBody)).status).toBe(201);
		});
	});

	describe('faults', () => {
		it('answers 429 with Retry-After for the next `times` matching requests', async () => {
			const session = server.addSession();
			const token = await authorize(server);
			server.injectFault({
				kind: 'status',
				status: 429,
				retryAfter: '2',
				path: /\/cancel$/,
				times: 2,
			});

			for (let attempt = 0; attempt < 2; attempt++) {
				const limited = await cancel(server, token, session.sessionId);
				expect(limited.status).toBe(429);
				expect(limited.headers.get('retry-after')).toBe('2');
			}
			expect((await cancel(server, token, session.sessionId)).status).toBe(200);
			expect(server.requests.map((request) => request.status)).toEqual([200, 429, 429, 200]);
		});

		it('resets the connection without answering, then serves the next request', async () => {
			const session = server.addSession();
			const token = await authorize(server);
			server.injectFault({ kind: 'reset' });

			await expect(cancel(server, token, session.sessionId)).rejects.toThrow();
			expect((await cancel(server, token, session.sessionId)).status).toBe(200);
			expect(server.requests.slice(-2).map((request) => request.status)).toEqual([0, 200]);
		});

		it('models gateway bodies: malformed JSON, HTML, empty, JSON without status', async () => {
			const session = server.addSession();
			const token = await authorize(server);
			const url = `${server.baseUrl}/api/v2/sessions/${session.sessionId}/details`;
			const get = (): Promise<Response> =>
				fetch(url, { headers: { authorization: `Bearer ${token}` } });

			server.injectFault({ kind: 'malformedJson' });
			const malformed = await get();
			expect(malformed.status).toBe(200);
			await expect(malformed.json()).rejects.toThrow();

			server.injectFault({ kind: 'html', status: 502 });
			const html = await get();
			expect(html.status).toBe(502);
			expect(await html.text()).toContain('<html>');

			server.injectFault({ kind: 'emptyBody' });
			const empty = await get();
			expect(empty.headers.get('content-type')).toBe('application/json');
			expect(await empty.text()).toBe('');

			server.injectFault({ kind: 'jsonWithoutStatus' });
			expect(await (await get()).json()).toEqual({ sessionId: session.sessionId });
		});

		it('applyThenFail cancels the session but answers the error', async () => {
			const session = server.addSession();
			const token = await authorize(server);
			server.injectFault({ kind: 'applyThenFail', status: 504 });

			expect((await cancel(server, token, session.sessionId)).status).toBe(504);
			expect(server.session(session.sessionId)?.status).toBe('Cancelled');
			expect((await cancel(server, token, session.sessionId)).status).toBe(400);
			// Flinks acted on both, whatever the client was told.
			expect(server.processedCancels.map(({ sessionId, applied }) => [sessionId, applied])).toEqual(
				[
					[session.sessionId, true],
					[session.sessionId, false],
				],
			);
		});

		it('delays (still applying the request) and hangs until the client gives up', async () => {
			const session = server.addSession();
			const token = await authorize(server);
			const timedCancel = (ms: number): Promise<Response> =>
				fetch(`${server.baseUrl}/api/v2/sessions/${session.sessionId}/cancel`, {
					method: 'POST',
					headers: { authorization: `Bearer ${token}` },
					signal: AbortSignal.timeout(ms),
				});

			server.injectFault({ kind: 'delay', ms: 300 });
			await expect(timedCancel(100)).rejects.toThrow();
			expect(server.session(session.sessionId)?.status).toBe('Initiated');
			await new Promise((resolve) => setTimeout(resolve, 300));
			// The server still processed the cancel the client stopped waiting for.
			expect(server.session(session.sessionId)?.status).toBe('Cancelled');

			server.injectFault({ kind: 'hang' });
			await expect(timedCancel(100)).rejects.toThrow();
			// stop() in afterEach must still exit cleanly with the hung socket open.
		});

		it('tracks the peak number of concurrent requests', async () => {
			const sessions = server.addSessions(5);
			const token = await authorize(server);
			server.setLatency(150);

			await Promise.all(sessions.map((session) => cancel(server, token, session.sessionId)));

			expect(server.peakInFlight).toBe(5);
			expect(server.inFlight).toBe(0);
			server.reset();
			expect(server.peakInFlight).toBe(0);
			expect(server.requests).toHaveLength(0);
		});

		it('rejects requests above maxInFlight with 429 and Retry-After', async () => {
			const sessions = server.addSessions(5);
			const token = await authorize(server);
			server.setLatency(200);
			server.setMaxInFlight(2, '1');

			const responses = await Promise.all(
				sessions.map((session) => cancel(server, token, session.sessionId)),
			);

			expect(responses.map((response) => response.status).sort()).toEqual([
				200, 200, 429, 429, 429,
			]);
			const limited = responses.find((response) => response.status === 429);
			expect(limited?.headers.get('retry-after')).toBe('1');
			expect(server.allSessions().filter((session) => session.status === 'Cancelled')).toHaveLength(
				2,
			);

			server.reset();
			const remaining = server.allSessions().filter((session) => session.status === 'Initiated');
			const afterReset = await Promise.all(
				remaining.map((session) => cancel(server, token, session.sessionId)),
			);
			expect(afterReset.map((response) => response.status)).toEqual([200, 200, 200]);
		});
	});

	describe('request log', () => {
		it('records when each answer was sent, on the clock of `at`; none for a reset', async () => {
			const [first, second] = server.addSessions(2);
			const token = await authorize(server);
			server.setLatency(60);
			server.setMaxInFlight(1, '1');
			const before = server.now;

			const statuses = await Promise.all(
				[first, second].map(
					async (session) => (await cancel(server, token, session.sessionId)).status,
				),
			);
			server.setMaxInFlight(undefined);
			server.injectFault({ kind: 'reset' });
			await expect(cancel(server, token, first.sessionId)).rejects.toThrow();

			expect(statuses.sort()).toEqual([200, 429]);
			const [admitted, turnedAway, reset] = [200, 429, 0].map(
				(status) =>
					server.requests.find(
						(request) => request.path !== EXCHANGE_PATH && request.status === status,
					) as RecordedRequest,
			);
			expect(admitted.at).toBeGreaterThanOrEqual(before);
			expect(admitted.answeredAt).toBeGreaterThanOrEqual(admitted.at + 60);
			expect(admitted.answeredAt).toBeLessThanOrEqual(server.now);
			expect(turnedAway.answeredAt).toBeLessThan(admitted.answeredAt as number);
			expect(reset.answeredAt).toBeUndefined();
		});

		it('records x-client-id but redacts credentials and tokens', async () => {
			const session = server.addSession();
			await fetch(`${server.baseUrl}${EXCHANGE_PATH}`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({
					grant_type: 'client_credentials',
					Username: server.clientId,
					Password: server.clientSecret,
				}).toString(),
			});
			const token = await authorize(server);
			await cancel(server, token, session.sessionId);

			const [formAuthorize, basicAuthorize, cancelRequest] = server.requests;
			expect(formAuthorize.body).toBe(
				'grant_type=client_credentials&Username=<redacted>&Password=<redacted>',
			);
			expect(basicAuthorize.headers.authorization).toBe('Basic <redacted>');
			expect(cancelRequest.headers.authorization).toBe('Bearer <redacted>');
			expect(cancelRequest.headers['x-client-id']).toBe(server.clientId);
			expect(cancelRequest.at).toBeGreaterThanOrEqual(basicAuthorize.at);

			const log = JSON.stringify(server.requests);
			expect(log).not.toContain(server.clientSecret);
			for (const issued of server.issuedTokens()) expect(log).not.toContain(issued);
		});
	});
});
