import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { flinksBaseUrl } from '../../../credentials/FlinksPayApi.credentials';
import { ConcurrencyWindow } from './concurrency';

export const CREDENTIAL_TYPE = 'flinksPayApi';

export interface FlinksCall {
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	/**
	 * False for a call that must not take effect twice (creating a session): it is then retried
	 * only on 429, which Flinks sends before doing anything, never on 5xx, timeouts or resets.
	 */
	idempotent?: boolean;
}

/** Which input item a call serves, and the session it concerns: both end up on its errors. */
export interface ItemContext {
	itemIndex: number;
	sessionId?: string;
}

/** An HTTP answer from Flinks; `attempts` counts every try including retries. */
export interface FlinksResponse {
	statusCode: number;
	body: unknown;
	attempts: number;
}

/** RFC 7807 ProblemDetails as Flinks returns them. */
export interface FlinksProblem {
	type?: string;
	title?: string;
	status?: number;
	detail?: string;
	traceId?: string;
}

export interface RetryPolicy {
	maxRetries: number;
	/** Upper bound on the total time spent waiting between attempts of one call. */
	maxTotalWaitMs: number;
	baseDelayMs: number;
	maxDelayMs: number;
	timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 3,
	maxTotalWaitMs: 60_000,
	baseDelayMs: 500,
	maxDelayMs: 20_000,
	timeoutMs: 30_000,
};

const TRANSIENT_STATUSES = new Set([429, 500, 502, 503, 504]);

/**
 * The one place that speaks HTTP to Flinks. It sends through n8n's
 * httpRequestWithAuthentication (so n8n obtains and stores the token), retries
 * transient failures with full-jitter backoff and Retry-After, and funnels every
 * 401 through n8n's own refresh once, however many calls hit it at the same time.
 */
export class FlinksClient {
	private refreshing: Promise<void> | undefined;

	private tokenGeneration = 0;

	/** The request that is obtaining the execution's token, while none has succeeded yet. */
	private firstRequest: Promise<void> | undefined;

	private tokenObtained = false;

	/** Once Flinks has refused the client credentials, the other items fail without asking again. */
	private credentialRefusal: NodeApiError | undefined;

