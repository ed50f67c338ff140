/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
import { randomBytes, randomUUID } from 'crypto';
import http from 'http';
import type { AddressInfo, Socket } from 'net';

import type { ConnectOptions } from './fake-flinks-connect';
import { FakeConnect } from './fake-flinks-connect';
import type { EftFeatures, EftSessionState } from './fake-flinks-eft';
import {
	EFT_CODES,
	FakeEftFlow,
	cancelledSpellingOf,
	eftCreateProblem,
	eftDetails,
	isEftCreate,
	isEftProblem,
	newEftState,
} from './fake-flinks-eft';

export type SessionStatus =
	| 'Initiated'
	| 'Cancelled'
	| 'Canceled'
	| 'Completed'
	| 'Expired'
	| 'Failed';

export interface Payor {
	firstName: string;
	lastName: string;
	middleName?: string;
	/** Optional for EFT sessions. */
	email: string;
	phone?: string;
	dateOfBirth?: string;
	occupation?: string;
	address?: Record<string, string>;
}

export interface PayeeAccount {
	institutionCode: string;
	transitNumber: string;
	accountNumber: string;
}

export interface SessionOptions {
	notificationPreferences?: { language?: 'EN' | 'FR'; sendInteracLink?: boolean };
}

export interface SessionTransaction {
	id: string;
	status: string;
}

export interface FakeSession {
	sessionId: string;
	referenceId?: string | null;
	status: SessionStatus;
	statusDetails?: string | null;
	amount: number;
	/** EFT and Guaranteed EFT are both `EFT`; `eft.guaranteed` tells them apart. */
	type: 'e-Transfer' | 'EFT';
	direction: 'DEBIT' | 'CREDIT';
	currency: 'CAD';
	payor: Payor;
	payee?: { account: PayeeAccount };
	options?: SessionOptions;
	transactions: SessionTransaction[];
	createdAt: string;
	/** EFT and Guaranteed EFT sessions only. */
	eft?: EftSessionState;
}

export interface RecordedRequest {
	method: string;
	/** URL path without the query string. */
	path: string;
	/** Raw request target, query string included. */
	url: string;
	/**
	 * Lower-cased names; `authorization` is replaced by `Basic <redacted>` / `Bearer <redacted>`,
	 * Connect's `flinks-auth-key` and `x-api-key` by `<redacted>`.
	 */
	headers: Record<string, string>;
	/** Form bodies have `Username` and `Password` values replaced by `<redacted>`. */
	body: string;
	/** HTTP status sent; 0 while pending or when no answer was sent (reset, hang). */
	status: number;
	/** Milliseconds since the server started. */
	at: number;
	/** When the answer was sent, in milliseconds since the server started; undefined while pending or never answered. */
	answeredAt?: number;
	/** The injected fault that answered it, if any. */
	fault?: Fault['kind'];
}

/** A cancel Flinks' own logic handled: the token was valid and the session known. */
export interface ProcessedCancel {
	sessionId: string;
	/** True when this request moved the session to Cancelled; false when it was refused (already ended). */
	applied: boolean;
	/** Milliseconds since the server started. */
	at: number;
}

export interface FaultMatch {
	/** Case-insensitive HTTP method; any when omitted. */
	method?: string;
	/** Exact path (string) or pattern; any when omitted. */
	path?: string | RegExp;
	/** How many matching requests the fault applies to; default 1, `Infinity` allowed. */
	times?: number;
}

export type FaultBody = 'json' | 'html' | 'empty';

export type Fault = FaultMatch &
	(
		| { kind: 'status'; status: number; retryAfter?: string; body?: FaultBody }
		| { kind: 'reset' }
		| { kind: 'delay'; ms: number }
		| { kind: 'hang' }
		| { kind: 'malformedJson' }
		| { kind: 'html'; status?: number }
		| { kind: 'emptyBody'; status?: number }
		| { kind: 'jsonWithoutStatus' }
		| { kind: 'applyThenFail'; status: number; body?: FaultBody }
		/** Flinks acted (e.g. created the session), then the connection broke before the answer. */
		| { kind: 'applyThenReset' }
		/** A redirect to `location` (absolute), as a misconfigured gateway or a hostile host sends. */
		| {
				kind: 'redirect';
				status: 301 | 302 | 303 | 307 | 308;
				location: string;
				/** Flinks handles the request first (e.g. creates the session), then answers with the redirect. */
				afterApplying?: boolean;
		  }
		/** Any JSON answer, e.g. a 200 that did not do what was asked. */
		| { kind: 'reply'; status: number; body: unknown }
		/** A gateway that quotes the request's key headers back in its error's Message. */
		| { kind: 'echoHeaders'; status: number }
		/** Flinks' authorize error table: a rate limit answered as HTTP 401 with TOO_MANY_REQUESTS. */
		| { kind: 'tooManyRequests401' }
		/** The real answer, one byte every `everyMs` (after `padding` leading spaces): never idle, never done. */
		| { kind: 'trickle'; everyMs: number; padding?: number }
		/** A gateway that echoes the request's Authorization header in its problem's `detail` and `title`. */
		| { kind: 'reflectAuthorization'; status: number }
	);

