/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
import { randomBytes, randomUUID } from 'crypto';
import type http from 'http';

/**
 * Flinks Connect as the fake server answers it under /v3/{customerId}/BankingServices (see
 * ../../../shared/flinks-connect-api.md): single-use 30-minute authorize tokens minted with the
 * secret key, cached or live Authorize (203 when the bank asks a security question), 202 then
 * polling of the *Async endpoints, requestIds that expire, Flinks' error codes and their statuses.
 * FakeFlinksServer routes /v3/ here, so its faults, latency and request log apply as for Pay.
 */

/** Every documented FlinksCode and the HTTP status Flinks answers it with. */
export const CONNECT_CODE_STATUS = {
	OPERATION_PENDING: 202,
	OPERATION_DISPATCHED: 202,
	SESSION_NONEXISTENT: 400,
	CARD_IN_USE: 400,
	INVALID_LOGIN: 401,
	ACCESS_DENIED: 401,
	INVALID_REQUEST: 401,
	RETRY_LATER: 401,
	UNKNOWN_CHALLENGE_KEY: 401,
	TOO_MANY_REQUESTS: 401,
	AGGREGATION_ERROR: 500,
	DISABLED_INSTITUTION: 405,
	DISABLED_LOGIN: 401,
	NEW_ACCOUNT: 401,
} as const;

export type ConnectCode = keyof typeof CONNECT_CODE_STATUS;

export const TOKEN_LIFETIME_MS = 30 * 60_000;
/** A requestId idle this long while authorized, or this long while processing, is gone. */
export const AUTHORIZED_IDLE_MS = 8 * 60_000;
export const PROCESSING_LIFETIME_MS = 30 * 60_000;

export interface ConnectTransaction {
	Id: string;
	Date: string;
	Description: string;
	Debit: number | null;
	Credit: number | null;
	Balance: number;
}

export interface ConnectAccount {
	Id: string;
	Title: string;
	AccountNumber: string;
	TransitNumber: string;
	InstitutionNumber: string;
	Category: string;
	Type: string;
	Currency: string;
	Balance: { Available: number | null; Current: number; Limit: number | null };
	Holder: { Name: string; Address: Record<string, string>; Email: string; PhoneNumber: string };
	Transactions: ConnectTransaction[];
}

export interface ConnectLogin {
	loginId: string;
	institution: string;
	accounts: ConnectAccount[];
	/** When data was last fetched live from the bank (UTC). */
	lastRefresh: string;
	/** A live Authorize answers 203 with a security question. */
	mfa?: boolean;
	/** Authorize answers this code (e.g. Toolbox's test_service_unavailable: RETRY_LATER) `failTimes` times. */
	failure?: ConnectCode;
	failTimes?: number;
	/** GetAccountsDetail/Summary answer CARD_IN_USE this many times. */
	inUseTimes?: number;
}

export interface ConnectOptions {
	/** How many polls of an *Async endpoint answer 202 before one answers 200; default 0 (the POST answers 200). */
	pendingPolls?: number;
	/** The status INVALID_LOGIN comes with: 401 (today's table) or 400 (an older help table). */
	invalidLoginStatus?: 400 | 401;
	/** What DeleteCard checks: the API key (default) or an authorize token. */
	deleteCardAuth?: 'apiKey' | 'authorizeToken';
}

interface AuthorizeToken {
	expiresAt: number;
	used: boolean;
}

interface ConnectRequest {
	loginId: string;
	/** Last activity; the requestId expires after AUTHORIZED_IDLE_MS idle, or PROCESSING_LIFETIME_MS once processing. */
	touchedAt: number;
	processing?: {
		kind: 'detail' | 'summary';
		startedAt: number;
		pollsLeft: number;
		body: Record<string, unknown>;
	};
	expired?: boolean;
}

export interface ConnectContext {
	method: string;
	path: string;
	headers: http.IncomingHttpHeaders;
	body: string;
}

export interface ConnectReply {
	status: number;
	body: unknown;
}