	private constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly baseUrl: string,
		private readonly xClientId: string,
		private readonly policy: RetryPolicy,
		readonly window: ConcurrencyWindow,
	) {}

	static async create(ctx: IExecuteFunctions): Promise<FlinksClient> {
		const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
		const baseUrl = flinksBaseUrl(credentials);
		if (!/^https?:\/\/[^/\s]+/i.test(baseUrl)) {
			throw new NodeOperationError(
				ctx.getNode(),
				'The Flinks Pay API credential has no valid base URL',
				{ description: 'Open the credential and choose an environment or enter a Custom Base URL.' },
			);
		}
		const { concurrency } = ctx.getNodeParameter('options', 0, {}) as { concurrency?: number };
		return new FlinksClient(
			ctx,
			baseUrl,
			String(credentials.xClientId ?? '').trim(),
			retryPolicyOf(ctx),
			new ConcurrencyWindow(concurrency && concurrency > 0 ? Math.floor(concurrency) : undefined),
		);
	}

	get hostedBaseUrl(): string {
		return this.baseUrl;
	}

	/** Sends a call, retrying what is transient; never throws for an HTTP status. */
	async send(call: FlinksCall, at: ItemContext): Promise<FlinksResponse> {
		let attempts = 0;
		let waitedMs = 0;
		let refreshedOnce = false;
		for (;;) {
			attempts++;
			const generation = this.tokenGeneration;
			const startedAt = Date.now();
			let outcome = await this.settle(this.sendOnce(call));

			if (outcome.response?.statusCode === 401 && !refreshedOnce) {
				refreshedOnce = true;
				outcome = await this.refreshAndResend(call, generation);
			}
			const congested = outcome.response
				? isTransientStatus(outcome.response.statusCode)
				: isTransientFailure(outcome.failure as NodeApiError);
			if (congested) this.window.recordCongestion(startedAt);
			else this.window.recordClean();

			// A call that must not take effect twice is resent only after a 429, which Flinks sends before acting.
			const retryable = congested && (call.idempotent !== false || outcome.response?.statusCode === 429);
			const delayMs =
				retryable && attempts <= this.policy.maxRetries
					? this.nextDelay(attempts, outcome.response?.retryAfter, waitedMs)
					: undefined;
			if (delayMs === undefined) {
				if (outcome.response) return { ...outcome.response, attempts };
				throw unreachableError(outcome.failure as NodeApiError, at, attempts);
			}
			waitedMs += delayMs;
			await sleep(delayMs);
		}
	}

	/**
	 * Requests go one at a time until one has succeeded (and with it n8n's token exchange),
	 * so that concurrent ones do not each exchange a token, also after a failed first one.
	 */
	private async sendOnce(call: FlinksCall, throwOnHttpError = false): Promise<RawResponse> {
		while (!this.tokenObtained) {
			if (this.credentialRefusal) throw this.credentialRefusal;
			if (this.firstRequest === undefined) {
				const pending = this.request(call, throwOnHttpError);
				this.firstRequest = pending.then(
					() => {
						this.tokenObtained = true;
					},
					(error: NodeApiError) => {
						if (isCredentialFailure(error)) this.credentialRefusal = error;
						this.firstRequest = undefined;
					},
				);
				return await pending;
			}
			await this.firstRequest;
		}
		return await this.request(call, throwOnHttpError);
	}

	private async request(call: FlinksCall, throwOnHttpError: boolean): Promise<RawResponse> {
		const options: IHttpRequestOptions = {
			method: call.method,
			url: `${this.baseUrl}${call.path}`,
			headers: {
				Accept: 'application/json',
				...(this.xClientId ? { 'x-client-id': this.xClientId } : {}),
			},
			json: true,
			timeout: this.policy.timeoutMs,
			returnFullResponse: true,
			ignoreHttpStatusErrors: !throwOnHttpError,
		};
		if (call.body) options.body = call.body;
		const response = (await this.ctx.helpers.httpRequestWithAuthentication.call(
			this.ctx,
			CREDENTIAL_TYPE,
			options,
		)) as { statusCode: number; body: unknown; headers?: Record<string, unknown> };
		return {
			statusCode: response.statusCode,
			body: response.body,
			retryAfter: header(response.headers, 'retry-after'),
		};
	}

	/**
	 * With ignoreHttpStatusErrors n8n does not see the 401, so the call is sent once more
	 * in throwing mode: n8n then runs the credential's preAuthentication and retries.
	 * Only one such refresh runs at a time; calls that raced it reuse the fresh token.
	 */
	private async refreshAndResend(call: FlinksCall, generation: number): Promise<Outcome> {
		if (this.refreshing) await this.refreshing.catch(() => undefined);
		if (generation !== this.tokenGeneration) return this.settle(this.sendOnce(call));

		let release!: () => void;
		this.refreshing = new Promise<void>((resolve) => (release = resolve));
		try {
			const outcome = await this.settle(this.sendOnce(call, true));
			this.tokenGeneration++;
			if (outcome.failure && httpStatusOf(outcome.failure) !== undefined) {
				return { response: responseFromError(outcome.failure) };
			}
			return outcome;
		} finally {
			this.refreshing = undefined;
			release();
		}
	}

	private async settle(pending: Promise<RawResponse>): Promise<Outcome> {
		try {
			return { response: await pending };
		} catch (error) {
			return { failure: error as NodeApiError };
		}
	}

	/**
	 * Full-jitter exponential backoff, never shorter than Retry-After; undefined once the
	 * wait would exceed what is left of the total cap.
	 */
	private nextDelay(attempts: number, retryAfter: string | undefined, waitedMs: number) {
		const budget = this.policy.maxTotalWaitMs - waitedMs;
		const ceiling = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempts - 1));
		const jitter = Math.floor(Math.random() * ceiling);
		const delay = Math.max(parseRetryAfter(retryAfter) ?? 0, jitter);
		return delay <= budget ? delay : undefined;
	}
}

interface RawResponse {
	statusCode: number;
	body: unknown;
	retryAfter?: string;
}

interface Outcome {
	response?: RawResponse;
	failure?: NodeApiError;
}