export interface FakeFlinksServerOptions {
	/** Port to listen on; 0 (default) picks a free one. */
	port?: number;
	clientId?: string;
	clientSecret?: string;
	/** Default 299. */
	tokenLifetimeSeconds?: number;
	/** Spelling the server uses for a cancelled session; default `Cancelled`. */
	cancelledSpelling?: 'Cancelled' | 'Canceled';
	/** Status for cancelling a session that already ended; default 400. */
	terminalCancelStatus?: 400 | 409;
	/** A token may initiate only one session; default true. */
	singleUseTokenForCreate?: boolean;
	/** The client's EFT features; both on by default. */
	eftFeatures?: Partial<EftFeatures>;
	/** How Flinks Connect (under /v3/) behaves. */
	connect?: ConnectOptions;
}

export interface RequestFilter {
	method?: string;
	path?: string | RegExp;
}

export const DEFAULT_CLIENT_ID = 'flinks-test-client-0001';

const EXCHANGE_PATH = '/api/v1/authorize';
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SESSION_ROUTE = /^\/api\/v2\/sessions\/([^/]+)\/(cancel|details|status|guarantees\/confirm)$/;
const ROUTE_METHODS: Record<string, string> = {
	cancel: 'POST',
	details: 'GET',
	status: 'GET',
	'guarantees/confirm': 'POST',
};
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CANCELLABLE_STATUS: SessionStatus = 'Initiated';

const PROBLEM_TYPES: Record<number, string> = {
	400: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
	401: 'https://tools.ietf.org/html/rfc9110#section-15.5.2',
	404: 'https://tools.ietf.org/html/rfc9110#section-15.5.5',
	409: 'https://tools.ietf.org/html/rfc9110#section-15.5.10',
	415: 'https://tools.ietf.org/html/rfc9110#section-15.5.16',
	429: 'https://tools.ietf.org/html/rfc6585#section-4',
	500: 'https://tools.ietf.org/html/rfc9110#section-15.6.1',
	502: 'https://tools.ietf.org/html/rfc9110#section-15.6.3',
	503: 'https://tools.ietf.org/html/rfc9110#section-15.6.4',
	504: 'https://tools.ietf.org/html/rfc9110#section-15.6.5',
};

interface Reply {
	status: number;
	headers: Record<string, string>;
	body: string;
}

interface IssuedToken {
	value: string;
	expiresAt: number;
	revoked: boolean;
	initiatedSession: boolean;
}

interface QueuedFault {
	fault: Fault;
	remaining: number;
}

interface PendingSleep {
	timer: NodeJS.Timeout;
	resolve: () => void;
}

interface RequestContext {
	method: string;
	path: string;
	headers: http.IncomingHttpHeaders;
	body: string;
}

type Authentication = { token: IssuedToken } | { reply: Reply };

export class FakeFlinksServer {
	readonly baseUrl: string;
	readonly clientId: string;
	readonly clientSecret: string;
	readonly requests: RecordedRequest[] = [];
	/**
	 * Every cancel that reached the session, applied or refused, also when its answer never
	 * reached the client (dropped by a fault, or the client gave up): more than one for a session
	 * means it was sent again after Flinks had already acted on it.
	 */
	readonly processedCancels: ProcessedCancel[] = [];
	/** The customer's side of EFT sessions (bank connection, name match, guarantee, PAD). */
	readonly eft = new FakeEftFlow((id) => this.session(id));
	readonly eftFeatures: EftFeatures;
	/** Flinks Connect (bank account data), answered under /v3/{customerId}/BankingServices. */
	readonly connect: FakeConnect;

	private readonly server: http.Server;
	private readonly sockets = new Set<Socket>();
	private readonly sessions = new Map<string, FakeSession>();
	private readonly tokens = new Map<string, IssuedToken>();
	private readonly faults: QueuedFault[] = [];
	private readonly sleeps = new Set<PendingSleep>();
	private readonly startedAt = Date.now();
	private readonly cancelledSpelling: 'Cancelled' | 'Canceled';
	private readonly terminalCancelStatus: 400 | 409;
	private readonly singleUseTokenForCreate: boolean;
	private tokenLifetimeSeconds: number;
	private latencyMs = 0;
	private maxInFlight: number | undefined;
	private maxInFlightRetryAfter: string | undefined;
	/** Whether the in-flight limit counts token requests too ('all') or only API calls ('api'). */
	private maxInFlightScope: 'all' | 'api' = 'all';
	private maxTokenRequestsInFlight: number | undefined;
	private openRequests = 0;
	private admittedRequests = 0;
	private admittedApiCalls = 0;
	private admittedTokenRequests = 0;
	private peak = 0;
	private peakApi = 0;
	private stopped = false;

