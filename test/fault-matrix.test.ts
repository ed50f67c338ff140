/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs in plain Node, never inside n8n */
import { randomUUID } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { FakeFlinksServer } from './helpers/fake-flinks-server';
import type {
	FakeFlinksServerOptions,
	FakeSession,
	RecordedRequest,
} from './helpers/fake-flinks-server';
import type { MatrixRow } from './helpers/fault-matrix';
import {
	AUTHORIZE,
	CANCELS,
	DETAILS,
	atNthRequest,
	cancelOf,
	formatTable,
	outcomesByInput,
	requestsFor,
	CREATES,
	CREATE_REDIRECTED_AFTER_CREATING,
} from './helpers/fault-matrix';
import type { FlinksTestBed } from './helpers/flinks-test-bed';
import {
	cancelParameters,
	createParameters,
	customer,
	everythingVisible,
	startTestBed,
} from './helpers/flinks-test-bed';
import type { FlinksTriggerBed } from './helpers/flinks-trigger-bed';
import { startTriggerBed } from './helpers/flinks-trigger-bed';
import { deliverZonelessEventIn } from './helpers/time-zone';
import { shutdownN8nEngine } from './helpers/n8n-engine';
import type { RunResult } from './helpers/n8n-engine';

const BATCH = 50;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

interface Batch {
	bed: FlinksTestBed;
	sessions: FakeSession[];
	/** The Session ID of each input item; a case may replace one (e.g. with an unknown session). */
	ids: string[];
	/** Another origin on this machine, where a case's redirects point: nothing may ever reach it. */
	elsewhere: FakeFlinksServer;
}

type Expected =
	| { status: 'Cancelled'; alreadyEnded?: false; attempts?: number | 'any' }
	| {
			status: 'Completed' | 'Expired' | 'Failed' | 'Cancelled';
			alreadyEnded: true;
			attempts?: number;
	  }
	| { error: RegExp };

interface FaultCase {
	fault: string;
	server?: FakeFlinksServerOptions;
	options?: IDataObject;
	onError?: 'continueRegularOutput' | 'continueErrorOutput';
	arrange?: (batch: Batch) => void;
	/** Outcome per input index that differs from "Cancelled by us on the first attempt". */
	outcomes?: Record<number, Expected>;
	/** The error is about the token request, so it names no session (the item still pairs). */
	errorIsAboutToken?: boolean;
	/** The fault hits whichever items are in flight: any item may need retries. */
	anyItemRetries?: boolean;
	authorize: number;
	/** Cancel calls Flinks did not answer 401: one per item plus the retries the faults imply. */
	cancels: number;
	details?: number;
	/**
	 * Cancel calls Flinks answered 401, each resent after the one token refresh. Items run
	 * concurrently, so after a revocation every call already in flight is rejected: a range.
	 */
	rejected?: number | [number, number];
	check?: (batch: Batch, run: RunResult) => void;
}

/** A 401 that refused the token, not Flinks' rate limit in a 401 (TOO_MANY_REQUESTS). */
const isTokenRefusal = (request: RecordedRequest) =>
	request.status === 401 && request.fault !== 'tooManyRequests401';

/** A session someone else cancelled before the batch ran. */
const endedBefore: Expected = { status: 'Cancelled', alreadyEnded: true };

const cancelled = (attempts: number | 'any'): Expected => ({ status: 'Cancelled', attempts });
const failed = (error: RegExp): Expected => ({ error });
const everyItem = (expected: Expected): Record<number, Expected> =>
	Object.fromEntries(Array.from({ length: BATCH }, (_, index) => [index, expected]));

/** Milliseconds between the first and the last cancel call of one session. */
function retrySpan(batch: Batch, index: number): number {
	const calls = requestsFor(batch.bed.server, batch.ids[index]);
	return calls[calls.length - 1].at - calls[0].at;
}