export class FakeConnect {
	readonly customerId = randomUUID();
	readonly secretKey = `sk_${randomBytes(24).toString('base64url')}`;
	readonly apiKey = `ak_${randomBytes(24).toString('base64url')}`;
	/** Every DeleteCard that reached Flinks' logic, also when its answer was lost. */
	readonly processedDeletes: string[] = [];
	/** Every Authorize Flinks processed, with whether it was live. */
	readonly authorizations: Array<{ loginId: string; live: boolean }> = [];
	pendingPolls: number;
	/** What the GetAccountsDetail/Summary POST answers while polls are to come. */
	firstAnswer: 'OPERATION_PENDING' | 'OPERATION_DISPATCHED' = 'OPERATION_PENDING';

	private readonly logins = new Map<string, ConnectLogin>();
	private readonly tokens = new Map<string, AuthorizeToken>();
	private readonly requestIds = new Map<string, ConnectRequest>();
	private readonly invalidLoginStatus: 400 | 401;
	private readonly deleteCardAuth: 'apiKey' | 'authorizeToken';

	constructor(options: ConnectOptions = {}) {
		this.pendingPolls = options.pendingPolls ?? 0;
		this.invalidLoginStatus = options.invalidLoginStatus ?? 401;
		this.deleteCardAuth = options.deleteCardAuth ?? 'apiKey';
	}

	get prefix(): string {
		return `/v3/${this.customerId}/BankingServices`;
	}