	static async start(options: FakeFlinksServerOptions = {}): Promise<FakeFlinksServer> {
		const server = http.createServer();
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(options.port ?? 0, '127.0.0.1', () => {
				server.off('error', reject);
				resolve();
			});
		});
		return new FakeFlinksServer(server, options);
	}

	private constructor(server: http.Server, options: FakeFlinksServerOptions) {
		this.server = server;
		const { port } = server.address() as AddressInfo;
		this.baseUrl = `http://127.0.0.1:${port}`;
		this.clientId = options.clientId ?? DEFAULT_CLIENT_ID;
		this.clientSecret = options.clientSecret ?? `fks_${randomBytes(30).toString('base64url')}`;
		this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 299;
		this.cancelledSpelling = options.cancelledSpelling ?? 'Cancelled';
		this.terminalCancelStatus = options.terminalCancelStatus ?? 400;
		this.singleUseTokenForCreate = options.singleUseTokenForCreate ?? true;
		this.eftFeatures = { regularEft: true, guaranteedEft: true, ...options.eftFeatures };
		this.connect = new FakeConnect(options.connect);

		server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.once('close', () => this.sockets.delete(socket));
		});
		server.on('request', (req, res) => {
			this.handle(req, res).catch((error: unknown) => {
				if (!res.headersSent && !res.destroyed) {
					res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
				}
			});
		});
	}

	/** Highest number of requests open at the same time, rejected ones included. */
	get peakInFlight(): number {
		return this.peak;
	}

	/** Highest number of API calls (not token requests) admitted and open at the same time. */
	get peakApiCallsInFlight(): number {
		return this.peakApi;
	}

	/** Milliseconds since the server started: the clock of `at` and `answeredAt`. */
	get now(): number {
		return Date.now() - this.startedAt;
	}

	/** Requests currently open (received, not yet answered). */
	get inFlight(): number {
		return this.openRequests;
	}

	count(filter: RequestFilter = {}): number {
		return this.requests.filter((request) => matchesRequest(filter, request.method, request.path))
			.length;
	}

	addSession(init: Partial<FakeSession> = {}): FakeSession {
		const sessionId = init.sessionId ?? randomUUID();
		const key = sessionId.toLowerCase();
		if (this.sessions.has(key)) throw new Error(`Session ${sessionId} already exists`);
		const status = init.status ?? 'Initiated';
		const defaults: FakeSession = {
			sessionId,
			status,
			referenceId: `REF-${sessionId.slice(0, 8).toUpperCase()}`,
			amount: 125.5,
			type: 'e-Transfer',
			direction: 'DEBIT',
			currency: 'CAD',
			payor: { firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@example.com' },
			payee: {
				account: { institutionCode: '001', transitNumber: '00011', accountNumber: '1234567' },
			},
			transactions: status === 'Completed' ? [{ id: randomUUID(), status: 'Completed' }] : [],
			createdAt: new Date().toISOString(),
		};
		// Re-applying id and status keeps an explicit `undefined` in init from erasing them.
		const session: FakeSession = Object.assign(defaults, init, { sessionId, status });
		this.sessions.set(key, session);
		return session;
	}

	addSessions(n: number, init: Omit<Partial<FakeSession>, 'sessionId'> = {}): FakeSession[] {
		return Array.from({ length: n }, () => this.addSession(init));
	}

	/** The live session object: mutating it changes what the server answers. */
	session(id: string): FakeSession | undefined {
		return this.sessions.get(id.toLowerCase());
	}

	allSessions(): FakeSession[] {
		return [...this.sessions.values()];
	}

	issuedTokens(): string[] {
		return [...this.tokens.keys()];
	}

	/** Exchanges the client credentials over HTTP, as another client (another n8n process) would. */
	async authorizeOverHttp(): Promise<string> {
		const response = await fetch(`${this.baseUrl}${EXCHANGE_PATH}`, {
			method: 'POST',
			headers: {
				Authorization: `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`,
				'Content-Type': 'application/x-www-form-urlencoded',
			},
			body: 'grant_type=client_credentials',
		});
		const { access_token: accessToken } = (await response.json()) as { access_token: string };
		return accessToken;
	}

	/** Revokes every token issued so far, but those in `except`. */
	revokeTokens(except: string[] = []): void {
		for (const token of this.tokens.values()) {
			if (!except.includes(token.value)) token.revoked = true;
		}
	}

	expireTokensNow(): void {
		const now = Date.now();
		for (const token of this.tokens.values()) token.expiresAt = Math.min(token.expiresAt, now);
	}

	/** Applies to tokens issued from now on. */
	setTokenLifetime(seconds: number): void {
		this.tokenLifetimeSeconds = seconds;
	}

	injectFault(fault: Fault): void {
		const times = fault.times ?? 1;
		if (!(times > 0)) throw new Error(`Fault times must be positive, got ${times}`);
		this.faults.push({ fault, remaining: times });
	}

	clearFaults(): void {
		this.faults.length = 0;
	}

	/** Pending faults, in the order they will be matched. */
	pendingFaults(): Fault[] {
		return this.faults.map((queued) => queued.fault);
	}

	/** Delay before every admitted request is processed; processing happens even if the client gave up. */
	setLatency(ms: number): void {
		this.latencyMs = ms;
	}

	/**
	 * A gateway answering 429 above `limit` open requests. Scope 'api' limits API calls only: the
	 * token endpoint then has its own limit (setMaxTokenRequestsInFlight), as Flinks documents it.
	 */
	setMaxInFlight(
		limit: number | undefined,
		retryAfter?: string,
		scope: 'all' | 'api' = 'all',
	): void {
		this.maxInFlight = limit;
		this.maxInFlightRetryAfter = retryAfter;
		this.maxInFlightScope = scope;
	}

	/** The token endpoint answers 401 TOO_MANY_REQUESTS (Flinks' authorize error table) above `limit` open token requests. */
	setMaxTokenRequestsInFlight(limit: number | undefined): void {
		this.maxTokenRequestsInFlight = limit;
	}

	/**
	 * Clears the request log (processed cancels too), faults, latency, the in-flight limit and
	 * peakInFlight. Keeps sessions, issued tokens, the token lifetime and the constructor options.
	 */
	reset(): void {
		this.requests.length = 0;
		this.processedCancels.length = 0;
		this.clearFaults();
		this.latencyMs = 0;
		this.setMaxInFlight(undefined);
		this.setMaxTokenRequestsInFlight(undefined);
		this.peak = this.openRequests;
		this.peakApi = this.admittedApiCalls;
	}

	/** Closes the listener and destroys every open socket (keep-alive and hung ones). */
	async stop(): Promise<void> {
		if (this.stopped) return;
		this.stopped = true;
		for (const pending of this.sleeps) {
			clearTimeout(pending.timer);
			pending.resolve();
		}
		this.sleeps.clear();
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		for (const socket of this.sockets) socket.destroy();
		await closed;
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const at = Date.now() - this.startedAt;
		this.openRequests++;
		this.peak = Math.max(this.peak, this.openRequests);
		res.once('close', () => this.openRequests--);

		let body: string;
		try {
			body = await readBody(req);
		} catch {
			return;
		}
		const method = (req.method ?? 'GET').toUpperCase();
		const rawUrl = req.url ?? '/';
		const path = new URL(rawUrl, 'http://localhost').pathname;
		const record: RecordedRequest = {
			method,
			path,
			url: rawUrl,
			headers: redactHeaders(req.headers),
			body: isFormBody(req.headers, path, body) ? redactForm(body) : body,
			status: 0,
			at,
		};
		this.requests.push(record);
		const context: RequestContext = { method, path, headers: req.headers, body };
		const send = (reply: Reply): void => {
			if (this.isGone(res)) return;
			record.status = reply.status;
			res.writeHead(reply.status, {
				...reply.headers,
				'content-length': String(Buffer.byteLength(reply.body)),
			});
			res.end(reply.body);
			record.answeredAt = this.now;
		};

		// Rate limiting models a gateway in front of Flinks: it rejects at once, before latency.
		const exchange = path === EXCHANGE_PATH;
		const limited = exchange && this.maxInFlightScope === 'api' ? undefined : this.maxInFlight;
		const counted = this.maxInFlightScope === 'api' ? this.admittedApiCalls : this.admittedRequests;
		if (limited !== undefined && counted >= limited) {
			send(
				problemReply(429, 'Too Many Requests', 'Too many concurrent requests.', {
					retryAfter: this.maxInFlightRetryAfter,
				}),
			);
			return;
		}
		const tokenLimit = exchange ? this.maxTokenRequestsInFlight : undefined;
		if (tokenLimit !== undefined && this.admittedTokenRequests >= tokenLimit) {
			send(tooManyRequestsReply());
			return;
		}
		this.admit(res, exchange);

		await this.sleep(this.latencyMs);
		// A client that gave up meanwhile does not undo the request: Flinks still processes it.
		if (this.stopped) return;

		const fault = this.takeFault(method, path);
		if (!fault) {
			send(this.route(context));
			return;
		}
		record.fault = fault.kind;
		switch (fault.kind) {
			case 'status':
				send(errorReply(fault.status, fault.body ?? 'json', fault.retryAfter));
				return;
			case 'reset':
				req.socket.resetAndDestroy();
				return;
			case 'delay':
				await this.sleep(fault.ms);
				if (this.stopped) return;
				send(this.route(context));
				return;
			case 'hang':
				return;
			case 'malformedJson':
				send(
					rawReply(
						200,
						'application/json',
						`{"sessionId": "${sessionIdFromPath(path).slice(0, 13)}`,
					),
				);
				return;
			case 'html':
				send(htmlReply(fault.status ?? 200));
				return;
			case 'emptyBody':
				send(rawReply(fault.status ?? 200, 'application/json', ''));
				return;
			case 'jsonWithoutStatus':
				send(jsonReply(200, { sessionId: sessionIdFromPath(path) }));
				return;
			case 'applyThenFail':
				this.route(context);
				send(errorReply(fault.status, fault.body ?? 'json'));
				return;
			case 'applyThenReset':
				this.route(context);
				req.socket.resetAndDestroy();
				return;
			case 'redirect':
				if (fault.afterApplying) this.route(context);
				send({ status: fault.status, headers: { location: fault.location }, body: '' });
				return;
			case 'reply':
				send(jsonReply(fault.status, fault.body));
				return;
			case 'tooManyRequests401':
				send(tooManyRequestsReply());
				return;
			case 'echoHeaders':
				send(echoHeadersReply(fault.status, req.headers));
				return;
			case 'trickle':
				await this.trickle(res, record, this.route(context), fault.everyMs, fault.padding ?? 200);
				return;
			case 'reflectAuthorization':
				send(
					problemReply(
						fault.status,
						`Rejected ${req.headers.authorization ?? ''}`,
						`The request carried Authorization: ${req.headers.authorization ?? 'none'}`,
						{ extensions: { errors: { authorization: [req.headers.authorization ?? ''] } } },
					),
				);
				return;
		}
	}

	private admit(res: http.ServerResponse, exchange: boolean): void {
		this.admittedRequests++;
		if (exchange) this.admittedTokenRequests++;
		else this.peakApi = Math.max(this.peakApi, ++this.admittedApiCalls);
		res.once('close', () => {
			this.admittedRequests--;
			if (exchange) this.admittedTokenRequests--;
			else this.admittedApiCalls--;
		});
	}

	private route(context: RequestContext): Reply {
		const { method, path } = context;
		if (path === EXCHANGE_PATH && method === 'POST') return this.authorize(context);
		const connectReply = this.connect.route(context);
		if (connectReply) return jsonReply(connectReply.status, connectReply.body);
		if (!path.startsWith('/api/v2/')) return notFoundReply();

		const authentication = this.authenticate(context.headers);
		if ('reply' in authentication) return authentication.reply;

		if (path === '/api/v2/sessions' && method === 'POST') {
			return this.createSession(context, authentication.token);
		}
		const match = SESSION_ROUTE.exec(path);
		if (!match) return notFoundReply();
		const [, rawId, action] = match;
		if (ROUTE_METHODS[action] !== method) return notFoundReply();

		const sessionId = safeDecode(rawId);
		if (!UUID_PATTERN.test(sessionId)) {
			return problemReply(400, 'Invalid session id', `'${sessionId}' is not a valid UUID.`);
		}
		const session = this.session(sessionId);
		if (!session) {
			return problemReply(404, 'Session not found', `Session ${sessionId} was not found.`);
		}
		if (action === 'cancel') return this.cancel(session);
		if (action === 'status') return jsonReply(200, sessionStatus(session));
		if (action === 'details') return jsonReply(200, sessionDetails(session));
		const answer = this.eft.confirmGuarantee(session, parseJson(context.body));
		return isEftProblem(answer)
			? problemReply(answer.status, answer.title, answer.detail, { extensions: answer.extensions })
			: jsonReply(200, answer);
	}

	private authorize(context: RequestContext): Reply {
		const form = isFormContentType(context.headers)
			? new URLSearchParams(context.body)
			: new URLSearchParams();
		const grantType = form.get('grant_type');
		if (!grantType) {
			return problemReply(400, 'Bad Request', 'The grant_type field is required.');
		}
		if (grantType !== 'client_credentials') {
			return problemReply(400, 'Bad Request', `Unsupported grant_type '${grantType}'.`);
		}
		const credentials = basicCredentials(context.headers.authorization) ?? {
			username: form.get('Username'),
			password: form.get('Password'),
		};
		if (credentials.username !== this.clientId || credentials.password !== this.clientSecret) {
			return problemReply(401, 'Unauthorized', 'Invalid client credentials.');
		}
		const value = randomUUID();
		this.tokens.set(value, {
			value,
			expiresAt: Date.now() + this.tokenLifetimeSeconds * 1000,
			revoked: false,
			initiatedSession: false,
		});
		return jsonReply(200, {
			access_token: value,
			token_type: 'bearer',
			expires_in: this.tokenLifetimeSeconds,
		});
	}

	private authenticate(headers: http.IncomingHttpHeaders): Authentication {
		const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
		const unauthorized = (detail: string): Authentication => ({
			reply: problemReply(401, 'Unauthorized', detail, {
				headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
			}),
		});
		if (!match) return unauthorized('A bearer access token is required.');
		const token = this.tokens.get(match[1]);
		if (!token) return unauthorized('The access token is invalid.');
		if (token.revoked) return unauthorized('The access token has been revoked.');
		if (Date.now() >= token.expiresAt) return unauthorized('The access token has expired.');
		return { token };
	}

	private cancel(session: FakeSession): Reply {
		const applied = session.status === CANCELLABLE_STATUS;
		this.processedCancels.push({
			sessionId: session.sessionId,
			applied,
			at: Date.now() - this.startedAt,
		});
		if (!applied) {
			return problemReply(
				this.terminalCancelStatus,
				'Session is not cancellable',
				`Session ${session.sessionId} is in state ${session.status} and cannot be cancelled.`,
			);
		}
		session.status = session.eft ? cancelledSpellingOf(session) : this.cancelledSpelling;
		if (session.eft) session.statusDetails = EFT_CODES.cancelled;
		return jsonReply(200, {
			sessionId: session.sessionId,
			referenceId: session.referenceId,
			status: session.status,
			statusDetails: session.statusDetails,
		});
	}

	private createSession(context: RequestContext, token: IssuedToken): Reply {
		if (this.singleUseTokenForCreate && token.initiatedSession) {
			return problemReply(
				401,
				'Unauthorized',
				'This access token has already initiated a session.',
			);
		}
		if (!/\bjson\b/i.test(context.headers['content-type'] ?? '')) {
			return problemReply(415, 'Unsupported Media Type', 'Expected an application/json body.');
		}
		let input: unknown;
		try {
			input = JSON.parse(context.body);
		} catch {
			return problemReply(400, 'Bad Request', 'The request body is not valid JSON.');
		}
		if (isRecord(input) && isEftCreate(input)) return this.createEftSession(input, token);
		const errors = validateCreateRequest(input);
		if (Object.keys(errors).length > 0 || !isRecord(input)) {
			return problemReply(
				400,
				'One or more validation errors occurred.',
				'See errors for details.',
				{ extensions: { errors } },
			);
		}
		const session = this.addSession({
			referenceId: (input.referenceId as string | null | undefined) ?? null,
			amount: input.amount as number,
			direction: input.direction as 'DEBIT' | 'CREDIT',
			payor: input.payor as Payor,
			payee: input.payee as { account: PayeeAccount } | undefined,
			options: input.options as SessionOptions | undefined,
			transactions: [],
		});
		token.initiatedSession = true;
		return jsonReply(201, { sessionId: session.sessionId, referenceId: session.referenceId });
	}

	private createEftSession(input: Record<string, unknown>, token: IssuedToken): Reply {
		const refusal = eftCreateProblem(input, this.eftFeatures);
		if (refusal) {
			return problemReply(refusal.status, refusal.title, refusal.detail, {
				extensions: refusal.extensions,
			});
		}
		const session = this.addSession({
			referenceId: (input.referenceId as string | null | undefined) ?? null,
			amount: input.amount as number,
			type: 'EFT',
			direction: 'DEBIT',
			payor: input.payor as Payor,
			payee: input.payee as { account: PayeeAccount } | undefined,
			statusDetails: EFT_CODES.created,
			transactions: [],
			eft: newEftState(input),
		});
		token.initiatedSession = true;
		return jsonReply(201, { sessionId: session.sessionId, referenceId: session.referenceId });
	}

	private takeFault(method: string, path: string): Fault | undefined {
		const index = this.faults.findIndex((queued) => matchesRequest(queued.fault, method, path));
		if (index === -1) return undefined;
		const queued = this.faults[index];
		queued.remaining--;
		if (queued.remaining <= 0) this.faults.splice(index, 1);
		return queued.fault;
	}

	/** Resolves early (and the caller must bail out) when the server stops. */
	private sleep(ms: number): Promise<void> {
		if (ms <= 0 || this.stopped) return Promise.resolve();
		return new Promise((resolve) => {
			const pending: PendingSleep = {
				timer: setTimeout(() => {
					this.sleeps.delete(pending);
					resolve();
				}, ms),
				resolve,
			};
			this.sleeps.add(pending);
		});
	}

	/** Writes `reply` one byte at a time: a client's idle timer never fires, only a deadline ends it. */
	private async trickle(
		res: http.ServerResponse,
		record: RecordedRequest,
		reply: Reply,
		everyMs: number,
		padding: number,
	): Promise<void> {
		const body = Buffer.from(' '.repeat(padding) + reply.body);
		record.status = reply.status;
		res.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) });
		for (const byte of body) {
			if (this.isGone(res)) return;
			res.write(Buffer.from([byte]));
			await this.sleep(everyMs);
		}
		if (this.isGone(res)) return;
		res.end();
		record.answeredAt = this.now;
	}

	private isGone(res: http.ServerResponse): boolean {
		return this.stopped || res.destroyed || res.writableEnded;
	}
}