const cases: FaultCase[] = [
	{ fault: 'none (baseline)', authorize: 1, cancels: BATCH },
	{
		fault: '401 mid-batch (token revoked at the 20th cancel)',
		arrange: ({ bed }) => atNthRequest(bed.server, CANCELS, 20, () => bed.server.revokeTokens()),
		authorize: 2,
		// The calls in flight (up to the 32-wide window) plus the one resend that triggers n8n's refresh.
		rejected: [2, 33],
		cancels: BATCH,
	},
	{
		fault: '401 mid-batch, one at a time (Concurrency 1)',
		options: { concurrency: 1 },
		arrange: ({ bed }) => atNthRequest(bed.server, CANCELS, 20, () => bed.server.revokeTokens()),
		authorize: 2,
		// The rejected call only: its resend carries the token exchange and succeeds.
		rejected: 1,
		cancels: BATCH,
	},
	{
		fault: 'token expires mid-batch (1 s lifetime, 25th answer slow, Concurrency 1)',
		options: { concurrency: 1 },
		arrange: ({ bed, ids }) => {
			bed.server.setTokenLifetime(1);
			bed.server.setLatency(5);
			bed.server.injectFault({ kind: 'delay', ms: 1200, path: cancelOf(ids[25]) });
		},
		authorize: 2,
		rejected: 1,
		cancels: BATCH,
		check: ({ bed }) => {
			const [first, renewed] = bed.server.requests.filter((r) => r.path === AUTHORIZE.path);
			expect(renewed.at - first.at).toBeGreaterThanOrEqual(1000);
		},
	},
	{
		fault: '302 from the token exchange to another host',
		arrange: ({ bed, elsewhere }) =>
			bed.server.injectFault({
				...AUTHORIZE,
				kind: 'redirect',
				status: 302,
				location: `${elsewhere.baseUrl}/api/v1/authorize`,
				times: Infinity,
			}),
		outcomes: everyItem(
			failed(
				/^Flinks answered the token request with HTTP 302, a redirect to http:\/\/127\.0\.0\.1:\d+\. Credentials are never sent after a redirect/,
			),
		),
		errorIsAboutToken: true,
		// A redirect is not transient: one token request for the batch, no cancel sent.
		authorize: 1,
		cancels: 0,
	},
	{
		fault: '307 from one cancel to another host',
		arrange: ({ bed, ids, elsewhere }) => {
			elsewhere.addSession({ sessionId: ids[10] });
			bed.server.injectFault({
				kind: 'redirect',
				status: 307,
				location: `${elsewhere.baseUrl}/api/v2/sessions/${ids[10]}/cancel`,
				path: cancelOf(ids[10]),
			});
		},
		outcomes: {
			10: failed(
				/^Cancelling session \S+: Flinks answered HTTP 307, a redirect to http:\/\/127\.0\.0\.1:\d+ \[item 10\]$/,
			),
		},
		authorize: 1,
		cancels: BATCH,
		check: ({ bed, ids, elsewhere }) => {
			expect(elsewhere.session(ids[10])?.status).toBe('Initiated');
			expect(bed.server.session(ids[10])?.status).toBe('Initiated');
		},
	},
	{
		fault: 'token request never answers (Timeout 300 ms, Max Retries 1)',
		options: { timeout: 300, maxRetries: 1 },
		arrange: ({ bed }) => bed.server.injectFault({ ...AUTHORIZE, kind: 'hang', times: Infinity }),
		outcomes: {
			...everyItem(
				failed(
					/^Could not get an access token from Flinks within 300 ms: another request's token exchange is still open/,
				),
			),
			0: failed(
				/^Could not get an access token from Flinks: no answer within 300 ms \(after 2 attempts\)/,
			),
		},
		errorIsAboutToken: true,
		// One request holds the exchange, retried once; the other items wait on it until their own Timeout.
		authorize: 2,
		cancels: 0,
	},
	{
		fault: '503 on the token refresh after a revocation (20th cancel)',
		arrange: ({ bed }) =>
			atNthRequest(bed.server, CANCELS, 20, () => {
				bed.server.revokeTokens();
				bed.server.injectFault({ ...AUTHORIZE, kind: 'status', status: 503, retryAfter: '0' });
			}),
		// The refresh that failed sent no cancel: no item counts it as an attempt.
		anyItemRetries: true,
		// First token, the refresh that failed, the refresh retried.
		authorize: 3,
		rejected: [2, 33],
		cancels: BATCH,
	},
	{
		fault: '429 x2 with Retry-After: 1 (seconds)',
		arrange: ({ bed, ids }) =>
			bed.server.injectFault({
				kind: 'status',
				status: 429,
				retryAfter: '1',
				times: 2,
				path: cancelOf(ids[10]),
			}),
		outcomes: { 10: cancelled(3) },
		authorize: 1,
		cancels: BATCH + 2,
		check: (batch) => expect(retrySpan(batch, 10)).toBeGreaterThanOrEqual(1950),
	},
	{
		fault: '429 with Retry-After as HTTP-date (+3 s)',
		arrange: ({ bed, ids }) =>
			bed.server.injectFault({
				kind: 'status',
				status: 429,
				retryAfter: new Date(Date.now() + 3000).toUTCString(),
				path: cancelOf(ids[10]),
			}),
		outcomes: { 10: cancelled(2) },
		authorize: 1,
		cancels: BATCH + 1,
		// Full jitter alone waits under 500 ms before the first retry.
		check: (batch) => expect(retrySpan(batch, 10)).toBeGreaterThanOrEqual(1000),
	},
	{
		fault: '429 x3 without Retry-After',
		arrange: ({ bed, ids }) =>
			bed.server.injectFault({ kind: 'status', status: 429, times: 3, path: cancelOf(ids[10]) }),
		outcomes: { 10: cancelled(4) },
		authorize: 1,
		cancels: BATCH + 3,
	},
	{
		// Three answers at most, so that no item can get more than Max Retries (3) of them.
		fault: '429 burst across the batch (3 answers, Retry-After: 1)',
		arrange: ({ bed }) =>
			bed.server.injectFault({
				kind: 'status',
				status: 429,
				retryAfter: '1',
				times: 3,
				...CANCELS,
			}),
		anyItemRetries: true,
		authorize: 1,
		cancels: BATCH + 3,
	},
	{
		fault: '503 burst across the batch (3 answers)',
		arrange: ({ bed }) =>
			bed.server.injectFault({ kind: 'status', status: 503, times: 3, ...CANCELS }),
		anyItemRetries: true,
		authorize: 1,
		cancels: BATCH + 3,
	},
	{
		fault: '429 with Retry-After beyond the 60 s total wait cap',
		arrange: ({ bed, ids }) =>
			bed.server.injectFault({
				kind: 'status',
				status: 429,
				retryAfter: '3600',
				path: cancelOf(ids[10]),
			}),
		outcomes: {
			10: failed(
				/^Cancelling session \S+: Flinks answered HTTP 429 \(Too Many Requests: .+\) \[item \d+\]$/,
			),
		},
		authorize: 1,
		cancels: BATCH,
	},
	...([403, 422] as const).map(
		(status): FaultCase => ({
			fault: `${status} (never retried)`,
			arrange: ({ bed, ids }) =>
				bed.server.injectFault({
					kind: 'status',
					status,
					times: Infinity,
					path: cancelOf(ids[10]),
				}),
			outcomes: {
				10: failed(
					new RegExp(
						`^Cancelling session \\S+: Flinks answered HTTP ${status} \\(.+\\) \\[item \\d+\\]$`,
					),
				),
			},
			authorize: 1,
			cancels: BATCH,
		}),
	),
	{
		fault: '401 that persists after the one refresh',
		options: { concurrency: 1 },
		arrange: ({ bed, ids }) =>
			bed.server.injectFault({
				kind: 'status',
				status: 401,
				times: Infinity,
				path: cancelOf(ids[10]),
			}),
		outcomes: { 10: failed(/^Cancelling session \S+: Flinks answered HTTP 401/) },
		authorize: 2,
		// Rejected as sent, and as resent with the fresh token; the item then fails, the others go on.
		rejected: 2,
		cancels: BATCH - 1,
	},
	...(
		[
			['503 from the token exchange, once', { kind: 'status', status: 503 }],
			['connection reset on the token exchange, once', { kind: 'reset' }],
		] as const
	).map(
		([fault, kind]): FaultCase => ({
			fault,
			arrange: ({ bed }) => bed.server.injectFault({ ...kind, path: AUTHORIZE.path }),
			// The first item's failed token request sent no cancel, so its cancel is its first attempt.
			authorize: 2,
			cancels: BATCH,
		}),
	),
	...(
		[
			[500, 'json'],
			[502, 'html'],
			[503, 'empty'],
			[504, 'html'],
		] as const
	).map(
		([status, body]): FaultCase => ({
			fault: `${status} x2 (${body} body), recovers`,
			arrange: ({ bed, ids }) =>
				bed.server.injectFault({ kind: 'status', status, body, times: 2, path: cancelOf(ids[30]) }),
			outcomes: { 30: cancelled(3) },
			authorize: 1,
			cancels: BATCH + 2,
		}),
	),
	{
		fault: '503 that never recovers (Max Retries 1)',
		options: { maxRetries: 1 },
		arrange: ({ bed, ids }) => {
			for (const index of [5, 40]) {
				bed.server.injectFault({
					kind: 'status',
					status: 503,
					times: Infinity,
					path: cancelOf(ids[index]),
				});
			}
		},
		outcomes: {
			5: failed(
				/^Cancelling session \S+: Flinks answered HTTP 503 \(Service Unavailable: Injected 503 response\.\) \[item \d+\]$/,
			),
			40: failed(/: Flinks answered HTTP 503/),
		},
		authorize: 1,
		cancels: BATCH + 2,
	},
	{
		fault: 'connection reset x2, recovers',
		arrange: ({ bed, ids }) =>
			bed.server.injectFault({ kind: 'reset', times: 2, path: cancelOf(ids[30]) }),
		outcomes: { 30: cancelled(3) },
		authorize: 1,
		cancels: BATCH + 2,
	},
	{
		fault: 'connection reset that never recovers (Max Retries 1)',
		options: { maxRetries: 1 },
		arrange: ({ bed, ids }) =>
			bed.server.injectFault({ kind: 'reset', times: Infinity, path: cancelOf(ids[30]) }),
		outcomes: {
			30: failed(/^Could not reach Flinks for session \S+: .+ \(after 2 attempts\) \[item \d+\]$/),
		},
		authorize: 1,
		cancels: BATCH + 1,
	},
	{
		// A timeout well above a healthy answer's worst stall on a busy machine: only item 20 meets it.
		fault: 'slow answer past the 1 s timeout, recovers',
		options: { timeout: 1000 },
		arrange: ({ bed, ids }) =>
			bed.server.injectFault({ kind: 'delay', ms: 3000, path: cancelOf(ids[20]) }),
		outcomes: { 20: cancelled(2) },
		authorize: 1,
		cancels: BATCH + 1,
	},
	{
		fault: 'no answer at all, 1 s timeout (Max Retries 1)',
		options: { timeout: 1000, maxRetries: 1 },
		arrange: ({ bed, ids }) =>
			bed.server.injectFault({ kind: 'hang', times: Infinity, path: cancelOf(ids[20]) }),
		outcomes: {
			20: failed(/^Could not reach Flinks for session \S+: .+ \(after 2 attempts\) \[item \d+\]$/),
		},
		authorize: 1,
		cancels: BATCH + 1,
	},
	{
		fault: 'malformed JSON (200)',
		onError: 'continueRegularOutput',
		arrange: ({ bed, ids }) =>
			bed.server.injectFault({ kind: 'malformedJson', path: cancelOf(ids[7]) }),
		outcomes: {
			7: failed(
				/^Cancelling session \S+: Flinks answered HTTP 200 with a body that is not valid JSON \[item \d+\]$/,
			),
		},
		authorize: 1,
		cancels: BATCH,
	},
	{
		fault: 'HTML page (200)',
		onError: 'continueRegularOutput',
		arrange: ({ bed, ids }) => bed.server.injectFault({ kind: 'html', path: cancelOf(ids[8]) }),
		outcomes: {
			8: failed(
				/^Cancelling session \S+: Flinks answered HTTP 200 with an HTML page instead of JSON \[item \d+\]$/,
			),
		},
		authorize: 1,
		cancels: BATCH,
	},
	{
		fault: 'empty 200 body',
		arrange: ({ bed, ids }) =>
			bed.server.injectFault({ kind: 'emptyBody', path: cancelOf(ids[9]) }),
		outcomes: {
			9: failed(/^Cancelling session \S+: Flinks answered HTTP 200 with empty body \[item \d+\]$/),
		},
		authorize: 1,
		cancels: BATCH,
	},
	{
		fault: 'JSON without status (200)',
		arrange: ({ bed, ids }) =>
			bed.server.injectFault({ kind: 'jsonWithoutStatus', path: cancelOf(ids[11]) }),
		outcomes: {
			11: failed(
				/^Cancelling session \S+: Flinks answered HTTP 200 with a JSON body without a session status \[item \d+\]$/,
			),
		},
		authorize: 1,
		cancels: BATCH,
	},
	{
		fault: '404 unknown session',
		arrange: ({ ids }) => {
			ids[12] = randomUUID();
		},
		outcomes: {
			12: failed(
				/^Cancelling session (\S+): Flinks answered HTTP 404 \(Session not found: Session \1 was not found\.\) \[item \d+\]$/,
			),
		},
		authorize: 1,
		cancels: BATCH,
	},
	{
		fault: '400 ProblemDetails, session already ended',
		arrange: ({ sessions }) => {
			sessions[3].status = 'Completed';
			sessions[17].status = 'Expired';
			sessions[33].status = 'Failed';
			sessions[48].status = 'Cancelled';
		},
		outcomes: {
			3: { status: 'Completed', alreadyEnded: true },
			17: { status: 'Expired', alreadyEnded: true },
			33: { status: 'Failed', alreadyEnded: true },
			48: { status: 'Cancelled', alreadyEnded: true },
		},
		authorize: 1,
		cancels: BATCH,
		details: 4,
	},
	{
		fault: '`Canceled` spelling (and 409 for ended sessions)',
		server: { cancelledSpelling: 'Canceled', terminalCancelStatus: 409 },
		arrange: ({ sessions }) => {
			sessions[6].status = 'Canceled';
		},
		outcomes: { 6: { status: 'Cancelled', alreadyEnded: true } },
		authorize: 1,
		cancels: BATCH,
		details: 1,
		check: ({ bed, ids }) => expect(bed.server.session(ids[0])?.status).toBe('Canceled'),
	},
	{
		fault: 'cancel applied, 503 lost the answer; retry gets 400',
		arrange: ({ bed, ids }) =>
			bed.server.injectFault({ kind: 'applyThenFail', status: 503, path: cancelOf(ids[15]) }),
		outcomes: { 15: cancelled(2) },
		authorize: 1,
		cancels: BATCH + 1,
		details: 1,
	},
	{
		fault: 'cancel applied, gateway 504 (HTML) lost the answer; retry gets 409',
		server: { terminalCancelStatus: 409 },
		arrange: ({ bed, ids }) =>
			bed.server.injectFault({
				kind: 'applyThenFail',
				status: 504,
				body: 'html',
				path: cancelOf(ids[16]),
			}),
		outcomes: { 16: cancelled(2) },
		authorize: 1,
		cancels: BATCH + 1,
		details: 1,
	},
	{
		fault: 'TOO_MANY_REQUESTS as HTTP 401 x2 on one cancel (a rate limit)',
		arrange: ({ bed, ids }) =>
			bed.server.injectFault({ kind: 'tooManyRequests401', times: 2, path: cancelOf(ids[12]) }),
		outcomes: { 12: cancelled(3) },
		// Backed off and resent as after a 429: no token exchanged.
		authorize: 1,
		cancels: BATCH + 2,
	},
	{
		fault: 'TOO_MANY_REQUESTS as HTTP 401 from the token exchange, once',
		arrange: ({ bed }) => bed.server.injectFault({ ...AUTHORIZE, kind: 'tooManyRequests401' }),
		authorize: 2,
		cancels: BATCH,
	},
	{
		fault: 'cancel answer trickles, 1 byte/150 ms (Timeout 500 ms, Max Retries 1)',
		options: { timeout: 500, maxRetries: 1 },
		arrange: ({ bed, ids }) =>
			bed.server.injectFault({
				kind: 'trickle',
				everyMs: 150,
				times: Infinity,
				path: cancelOf(ids[14]),
			}),
		outcomes: {
			14: failed(
				/^Could not reach Flinks for session \S+: no answer within 500 ms \(after 2 attempts\)/,
			),
		},
		authorize: 1,
		cancels: BATCH + 1,
	},
	{
		fault: 'token answer trickles, 1 byte/150 ms (Timeout 500 ms, Max Retries 1)',
		options: { timeout: 500, maxRetries: 1 },
		arrange: ({ bed }) =>
			bed.server.injectFault({ ...AUTHORIZE, kind: 'trickle', everyMs: 150, times: Infinity }),
		outcomes: {
			...everyItem(
				failed(/^Could not get an access token from Flinks within 500 ms: another request's/),
			),
			0: failed(
				/^Could not get an access token from Flinks: no answer within 500 ms \(after 2 attempts\)/,
			),
		},
		errorIsAboutToken: true,
		authorize: 2,
		cancels: 0,
	},
	{
		fault: '429, then 400 for a session someone else had cancelled',
		arrange: ({ bed, ids, sessions }) => {
			sessions[18].status = 'Cancelled';
			bed.server.injectFault({
				kind: 'status',
				status: 429,
				retryAfter: '0',
				path: cancelOf(ids[18]),
			});
		},
		// A 429 comes before Flinks acts: not our cancellation, and two requests sent.
		outcomes: { 18: { ...endedBefore, attempts: 2 } },
		authorize: 1,
		cancels: BATCH + 1,
		details: 1,
	},
	{
		fault: '503 from the token exchange, then 400 for a session someone else had cancelled',
		arrange: ({ bed, sessions }) => {
			sessions[0].status = 'Cancelled';
			bed.server.injectFault({ ...AUTHORIZE, kind: 'status', status: 503 });
		},
		outcomes: { 0: endedBefore },
		authorize: 2,
		cancels: BATCH,
		details: 1,
	},
	{
		fault: "Base URL edited: n8n kept the old host's token in the credential",
		arrange: ({ bed }) =>
			bed.engine.setStoredCredentials({
				...bed.credentials,
				accessToken: 'token-issued-by-the-old-host',
				accessTokenFor: `https://old-host.example ${bed.server.clientId}`,
			}),
		// The kept token is never sent: one exchange first, no 401.
		authorize: 1,
		cancels: BATCH,
	},
];

const table: MatrixRow[] = [];
let bed: FlinksTestBed | undefined;
let elsewhere: FakeFlinksServer | undefined;

afterEach(async () => {
	await bed?.server.stop();
	await elsewhere?.stop();
	bed = undefined;
	elsewhere = undefined;
});
afterAll(async () => {
	await shutdownN8nEngine();
	if (table.length > 0)
		process.stdout.write(`\nFault matrix (batches of ${BATCH} items)\n${formatTable(table)}\n\n`);
});

describe(`fault matrix: a batch of ${BATCH} cancellations`, () => {
	it.each(cases.map((c) => [c.fault, c] as const))(
		'%s: one output item per input item, right outcome, pairing kept, no extra cancels',
		async (_fault, spec) => {
			bed = await startTestBed(spec.server);
			elsewhere = await FakeFlinksServer.start();
			const sessions = bed.server.addSessions(BATCH);
			const batch: Batch = { bed, sessions, ids: sessions.map((s) => s.sessionId), elsewhere };
			spec.arrange?.(batch);

			const started = Date.now();
			const run = await bed.engine.run({
				items: batch.ids.map((sessionId) => ({ sessionId })),
				parameters: cancelParameters(spec.options),
				onError: spec.onError ?? 'continueErrorOutput',
			});
			const seconds = (Date.now() - started) / 1000;

			const outcomes = outcomesByInput(run, BATCH);
			const cancelCalls = bed.server.count(CANCELS);
			table.push({
				fault: spec.fault,
				items: BATCH,
				lost: outcomes.filter((o) => o.outputs !== 1).length,
				// Cancel calls beyond the first of each item that sent one (none do when the token fails).
				retries:
					cancelCalls -
					batch.ids.filter((id) => requestsFor(bed!.server, id).some((r) => r.method === 'POST'))
						.length,
				authorize: bed.server.count(AUTHORIZE),
				failedItems: outcomes.filter((o) => o.json && 'error' in o.json).length,
				sentElsewhere: elsewhere.requests.length,
				seconds,
			});

			expect(run.error).toBeUndefined();
			expect(run.items.length + run.errorItems.length).toBe(BATCH);
			expect(outcomes.map((o) => o.outputs)).toEqual(batch.ids.map(() => 1));

			outcomes.forEach(({ json }, index) => {
				const expected: Expected =
					spec.outcomes?.[index] ?? cancelled(spec.anyItemRetries ? 'any' : 1);
				const sessionId = batch.ids[index];
				if ('error' in expected) {
					expect({ index, error: json?.error }).toEqual({
						index,
						error: expect.stringMatching(expected.error),
					});
					if (!spec.errorIsAboutToken) expect(String(json?.error)).toContain(sessionId);
					return;
				}
				expect({ index, json }).toEqual({
					index,
					json: {
						sessionId,
						referenceId: batch.sessions[index].referenceId ?? null,
						status: expected.status,
						statusDetails: null,
						alreadyEnded: expected.alreadyEnded ?? false,
						cancelledAt: expected.alreadyEnded ? null : expect.stringMatching(ISO_TIME),
						attempts: !('attempts' in expected)
							? 1
							: expected.attempts === 'any'
								? expect.any(Number)
								: expected.attempts,
					},
				});
				// No duplicate cancels: every call for this session is an attempt, or a resend after a 401.
				const calls = requestsFor(bed!.server, sessionId).filter((r) => r.method === 'POST');
				const rejected = calls.filter(isTokenRefusal).length;
				// `attempts` counts the cancel requests sent; a 401 and its resend count once.
				expect({ index, calls: calls.length - rejected }).toEqual({ index, calls: json?.attempts });
				if (!expected.alreadyEnded) {
					expect(bed!.server.session(sessionId)?.status).toMatch(/^Cancell?ed$/);
				}
			});

			const rejected = bed.server.requests.filter(isTokenRefusal).length;
			const [fewestRejected, mostRejected] = [spec.rejected ?? 0].flat();
			expect({
				authorize: bed.server.count(AUTHORIZE),
				cancels: cancelCalls - rejected,
				details: bed.server.count(DETAILS),
				rejected:
					rejected >= fewestRejected && rejected <= (mostRejected ?? fewestRejected)
						? (spec.rejected ?? 0)
						: rejected,
			}).toEqual({
				authorize: spec.authorize,
				cancels: spec.cancels,
				details: spec.details ?? 0,
				rejected: spec.rejected ?? 0,
			});
			// Nothing, least of all a credential, ever reaches another origin.
			expect(elsewhere.requests).toHaveLength(0);
			spec.check?.(batch, run);
		},
	);
});

/** A row for webhook deliveries where every event should start the workflow once. */
function deliveriesRow(
	fault: string,
	{ items, started, trigger }: { items: number; started: number; trigger: FlinksTriggerBed },
	executions: number,
): MatrixRow {
	return scenarioRow(fault, {
		items,
		// Events that should have started the workflow and did not.
		lost: 1 - executions,
		retries: 0,
		authorize: trigger.server.count(AUTHORIZE),
		failedItems: 0,
		seconds: (Date.now() - started) / 1000,
	});
}

/** A trigger bed for one scenario, closed after it whatever happens. */
async function withTriggerBed(use: (trigger: FlinksTriggerBed) => Promise<void>): Promise<void> {
	const trigger = await startTriggerBed();
	try {
		await use(trigger);
	} finally {
		await trigger.engine.close();
		await trigger.server.stop();
	}
}

/** A row for a scenario that is not one batch of cancels: `items` are its creates or deliveries. */
function scenarioRow(fault: string, row: Omit<MatrixRow, 'fault' | 'sentElsewhere'>): MatrixRow {
	const complete = { fault, ...row, sentElsewhere: 0 };
	table.push(complete);
	return complete;
}

describe('fault matrix: creates, stops, amounts and trigger deliveries', () => {
	it.each([
		[6, 1],
		[3, 6],
	])(
		'%i Create executions of %i items started together each create every session',
		async (runs, perRun) => {
			bed = await startTestBed();
			const started = Date.now();
			const results = await Promise.all(
				Array.from({ length: runs }, (_, run) =>
					bed!.engine.run({
						items: Array.from({ length: perRun }, (_, n) => customer(run * perRun + n)),
						parameters: createParameters(),
						onError: 'continueRegularOutput',
					}),
				),
			);
			const items = results.flatMap((run) => run.items);
			const row = scenarioRow(`${runs} overlapping Create executions of ${perRun} item(s)`, {
				items: runs * perRun,
				lost: runs * perRun - items.length,
				retries: bed.server.count(CREATES) - runs * perRun,
				authorize: bed.server.count(AUTHORIZE),
				failedItems: items.filter((item) => 'error' in item.json).length,
				seconds: (Date.now() - started) / 1000,
			});
			// One token per created session, none refused.
			expect(row).toMatchObject({ lost: 0, retries: 0, authorize: runs * perRun, failedItems: 0 });
		},
	);

	it('Stop while the second of three creates is on the wire names what exists', async () => {
		bed = await startTestBed();
		const started = Date.now();
		bed.server.injectFault({ ...CREATES, kind: 'delay', ms: 200 });
		bed.server.injectFault({ ...CREATES, kind: 'delay', ms: 5000 });
		const run = await bed.engine.run({
			items: [customer(1), customer(2), customer(3)],
			parameters: createParameters({ options: { concurrency: 1 } }),
			onStarted: (execution) => atNthRequest(bed!.server, CREATES, 2, () => execution.cancel()),
		});
		const described = `${run.error?.description ?? ''}`;
		const created = bed.server.allSessions();
		const row = scenarioRow('Stop while the 2nd of 3 creates is on the wire (Concurrency 1)', {
			items: 3,
			// Sessions Flinks holds that the error neither names nor calls possibly created.
			lost: created.filter(
				(session) =>
					!described.includes(session.sessionId) &&
					!described.includes(`Reference ID ${String(session.referenceId)}`),
			).length,
			retries: 0,
			authorize: bed.server.count(AUTHORIZE),
			failedItems: 1,
			seconds: (Date.now() - started) / 1000,
		});
		expect(row.lost).toBe(0);
		expect(run.error?.message).toMatch(/the session may have been created \[item 1\]$/);
	}, 30_000);

	it('an amount below one cent is refused before anything is sent', async () => {
		bed = await startTestBed();
		const run = await bed.engine.run({
			items: [{ ...customer(1), amount: 1e-9 }, customer(2)],
			parameters: createParameters(),
			onError: 'continueRegularOutput',
		});
		const row = scenarioRow('Amount 1e-9 (below one cent) beside a valid create', {
			items: 2,
			lost: 2 - run.items.length,
			retries: 0,
			authorize: bed.server.count(AUTHORIZE),
			failedItems: run.items.filter((item) => 'error' in item.json).length,
			seconds: 0,
		});
		expect(row).toMatchObject({ lost: 0, authorize: 1, failedItems: 1 });
		// Only the valid item reached Flinks: the other was never sent as amount 0.
		expect(bed.server.count(CREATES)).toBe(1);
		expect(bed.server.allSessions().map((session) => session.amount)).toEqual([102.25]);
	});

	it.each([
		['Event dated without a zone, n8n server in TZ=America/Toronto', 'America/Toronto', 'iso'],
		['Event dated "Sun, 06 Dec 2026 14:13:34" (no zone), TZ=Asia/Tokyo', 'Asia/Tokyo', 'rfc1123'],
	] as const)(
		'%s: the event time is read as UTC',
		async (fault, timeZone, format) => {
			const started = Date.now();
			const { answer, executions } = await deliverZonelessEventIn(timeZone, format);
			const row = scenarioRow(fault, {
				items: 1,
				lost: 1 - executions,
				retries: 0,
				authorize: 0,
				failedItems: answer.status === 200 ? 0 : 1,
				seconds: (Date.now() - started) / 1000,
			});
			expect(row).toMatchObject({ lost: 0, failedItems: 0 });
		},
		60_000,
	);

	it('Confirm With Flinks answered 404, then the redelivery after a fix starts the workflow', async () => {
		await withTriggerBed(async (trigger) => {
			const active = await trigger.activate({ confirmWithFlinks: true });
			const sessionId = randomUUID();
			const event = { sessionId, status: 'Completed', when: new Date().toISOString() };
			const started = Date.now();
			await trigger.webhooks.deliver(active.url, event);
			trigger.server.addSession({ sessionId, status: 'Completed' });
			await trigger.webhooks.deliver(active.url, event);
			const row = deliveriesRow(
				'Confirm With Flinks 404, then the same event again once Flinks knows it',
				{ items: 2, started, trigger },
				active.executions.length,
			);
			expect(row.lost).toBe(0);
		});
	});
});

describe('fault matrix: issue 26 (edited credentials, redirects, echoed secrets, event copies and times)', () => {
	it('a create answered 303 after Flinks created the session says it may have been created', async () => {
		bed = await startTestBed();
		bed.server.injectFault(CREATE_REDIRECTED_AFTER_CREATING);
		const started = Date.now();
		const run = await bed.engine.run({
			items: [customer(1)],
			parameters: createParameters(),
			onError: 'continueRegularOutput',
		});
		const said = `${String(run.items[0].json.error)}`;
		const row = scenarioRow('303 to a create after Flinks created the session', {
			items: 1,
			// Sessions Flinks holds that the error neither names nor calls possibly created.
			lost: said.includes('the session may have been created') ? 0 : bed.server.count(CREATES),
			retries: bed.server.count(CREATES) - 1,
			authorize: bed.server.count(AUTHORIZE),
			failedItems: run.items.filter((item) => 'error' in item.json).length,
			seconds: (Date.now() - started) / 1000,
		});
		expect(row).toMatchObject({ lost: 0, retries: 0, failedItems: 1 });
	});

	it('a credential edited while a create exchanges its token: no create at the old host after it', async () => {
		bed = await startTestBed();
		elsewhere = await FakeFlinksServer.start({ clientId: bed.server.clientId });
		const edited = {
			...bed.engine.storedCredentials(),
			baseUrl: elsewhere.baseUrl,
			clientSecret: elsewhere.clientSecret,
		};
		atNthRequest(bed.server, AUTHORIZE, 2, () => bed!.engine.setStoredCredentials(edited));
		const started = Date.now();
		const run = await bed.engine.run({
			items: [1, 2, 3, 4, 5].map(customer),
			parameters: createParameters(),
			onError: 'continueRegularOutput',
		});
		const row = scenarioRow("Credential edited during the 2nd of 5 creates' token request", {
			items: 5,
			// Creates sent to the old host after the edit, plus an edit n8n saved back over.
			lost:
				bed.server.count(CREATES) -
				1 +
				(bed.engine.storedCredentials().baseUrl === elsewhere.baseUrl ? 0 : 1),
			retries: 0,
			authorize: bed.server.count(AUTHORIZE),
			failedItems: run.items.filter((item) => 'error' in item.json).length,
			seconds: (Date.now() - started) / 1000,
		});
		expect(row).toMatchObject({ lost: 0, failedItems: 4 });
	});

	it('a gateway that reflects the Authorization header: the errors show no secret', async () => {
		bed = await startTestBed();
		const [session] = bed.server.addSessions(1);
		const started = Date.now();
		const runs: RunResult[] = [];
		for (const filter of [CANCELS, CREATES, AUTHORIZE]) {
			bed.server.revokeTokens();
			bed.server.injectFault({ ...filter, kind: 'reflectAuthorization', status: 400 });
			const create = filter === CREATES;
			runs.push(
				await bed.engine.run({
					items: [create ? customer(1) : { sessionId: session.sessionId }],
					parameters: create ? createParameters() : cancelParameters({ ifAlreadyEnded: 'error' }),
					onError: 'continueRegularOutput',
				}),
			);
		}
		const visible = everythingVisible(bed, runs);
		const basic = Buffer.from(`${bed.server.clientId}:${bed.server.clientSecret}`).toString(
			'base64',
		);
		const shown = [bed.server.clientSecret, basic, ...bed.server.issuedTokens()].filter((secret) =>
			visible.includes(secret),
		);
		const row = scenarioRow('Gateway reflects the Authorization header (cancel, create, token)', {
			items: 3,
			// Secrets that reached an item, an error or a log line.
			lost: shown.length,
			retries: 0,
			authorize: bed.server.count(AUTHORIZE),
			failedItems: runs.filter((run) => 'error' in (run.items[0]?.json ?? {})).length,
			seconds: (Date.now() - started) / 1000,
		});
		expect(row).toMatchObject({ lost: 0, failedItems: 3 });
	});

	it('Confirm With Flinks after the Base URL was edited sends the kept token nowhere', async () => {
		await withTriggerBed(async (trigger) => {
			elsewhere = await FakeFlinksServer.start({
				clientId: trigger.server.clientId,
				clientSecret: trigger.server.clientSecret,
			});
			const hostB = elsewhere;
			const active = await trigger.activate({ confirmWithFlinks: true });
			const onA = trigger.server.addSession();
			await trigger.webhooks.deliver(
				active.url,
				trigger.webhooks.finish(onA.sessionId, 'Completed'),
			);
			trigger.setPayCredentials({ ...trigger.storedPayCredentials(), baseUrl: hostB.baseUrl });
			const onB = hostB.addSession();
			const started = Date.now();
			await trigger.webhooks.deliver(
				active.url,
				trigger.webhooks.finish(onB.sessionId, 'Completed'),
			);
			const row = scenarioRow(
				"Confirm With Flinks after the Base URL was edited (old host's token kept)",
				{
					items: 1,
					lost: 2 - active.executions.length,
					// Requests host B refused: the old host's token reaching it.
					retries: hostB.requests.filter((r) => r.status === 401).length,
					authorize: hostB.count(AUTHORIZE),
					failedItems: 0,
					seconds: (Date.now() - started) / 1000,
				},
			);
			expect(row).toMatchObject({ lost: 0, retries: 0, authorize: 1 });
		});
	});

	it('two copies of one delivery, the first answered 404: the second is confirmed on its own', async () => {
		await withTriggerBed(async (trigger) => {
			const active = await trigger.activate({ confirmWithFlinks: true });
			const session = trigger.server.addSession({ status: 'Completed' });
			trigger.server.injectFault({ ...AUTHORIZE, kind: 'delay', ms: 300 });
			trigger.server.injectFault({ ...DETAILS, kind: 'reply', status: 404, body: { status: 404 } });
			const event = trigger.webhooks.finish(session.sessionId, 'Completed');
			const started = Date.now();
			await Promise.all([
				trigger.webhooks.deliver(active.url, event),
				trigger.webhooks.deliver(active.url, event),
			]);
			const row = deliveriesRow(
				'Two copies of one delivery together, the first answered 404',
				{ items: 2, started, trigger },
				active.executions.length,
			);
			expect(row.lost).toBe(0);
		});
	});
});

describe('secrets under faults', () => {
	it('never appear in items, error messages, descriptions or n8n debug logs', async () => {
		bed = await startTestBed();
		const { server } = bed;
		const sessions = server.addSessions(12);
		const ids = sessions.map((s) => s.sessionId);
		ids[11] = randomUUID();
		server.injectFault({
			kind: 'status',
			status: 503,
			body: 'html',
			times: Infinity,
			path: cancelOf(ids[1]),
		});
		server.injectFault({ kind: 'reset', times: Infinity, path: cancelOf(ids[2]) });
		server.injectFault({ kind: 'malformedJson', path: cancelOf(ids[3]) });
		server.injectFault({ kind: 'hang', times: Infinity, path: cancelOf(ids[4]) });
		server.injectFault({ kind: 'status', status: 429, retryAfter: '0', path: cancelOf(ids[5]) });
		server.injectFault({ kind: 'applyThenFail', status: 502, path: cancelOf(ids[6]) });
		atNthRequest(server, CANCELS, 9, () => server.revokeTokens());
		const items = [...ids.map((sessionId) => ({ sessionId })), { sessionId: '../x' }];
		const options = { maxRetries: 1, timeout: 200 };

		const runs: RunResult[] = [];
		for (const onError of [
			'continueErrorOutput',
			'continueRegularOutput',
			'stopWorkflow',
		] as const) {
			runs.push(await bed.engine.run({ items, parameters: cancelParameters(options), onError }));
		}
		// A wrong secret: the token exchange fails (401), then Flinks' authorize endpoint fails (503).
		const wrongClientSecret = `wrong-${randomUUID()}`;
		bed.engine.setStoredCredentials({
			...bed.credentials,
			clientSecret: wrongClientSecret,
			accessToken: '',
		});
		runs.push(await bed.engine.run({ items, parameters: cancelParameters(options) }));
		// The good secret again, its token revoked, and Flinks' authorize endpoint failing (503).
		bed.engine.setStoredCredentials({ ...bed.credentials });
		server.revokeTokens();
		server.injectFault({ kind: 'status', status: 503, times: Infinity, path: AUTHORIZE.path });
		runs.push(
			await bed.engine.run({ items: items.slice(0, 1), parameters: cancelParameters(options) }),
		);

		expect(runs[0].items.length + runs[0].errorItems.length).toBe(items.length);
		expect(runs[3].error?.message).toContain('Flinks rejected the client ID or secret (401)');
		expect(runs[4].error?.message).toMatch(/Flinks did not issue an access token \(HTTP 503/);
		expect(server.issuedTokens().length).toBeGreaterThanOrEqual(2);

		const visible = everythingVisible(bed, runs);
		const basic = (secret: string) =>
			Buffer.from(`${server.clientId}:${secret}`).toString('base64');
		const secrets = [
			server.clientSecret,
			wrongClientSecret,
			basic(server.clientSecret),
			basic(wrongClientSecret),
			...server.issuedTokens(),
		];
		for (const secret of secrets) expect(visible).not.toContain(secret);
		expect(visible).not.toMatch(/Basic [A-Za-z0-9+/=]{16,}/);
		expect(visible).not.toMatch(/Bearer [0-9a-f-]{36}/i);
	});
});

/** One fault mixed into a batch of concurrent creates, and what must hold whatever it hits. */
interface CreateFaultCase {
	fault: string;
	arrange: (bed: FlinksTestBed) => void;
	options?: IDataObject;
}

const CONCURRENT_CREATES = 200;

const createFaultCases: CreateFaultCase[] = [
	{
		fault: '429 burst (20 creates, Retry-After: 0)',
		arrange: ({ server }) =>
			server.injectFault({ ...CREATES, kind: 'status', status: 429, retryAfter: '0', times: 20 }),
	},
	{
		fault: '5xx: 5 after Flinks created (502), 5 before (503)',
		arrange: ({ server }) => {
			server.injectFault({ ...CREATES, kind: 'applyThenFail', status: 502, times: 5 });
			server.injectFault({ ...CREATES, kind: 'status', status: 503, times: 5 });
		},
	},
	{
		fault: 'resets: 5 before Flinks created, 5 after',
		arrange: ({ server }) => {
			server.injectFault({ ...CREATES, kind: 'reset', times: 5 });
			server.injectFault({ ...CREATES, kind: 'applyThenReset', times: 5 });
		},
	},
	{
		fault: 'trickling answers past the Timeout (3 creates, Timeout 1 s)',
		arrange: ({ server }) =>
			server.injectFault({ ...CREATES, kind: 'trickle', everyMs: 100, times: 3 }),
		options: { timeout: 1000 },
	},
	{
		fault: 'token endpoint rate-limits (401 TOO_MANY_REQUESTS above 3 in flight, 10 more)',
		arrange: ({ server }) => {
			server.setMaxTokenRequestsInFlight(3);
			server.injectFault({ ...AUTHORIZE, kind: 'tooManyRequests401', times: 10 });
		},
	},
	{
		fault: 'all of the above, 429 above 10 API calls in flight, 5 ms answers',
		arrange: ({ server }) => {
			server.setLatency(5);
			server.setMaxInFlight(10, '0', 'api');
			server.setMaxTokenRequestsInFlight(5);
			server.injectFault({ ...CREATES, kind: 'status', status: 429, retryAfter: '0', times: 10 });
			server.injectFault({ ...CREATES, kind: 'applyThenFail', status: 502, times: 3 });
			server.injectFault({ ...CREATES, kind: 'status', status: 503, times: 3 });
			server.injectFault({ ...CREATES, kind: 'reset', times: 3 });
			server.injectFault({ ...CREATES, kind: 'applyThenReset', times: 3 });
			server.injectFault({ ...CREATES, kind: 'trickle', everyMs: 100, times: 2 });
			server.injectFault({ ...AUTHORIZE, kind: 'tooManyRequests401', times: 5 });
		},
		options: { timeout: 1000 },
	},
];

describe(`fault matrix: ${CONCURRENT_CREATES} concurrent creates`, () => {
	it.each(createFaultCases)(
		'$fault: every session Flinks holds is reported, none twice, every item once in order',
		async ({ fault, arrange, options }) => {
			bed = await startTestBed();
			arrange(bed);
			const items = Array.from({ length: CONCURRENT_CREATES }, (_, n) => customer(n));
			const started = Date.now();
			const run = await bed.engine.run({
				items,
				parameters: createParameters({ options: options ?? {} }),
				onError: 'continueRegularOutput',
			});
			const seconds = (Date.now() - started) / 1000;
			// Trickled answers finish at the fake after the node gave up on them.
			await new Promise((resolve) => setTimeout(resolve, 200));
			expect(run.error).toBeUndefined();
			expect(run.items.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
			const held = bed.server.allSessions();
			const references = held.map((session) => session.referenceId);
			expect(new Set(references).size).toBe(references.length);
			const created = run.items.filter((item) => !('error' in item.json));
			const uncertain = run.items.filter((item) =>
				/may have been created/.test(String(item.json.error ?? '')),
			);
			const heldIds = new Set(held.map((session) => session.sessionId));
			for (const item of created) expect(heldIds.has(String(item.json.sessionId))).toBe(true);
			// A session Flinks holds is either reported created or its item says it may have been.
			const reported = new Set([
				...created.map((item) => String(item.json.referenceId)),
				...uncertain.map((item) =>
					String(items[(item.pairedItem as { item: number }).item].orderId),
				),
			]);
			const unreported = held.filter((session) => !reported.has(String(session.referenceId)));
			// No create reused a token: Flinks never refused one as already used.
			const refused = bed.server.requests.filter(
				(request) => request.path === '/api/v2/sessions' && request.status === 401,
			);
			const row = scenarioRow(`${CONCURRENT_CREATES} concurrent creates, ${fault}`, {
				items: CONCURRENT_CREATES,
				lost: unreported.length,
				retries: bed.server.count(CREATES) - CONCURRENT_CREATES,
				authorize: bed.server.count(AUTHORIZE),
				failedItems: run.items.length - created.length,
				seconds,
			});
			expect(row.lost).toBe(0);
			expect(refused).toEqual([]);
			expect(created.length + uncertain.length).toBeGreaterThanOrEqual(held.length);
		},
		60_000,
	);
});