	addLogin(
		init: Partial<ConnectLogin> & { accountCount?: number; transactionsPerAccount?: number } = {},
	): ConnectLogin {
		const loginId = init.loginId ?? randomUUID();
		const { accountCount = 2, transactionsPerAccount = 3, ...rest } = init;
		const login: ConnectLogin = {
			loginId,
			institution: 'FlinksCapital',
			accounts: makeAccounts(accountCount, transactionsPerAccount),
			lastRefresh: new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, ''),
			...rest,
		};
		this.logins.set(loginId.toLowerCase(), login);
		return login;
	}

	login(loginId: string): ConnectLogin | undefined {
		return this.logins.get(loginId.toLowerCase());
	}

	/** The requestIds Authorize issued, oldest first. */
	issuedRequestIds(): string[] {
		return [...this.requestIds.keys()];
	}

	/** Ends a requestId as Flinks does after its idle or processing time. */
	expireRequest(requestId: string): void {
		const request = this.requestIds.get(requestId);
		if (request) request.expired = true;
	}

	/** Ages every requestId and token by `ms`, as if that much time had passed. */
	age(ms: number): void {
		for (const request of this.requestIds.values()) {
			request.touchedAt -= ms;
			if (request.processing) request.processing.startedAt -= ms;
		}
		for (const token of this.tokens.values()) token.expiresAt -= ms;
	}

	/** Flinks finished collecting every request under way: the next poll answers 200. */
	finishCollecting(): void {
		for (const request of this.requestIds.values()) {
			if (request.processing) request.processing.pollsLeft = 0;
		}
	}

	/**
	 * The webhook Flinks sends when a GetAccountsDetail finishes: the answer with its ResponseType,
	 * and the iframe's `tag` echoed back.
	 */
	accountsDetailWebhook(loginId: string, tag?: string): Record<string, unknown> {
		const login = this.login(loginId) as ConnectLogin;
		const requestId = randomUUID();
		const answer = accountsAnswer(login, requestId, 'detail', { WithTransactions: true });
		return { ResponseType: 'GetAccountsDetail', ...(tag ? { Tag: tag } : {}), ...answer };
	}

	kycWebhook(loginId: string): Record<string, unknown> {
		const login = this.login(loginId) as ConnectLogin;
		return {
			ResponseType: 'KYC',
			RequestId: randomUUID(),
			Login: loginSummary(login),
			KYC: { Name: login.accounts[0]?.Holder.Name ?? null },
		};
	}

	mintedTokens(): number {
		return this.tokens.size;
	}

	/** Answers a /v3/ request; undefined when the path is not Connect's. */
	route(context: ConnectContext): ConnectReply | undefined {
		if (!context.path.startsWith('/v3/')) return undefined;
		if (!context.path.startsWith(`${this.prefix}/`)) {
			return codeReply('INVALID_REQUEST', 'Unknown customer.', 404);
		}
		const route = context.path.slice(this.prefix.length + 1);
		const [operation, id] = route.split('/').map(safeDecode);
		const body = parseJson(context.body);
		switch (`${context.method} ${operation}${id === undefined ? '' : ' :id'}`) {
			case 'POST GenerateAuthorizeToken':
				return this.generateToken(context.headers);
			case 'POST Authorize':
				return this.authorize(context.headers, body);
			case 'POST GetAccountsDetail':
				return this.startProcessing(context.headers, body, 'detail');
			case 'POST GetAccountsSummary':
				return this.startProcessing(context.headers, body, 'summary');
			case 'GET GetAccountsDetailAsync :id':
				return this.poll(context.headers, id, 'detail');
			case 'GET GetAccountsSummaryAsync :id':
				return this.poll(context.headers, id, 'summary');
			case 'DELETE DeleteCard :id':
				return this.deleteCard(context.headers, id);
			default:
				return { status: 404, body: { HttpStatusCode: 404, Message: 'Not found' } };
		}
	}

	private generateToken(headers: http.IncomingHttpHeaders): ConnectReply {
		if (headers['flinks-auth-key'] !== this.secretKey) {
			return unauthorized('The secret key is invalid.');
		}
		const token = randomUUID();
		this.tokens.set(token, { expiresAt: Date.now() + TOKEN_LIFETIME_MS, used: false });
		return { status: 200, body: { HttpStatusCode: 200, Token: token } };
	}

	/** A token is good once, for 30 minutes; Authorize uses it up whatever it answers. */
	private takeToken(headers: http.IncomingHttpHeaders): boolean {
		const token = this.tokens.get(String(headers['flinks-auth-key'] ?? ''));
		if (!token || token.used || Date.now() >= token.expiresAt) return false;
		token.used = true;
		return true;
	}

	private authorize(
		headers: http.IncomingHttpHeaders,
		body: Record<string, unknown>,
	): ConnectReply {
		if (!this.takeToken(headers))
			return unauthorized('The authorize token is invalid, used or expired.');
		const login = this.login(String(body.LoginId ?? ''));
		if (!login) return codeReply('INVALID_LOGIN', 'Invalid login.', this.invalidLoginStatus);
		if (login.failure && (login.failTimes ?? Infinity) > 0) {
			if (login.failTimes !== undefined) login.failTimes--;
			const status = login.failure === 'INVALID_LOGIN' ? this.invalidLoginStatus : undefined;
			return codeReply(login.failure, `Authorize failed: ${login.failure}.`, status);
		}
		const live = body.MostRecentCached !== true;
		this.authorizations.push({ loginId: login.loginId, live });
		const requestId = randomUUID();
		this.requestIds.set(requestId, { loginId: login.loginId, touchedAt: Date.now() });
		if (live && login.mfa && body.SecurityResponses === undefined) {
			return {
				status: 203,
				body: {
					HttpStatusCode: 203,
					RequestId: requestId,
					Login: loginSummary(login),
					SecurityChallenges: [
						{ Type: 'QuestionAndAnswer', Prompt: 'What city were you born in?' },
					],
				},
			};
		}
		if (live) login.lastRefresh = new Date().toISOString().replace(/\.\d+Z$/, '');
		return {
			status: 200,
			body: {
				HttpStatusCode: 200,
				RequestId: requestId,
				Login: loginSummary(login),
				Institution: login.institution,
			},
		};
	}

	private hasApiKey(headers: http.IncomingHttpHeaders): boolean {
		return headers['x-api-key'] === this.apiKey;
	}

	/** The requestId's state, or the SESSION_NONEXISTENT reply when it is unknown or expired. */
	private liveRequest(requestId: string): ConnectRequest | ConnectReply {
		const request = this.requestIds.get(requestId);
		const now = Date.now();
		const expired =
			!request ||
			request.expired ||
			(request.processing
				? now - request.processing.startedAt > PROCESSING_LIFETIME_MS
				: now - request.touchedAt > AUTHORIZED_IDLE_MS);
		if (expired)
			return codeReply('SESSION_NONEXISTENT', 'The RequestId does not exist or has expired.');
		request.touchedAt = now;
		return request;
	}

	private startProcessing(
		headers: http.IncomingHttpHeaders,
		body: Record<string, unknown>,
		kind: 'detail' | 'summary',
	): ConnectReply {
		if (!this.hasApiKey(headers)) return unauthorized('The API key is invalid.');
		const request = this.liveRequest(String(body.RequestId ?? ''));
		if (isReply(request)) return request;
		const login = this.login(request.loginId) as ConnectLogin;
		if ((login.inUseTimes ?? 0) > 0) {
			login.inUseTimes = (login.inUseTimes as number) - 1;
			return codeReply('CARD_IN_USE', 'Another request is using this login.');
		}
		request.processing = { kind, startedAt: Date.now(), pollsLeft: this.pendingPolls, body };
		return this.answer(request, kind);
	}

	private poll(
		headers: http.IncomingHttpHeaders,
		requestId: string,
		kind: 'detail' | 'summary',
	): ConnectReply {
		if (!this.hasApiKey(headers)) return unauthorized('The API key is invalid.');
		const request = this.liveRequest(requestId);
		if (isReply(request)) return request;
		if (request.processing?.kind !== kind) {
			return codeReply(
				'INVALID_REQUEST',
				`No ${kind === 'detail' ? 'GetAccountsDetail' : 'GetAccountsSummary'} was started for this RequestId.`,
			);
		}
		return this.answer(request, kind, true);
	}

	/** The POST answers 202 while polls are to come; each poll answers 202 until none is left. */
	private answer(
		request: ConnectRequest,
		kind: 'detail' | 'summary',
		fromPoll = false,
	): ConnectReply {
		const processing = request.processing as NonNullable<ConnectRequest['processing']>;
		const pending = fromPoll ? processing.pollsLeft-- > 0 : processing.pollsLeft > 0;
		if (pending) {
			const code = fromPoll ? 'OPERATION_PENDING' : this.firstAnswer;
			return codeReply(code, 'Keep polling.', undefined, { RequestId: this.requestIdOf(request) });
		}
		const login = this.login(request.loginId) as ConnectLogin;
		return {
			status: 200,
			body: accountsAnswer(login, this.requestIdOf(request), kind, processing.body),
		};
	}

	private requestIdOf(request: ConnectRequest): string {
		return [...this.requestIds.entries()].find(([, value]) => value === request)?.[0] ?? '';
	}

	private deleteCard(headers: http.IncomingHttpHeaders, loginId: string): ConnectReply {
		const allowed =
			this.deleteCardAuth === 'apiKey' ? this.hasApiKey(headers) : this.takeToken(headers);
		if (!allowed) return unauthorized('Not authorized to delete this card.');
		const login = this.login(loginId);
		if (!login) return codeReply('INVALID_LOGIN', 'Invalid login.', this.invalidLoginStatus);
		this.processedDeletes.push(login.loginId);
		this.logins.delete(loginId.toLowerCase());
		return { status: 200, body: { HttpStatusCode: 200, Message: 'The card was deleted.' } };
	}
}