function matchesRequest(filter: RequestFilter, method: string, path: string): boolean {
	if (filter.method && filter.method.toUpperCase() !== method) return false;
	if (filter.path === undefined) return true;
	if (typeof filter.path === 'string') return filter.path === path;
	filter.path.lastIndex = 0;
	return filter.path.test(path);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

function isFormContentType(headers: http.IncomingHttpHeaders): boolean {
	return /application\/x-www-form-urlencoded/i.test(headers['content-type'] ?? '');
}

// Redact authorize bodies even without a form content type: a client bug must not leak the secret into logs.
function isFormBody(headers: http.IncomingHttpHeaders, path: string, body: string): boolean {
	return isFormContentType(headers) || (path === EXCHANGE_PATH && !/^\s*[[{]/.test(body));
}

function redactForm(body: string): string {
	return body
		.split('&')
		.map((pair) => {
			const name = safeDecode(pair.split('=')[0].replace(/\+/g, ' '));
			return /^(username|password)$/i.test(name) ? `${name}=<redacted>` : pair;
		})
		.join('&');
}

function redactHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
	const redacted: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value === undefined) continue;
		redacted[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	// Flinks Connect's secret key, authorize tokens and API key.
	for (const name of ['flinks-auth-key', 'x-api-key']) {
		if (redacted[name] !== undefined) redacted[name] = '<redacted>';
	}
	if (redacted.authorization !== undefined) {
		const scheme = /^(\S+)\s/.exec(redacted.authorization)?.[1];
		redacted.authorization = scheme ? `${scheme} <redacted>` : '<redacted>';
	}
	return redacted;
}

function basicCredentials(
	header: string | undefined,
): { username: string | null; password: string | null } | undefined {
	const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? '');
	if (!match) return undefined;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const separator = decoded.indexOf(':');
	if (separator === -1) return { username: decoded, password: null };
	return { username: decoded.slice(0, separator), password: decoded.slice(separator + 1) };
}

function safeDecode(value: string): string {
	try {
		return decodeURIComponent(value);
	} catch {
		return value;
	}
}

function sessionIdFromPath(path: string): string {
	return /^\/api\/v2\/sessions\/([^/]+)/.exec(path)?.[1] ?? randomUUID();
}

/** GET /status: the light answer Flinks suggests polling. */
function sessionStatus(session: FakeSession): Record<string, unknown> {
	return {
		sessionId: session.sessionId,
		referenceId: session.referenceId ?? null,
		amount: session.amount,
		status: session.status,
		statusDetails: session.statusDetails ?? null,
	};
}

function parseJson(body: string): unknown {
	try {
		return JSON.parse(body);
	} catch {
		return undefined;
	}
}

function sessionDetails(session: FakeSession): Record<string, unknown> {
	return {
		sessionId: session.sessionId,
		status: session.status,
		referenceId: session.referenceId,
		amount: session.amount,
		type: session.type,
		direction: session.direction,
		currency: session.currency,
		payor: session.payor,
		payee: session.payee,
		schedule: { transactions: session.transactions },
		createdAt: session.createdAt,
		...eftDetails(session),
	};
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
	return typeof value === 'string' && value.trim().length > 0;
}

function validateCreateRequest(input: unknown): Record<string, string[]> {
	const errors: Record<string, string[]> = {};
	const fail = (field: string, message: string): void => {
		(errors[field] ??= []).push(message);
	};
	if (!isRecord(input)) {
		fail('$', 'The request body must be a JSON object.');
		return errors;
	}
	const { referenceId, type, direction, currency, amount, payor, payee, options } = input;
	if (referenceId !== undefined && referenceId !== null) {
		if (typeof referenceId !== 'string') fail('referenceId', 'The referenceId must be a string.');
		else if (referenceId.length > 100)
			fail('referenceId', 'The referenceId must be at most 100 characters.');
	}
	if (type !== 'e-Transfer') fail('type', "The type must be 'e-Transfer'.");
	if (direction !== 'DEBIT' && direction !== 'CREDIT')
		fail('direction', "The direction must be 'DEBIT' or 'CREDIT'.");
	if (currency !== 'CAD') fail('currency', "The currency must be 'CAD'.");
	if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) {
		fail('amount', 'The amount must be a number greater than 0.');
	}
	if (!isRecord(payor)) {
		fail('payor', 'The payor is required.');
	} else {
		if (!isNonEmptyString(payor.firstName))
			fail('payor.firstName', 'The payor first name is required.');
		if (!isNonEmptyString(payor.lastName))
			fail('payor.lastName', 'The payor last name is required.');
		if (
			payor.middleName !== undefined &&
			payor.middleName !== null &&
			typeof payor.middleName !== 'string'
		) {
			fail('payor.middleName', 'The payor middle name must be a string.');
		}
		if (!isNonEmptyString(payor.email)) fail('payor.email', 'The payor email is required.');
		else if (!EMAIL_PATTERN.test(payor.email))
			fail('payor.email', 'The payor email is not a valid address.');
	}
	if (payee !== undefined && payee !== null) {
		const account = isRecord(payee) ? payee.account : undefined;
		if (!isRecord(account)) {
			fail('payee.account', 'The payee account is required when a payee is given.');
		} else {
			for (const field of ['institutionCode', 'transitNumber', 'accountNumber']) {
				if (!isNonEmptyString(account[field]))
					fail(`payee.account.${field}`, `The ${field} is required.`);
			}
		}
	}
	if (options !== undefined && options !== null) {
		const preferences = isRecord(options) ? options.notificationPreferences : undefined;
		if (!isRecord(options)) fail('options', 'The options must be an object.');
		else if (preferences !== undefined && preferences !== null) {
			if (!isRecord(preferences)) {
				fail('options.notificationPreferences', 'The notification preferences must be an object.');
			} else {
				const { language, sendInteracLink } = preferences;
				if (language !== undefined && language !== 'EN' && language !== 'FR') {
					fail('options.notificationPreferences.language', "The language must be 'EN' or 'FR'.");
				}
				if (sendInteracLink !== undefined && typeof sendInteracLink !== 'boolean') {
					fail(
						'options.notificationPreferences.sendInteracLink',
						'The sendInteracLink must be a boolean.',
					);
				}
			}
		}
	}
	return errors;
}