/** Max Retries and Timeout from the first item's Options (one policy per execution). */
function retryPolicyOf(ctx: IExecuteFunctions): RetryPolicy {
	const options = ctx.getNodeParameter('options', 0, {}) as { maxRetries?: number; timeout?: number };
	return {
		...DEFAULT_RETRY_POLICY,
		maxRetries: Math.max(0, Math.floor(options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries)),
		timeoutMs: Math.max(1, options.timeout ?? DEFAULT_RETRY_POLICY.timeoutMs),
	};
}

export function isTransientStatus(statusCode: number): boolean {
	return TRANSIENT_STATUSES.has(statusCode);
}

/** Network-level failures (reset, refused, timeout) are transient; auth-exchange failures are not. */
function isTransientFailure(error: NodeApiError): boolean {
	const status = httpStatusOf(error);
	if (status !== undefined) return isTransientStatus(status);
	return !isCredentialFailure(error);
}

/** The token exchange refused the credential; its 429/5xx answers are transient like any other. */
function isCredentialFailure(error: Error): boolean {
	if (/Flinks rejected the client ID/.test(error.message)) return true;
	const exchange = /Flinks did not issue an access token \(HTTP (\d{3})/.exec(error.message);
	return exchange !== null && !isTransientStatus(Number(exchange[1]));
}

function httpStatusOf(error: NodeApiError): number | undefined {
	const status = Number(error.httpCode);
	return Number.isInteger(status) && status >= 100 ? status : undefined;
}

function responseFromError(error: NodeApiError): RawResponse {
	return {
		statusCode: httpStatusOf(error) as number,
		body: (error.context?.data as unknown) ?? error.description ?? '',
	};
}

/** A failure with no HTTP answer: the token exchange, or the network after the last retry. */
function unreachableError(error: NodeApiError, at: ItemContext, attempts: number): NodeApiError {
	const message = isCredentialFailure(error)
		? error.message
		: `Could not reach Flinks${at.sessionId ? ` for session ${at.sessionId}` : ''}: ${error.message}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`;
	const failure = new NodeApiError(error.node, { message } as JsonObject, {
		message,
		description: error.description ?? undefined,
		itemIndex: at.itemIndex,
	});
	return tagged(failure, at);
}

function tagged(error: NodeApiError, at: ItemContext): NodeApiError {
	if (at.sessionId) error.context.sessionId = at.sessionId;
	return error;
}

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
	const value = headers?.[name];
	return typeof value === 'string' ? value : undefined;
}

/** Retry-After in seconds or as an HTTP-date, in milliseconds from now. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Reads a ProblemDetails body if the answer carries one. */
export function problemOf(body: unknown): FlinksProblem | undefined {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
	const { type, title, status, detail, traceId } = body as IDataObject;
	if (title === undefined && detail === undefined) return undefined;
	return {
		type: typeof type === 'string' ? type : undefined,
		title: typeof title === 'string' ? title : undefined,
		status: typeof status === 'number' ? status : undefined,
		detail: typeof detail === 'string' ? detail : undefined,
		traceId: typeof traceId === 'string' ? traceId : undefined,
	};
}

/** A NodeApiError for a non-2xx answer, naming what failed, the status and Flinks' own words. */
export function flinksHttpError(
	ctx: IExecuteFunctions,
	response: FlinksResponse,
	what: string,
	at: ItemContext,
): NodeApiError {
	const problem = problemOf(response.body);
	const reason = problem
		? [problem.title, problem.detail].filter(Boolean).join(': ')
		: describeBody(response.body);
	const message = `${what} failed: Flinks answered HTTP ${response.statusCode}${reason ? ` (${reason})` : ''}`;
	const description = [
		problem?.type,
		problem?.traceId ? `Flinks trace ID: ${problem.traceId}` : undefined,
		response.attempts > 1 ? `Attempts: ${response.attempts}` : undefined,
	]
		.filter(Boolean)
		.join(' — ');
	const error = new NodeApiError(ctx.getNode(), (problem ?? { status: response.statusCode }) as JsonObject, {
		message,
		description: description || undefined,
		httpCode: String(response.statusCode),
		itemIndex: at.itemIndex,
	});
	return tagged(error, at);
}

export function describeBody(body: unknown): string {
	if (body === undefined || body === null || body === '') return 'empty body';
	if (typeof body === 'string') {
		return /^\s*</.test(body) ? 'an HTML page instead of JSON' : 'a body that is not valid JSON';
	}
	return '';
}