/** The body Flinks sends with a FlinksCode, at its documented status unless told otherwise. */
export function codeReply(
	code: ConnectCode,
	message: string,
	status: number = CONNECT_CODE_STATUS[code],
	extra: Record<string, unknown> = {},
): ConnectReply {
	return { status, body: { HttpStatusCode: status, Message: message, FlinksCode: code, ...extra } };
}

function unauthorized(message: string): ConnectReply {
	return {
		status: 401,
		body: { HttpStatusCode: 401, Message: message, FlinksCode: 'UNAUTHORIZED' },
	};
}

function isReply(value: ConnectRequest | ConnectReply): value is ConnectReply {
	return 'status' in value;
}

function loginSummary(login: ConnectLogin): Record<string, unknown> {
	return {
		Id: login.loginId,
		Username: 'Greatday',
		IsScheduledRefresh: false,
		LastRefresh: login.lastRefresh,
		Type: 'Personal',
	};
}

/** GetAccountsDetail's (or Summary's) 200: what the request asked for, as Flinks shapes it. */
function accountsAnswer(
	login: ConnectLogin,
	requestId: string,
	kind: 'detail' | 'summary',
	request: Record<string, unknown>,
): Record<string, unknown> {
	const filter = Array.isArray(request.AccountsFilter) ? request.AccountsFilter.map(String) : [];
	const days = request.DaysOfTransactions === 'Days365' ? 365 : 90;
	const since = Date.now() - days * 86_400_000;
	const accounts = login.accounts
		.filter((account) => filter.length === 0 || filter.includes(account.Id))
		.map(({ Holder, Transactions, ...account }) => ({
			...account,
			...(kind === 'detail' && request.WithAccountIdentity === true ? { Holder } : {}),
			...(kind === 'detail' && request.WithTransactions !== false
				? {
						Transactions: Transactions.filter(
							(transaction) => Date.parse(transaction.Date) >= since,
						),
					}
				: {}),
		}));
	return {
		HttpStatusCode: 200,
		Accounts: accounts,
		Login: loginSummary(login),
		InstitutionName: login.institution,
		InstitutionId: 14,
		Institution: login.institution,
		RequestId: requestId,
		...(kind === 'detail' && request.WithKYC === true
			? {
					KYC: {
						Name: login.accounts[0]?.Holder.Name ?? null,
						Email: login.accounts[0]?.Holder.Email ?? null,
					},
				}
			: {}),
	};
}