function jsonReply(status: number, payload: unknown): Reply {
	return rawReply(status, 'application/json; charset=utf-8', JSON.stringify(payload));
}

function rawReply(status: number, contentType: string, body: string): Reply {
	return { status, headers: { 'content-type': contentType }, body };
}

interface ProblemOptions {
	retryAfter?: string;
	headers?: Record<string, string>;
	extensions?: Record<string, unknown>;
}

function problemReply(
	status: number,
	title: string,
	detail: string,
	{ retryAfter, headers = {}, extensions = {} }: ProblemOptions = {},
): Reply {
	const problem = {
		type: PROBLEM_TYPES[status] ?? 'about:blank',
		title,
		status,
		detail,
		traceId: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00`,
		...extensions,
	};
	return {
		status,
		headers: {
			'content-type': 'application/problem+json; charset=utf-8',
			...(retryAfter !== undefined ? { 'retry-after': retryAfter } : {}),
			...headers,
		},
		body: JSON.stringify(problem),
	};
}

function notFoundReply(): Reply {
	return problemReply(404, 'Not Found', 'The requested resource does not exist.');
}

function htmlReply(status: number, retryAfter?: string): Reply {
	const title = `${status} ${http.STATUS_CODES[status] ?? 'Error'}`;
	const reply = rawReply(
		status,
		'text/html; charset=utf-8',
		`<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center><hr><center>nginx</center></body></html>\n`,
	);
	if (retryAfter !== undefined) reply.headers['retry-after'] = retryAfter;
	return reply;
}

/** The body the authorize error table documents for TOO_MANY_REQUESTS, Flinks' error shape. */
function tooManyRequestsReply(): Reply {
	return jsonReply(401, {
		HttpStatusCode: 401,
		Message: 'Too many requests. Please try again later.',
		FlinksCode: 'TOO_MANY_REQUESTS',
	});
}

function errorReply(status: number, body: FaultBody, retryAfter?: string): Reply {
	if (body === 'html') return htmlReply(status, retryAfter);
	if (body === 'empty') {
		const reply: Reply = { status, headers: {}, body: '' };
		if (retryAfter !== undefined) reply.headers['retry-after'] = retryAfter;
		return reply;
	}
	return problemReply(
		status,
		http.STATUS_CODES[status] ?? 'Error',
		`Injected ${status} response.`,
		{
			retryAfter,
		},
	);
}

const DEMO_SESSIONS: Array<Partial<FakeSession>> = [
	{
		sessionId: '3f2c6a1e-8b4d-4c2a-9e1f-000000000001',
		referenceId: 'DEMO-0001',
		status: 'Initiated',
	},
	{
		sessionId: '3f2c6a1e-8b4d-4c2a-9e1f-000000000002',
		referenceId: 'DEMO-0002',
		status: 'Initiated',
	},
	{ sessionId: '3f2c6a1e-8b4d-4c2a-9e1f-000000000003', referenceId: null, status: 'Initiated' },
	{
		sessionId: '3f2c6a1e-8b4d-4c2a-9e1f-000000000004',
		referenceId: 'DEMO-0004',
		status: 'Completed',
	},
	{
		sessionId: '3f2c6a1e-8b4d-4c2a-9e1f-000000000005',
		referenceId: 'DEMO-0005',
		status: 'Expired',
	},
	{
		sessionId: '3f2c6a1e-8b4d-4c2a-9e1f-000000000006',
		referenceId: 'DEMO-0006',
		status: 'Cancelled',
		statusDetails: 'Cancelled by merchant',
	},
];

async function runCli(): Promise<void> {
	const server = await FakeFlinksServer.start({ port: Number(process.env.FAKE_FLINKS_PORT ?? 0) });
	const sessions = DEMO_SESSIONS.map((init) => server.addSession(init));
	process.stdout.write(
		`${JSON.stringify({
			baseUrl: server.baseUrl,
			clientId: server.clientId,
			clientSecret: server.clientSecret,
			sessions,
		})}\n`,
	);
	const shutdown = (): void => {
		server.stop().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.once('SIGTERM', shutdown);
	process.once('SIGINT', shutdown);
}

if (require.main === module) {
	runCli().catch((error: unknown) => {
		process.stderr.write(`${String(error)}\n`);
		process.exit(1);
	});
}

/** An error body quoting the request's key headers, as a careless gateway or debug build does. */
function echoHeadersReply(status: number, headers: http.IncomingHttpHeaders): Reply {
	const quoted = ['flinks-auth-key', 'x-api-key', 'authorization']
		.filter((name) => headers[name] !== undefined)
		.map((name) => `${name}=${String(headers[name])}`)
		.join(', ');
	return jsonReply(status, {
		HttpStatusCode: status,
		FlinksCode: 'INVALID_REQUEST',
		Message: `Rejected request (${quoted})`,
		Request: { Headers: headers },
	});
}