/** `count` accounts of `perAccount` transactions each, one a day back from yesterday (spread over 360 days when there are more). */
export function makeAccounts(count: number, perAccount: number): ConnectAccount[] {
	return Array.from({ length: count }, (_, a) => {
		let balance = 1000 + a * 250;
		const spacingMs = perAccount > 360 ? (360 * 86_400_000) / perAccount : 86_400_000;
		const transactions = Array.from({ length: perAccount }, (_, t): ConnectTransaction => {
			const debit = t % 3 === 0 ? null : 12.34 + t;
			const credit = debit === null ? 100 + a : null;
			balance = Math.round((balance + (credit ?? 0) - (debit ?? 0)) * 100) / 100;
			return {
				Id: `tx-${a}-${t}`,
				Date: new Date(Date.now() - 86_400_000 - t * spacingMs).toISOString().slice(0, 10),
				Description: t % 3 === 0 ? 'PAYROLL DEPOSIT' : `POS PURCHASE ${t}`,
				Debit: debit,
				Credit: credit,
				Balance: balance,
			};
		});
		return {
			Id: `acct-${a}-${randomBytes(4).toString('hex')}`,
			Title: a === 0 ? 'Chequing' : `Savings ${a}`,
			AccountNumber: `${1234560 + a}`,
			TransitNumber: '77777',
			InstitutionNumber: '777',
			Category: 'Operations',
			Type: a === 0 ? 'Chequing' : 'Savings',
			Currency: 'CAD',
			Balance: { Available: 900 + a, Current: balance, Limit: null },
			Holder: {
				Name: 'John Doe',
				Address: {
					CivicAddress: '1275 avenue des Canadiens-de-Montréal',
					City: 'Montreal',
					Province: 'QC',
					PostalCode: 'H3B 5E8',
					Country: 'CA',
				},
				Email: 'john@example.com',
				PhoneNumber: '(514) 555-0199',
			},
			Transactions: transactions,
		};
	});
}

function parseJson(text: string): Record<string, unknown> {
	try {
		const value: unknown = JSON.parse(text);
		return typeof value === 'object' && value !== null && !Array.isArray(value)
			? (value as Record<string, unknown>)
			: {};
	} catch {
		return {};
	}
}

function safeDecode(value: string): string {
	try {
		return decodeURIComponent(value);
	} catch {
		return value;
	}
}
