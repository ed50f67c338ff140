import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	INode,
	NodeApiError,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	flinksBaseUrl,
	withTokenRequestSettings,
} from '../../../credentials/FlinksPayApi.credentials';
import { sleepUnlessAborted } from './abort';
import { ConcurrencyWindow } from './concurrency';
import type { FlinksResponse, ItemContext, TokenFailure } from './errors';
import { noAnswerError, redirectError, tokenError } from './errors';
import { classifyFailure, isRetryableFailure, isTransientStatus } from './failures';
import { isRedirectStatus } from './guards';
import type { RetryPolicy } from './retry';
import { RetryBudget } from './retry';
import { credentialKey, sharedStateFor } from './sharedState';
import type { TokenGate, TokenTicket } from './tokenGate';

export const CREDENTIAL_TYPE = 'flinksPayApi';

export interface FlinksCall {
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	/** What the call does, for its errors: "Cancelling session …". */
	action: string;
	/**
	 * False for a call that must not take effect twice (creating a session): it is then retried
	 * only on 429, which Flinks sends before doing anything, never on 5xx, timeouts or resets.
	 */
	idempotent?: boolean;
	/** For a non-idempotent call other than a create: what may have happened when no answer came. */
	unanswered?: { consequence: string; advice: string };
}

/** Retry and concurrency settings, read once per execution from the node's Options. */
export interface RequestPolicy extends RetryPolicy {
	/** A fixed number of items in flight; undefined adapts (a window shared in this n8n instance). */
	concurrency?: number;
}

/** Thrown for an item that was not sent because the execution stopped (Stop button or a failed item). */
export class NotSentError extends NodeOperationError {}

/** One request's outcome: an HTTP answer (any status), or the failure that left it without one. */
interface Attempt {
	response?: FlinksResponse & { retryAfter?: string };
	failure?: NodeApiError;
	startedAt: number;
	durationMs: number;
}

/**
 * The one place that speaks HTTP to Flinks, through n8n's httpRequestWithAuthentication (so n8n
 * runs the token exchange and stores the token). It retries what is transient, never follows a
 * redirect, and stops at once when the execution is stopped.
 */
export class FlinksClient {
	/**
	 * In "Stop Workflow" mode, the first item that failed: as when n8n runs items one by one, the
	 * items before it go on and no item after it sends anything.
	 */
	private stoppedAt = Infinity;

	/** This execution's failed token exchange: its later items fail the same way without asking again. */
	private tokenFailure: TokenFailure | undefined;

	private readonly headers: IDataObject;

	private constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly credentialsRef: { id: string; name: string },
		readonly baseUrl: string,
		xClientId: string,
		private readonly tokenGate: TokenGate,
		private readonly window: ConcurrencyWindow,
		/** How many items may be in progress at once (sending, waiting for the window, backing off). */
		readonly itemsInProgress: number,
		private readonly policy: RequestPolicy,
		private readonly signal: AbortSignal | undefined,
	) {
		this.headers = {
			Accept: 'application/json',
			...(xClientId ? { 'x-client-id': xClientId } : {}),
		};
	}

	/** Reads the credential once per execution and joins the state shared in this n8n instance. */
	static async open(
		ctx: IExecuteFunctions,
		policy: RequestPolicy,
		oneAtATime = false,
	): Promise<FlinksClient> {
		const readStartedAt = Date.now();
		const credentials = await ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPE);
		const baseUrl = flinksBaseUrl(credentials);
		if (!/^https?:\/\/[^/\s]+/i.test(baseUrl)) {
			throw new NodeOperationError(
				ctx.getNode(),
				'The Flinks Pay API credential has no valid base URL',
				{
					description: 'Open the credential and choose an environment or enter a Custom Base URL.',
				},
			);
		}
		const ref = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
		const credentialsRef = { id: ref?.id ?? '', name: ref?.name ?? '' };
		const shared = sharedStateFor(credentialsRef.id, credentials, baseUrl, readStartedAt);
		const fixed = oneAtATime ? 1 : policy.concurrency;
		return new FlinksClient(
			ctx,
			credentialsRef,
			baseUrl,
			String(credentials.xClientId ?? '').trim(),
			shared.tokenGate,
			fixed === undefined ? shared.window : new ConcurrencyWindow(fixed),
			// Enough items to keep the window full while some wait out a retry.
			oneAtATime ? 1 : 2 * (fixed ?? ConcurrencyWindow.ADAPTIVE_CEILING),
			policy,
			ctx.getExecutionCancelSignal(),
		);
	}

	get node(): INode {
		return this.ctx.getNode();
	}

	/** Item `itemIndex` failed in "Stop Workflow" mode: items after it send nothing more. */
	stopAfter(itemIndex: number): void {
		this.stoppedAt = Math.min(this.stoppedAt, itemIndex);
	}

	/** Whether item `itemIndex` may still send requests. */
	maySend(itemIndex: number): boolean {
		return itemIndex <= this.stoppedAt && !this.aborted;
	}

	/** True once the execution was stopped (n8n's Stop button, a timeout, a shutdown). */
	get aborted(): boolean {
		return this.signal?.aborted === true;
	}

	/**
	 * Sends a call, retrying what is transient. Returns every answer but a redirect (an error);
	 * throws when no answer came after the retries, or when the token exchange failed.
	 */
	async send(call: FlinksCall, item: ItemContext): Promise<FlinksResponse> {
		const budget = new RetryBudget(this.policy);
		let tokenRenewals = 0;
		for (;;) {
			const { ticket, attempt } = await this.sendWithToken(call, item, budget);
			if (attempt.response?.statusCode === 401 && renewsToken(ticket, tokenRenewals)) {
				// The resend belongs to the same attempt.
				tokenRenewals++;
				this.tokenGate.invalidate(ticket.token);
				budget.uncountAttempt();
				continue;
			}
			if (ticket.exchanges) tokenRenewals = Math.max(tokenRenewals, 1);
			const delayMs = this.retryDelay(call, attempt, budget);
			if (delayMs === undefined) return this.finalAnswer(call, attempt, item, budget.attempts);
			await this.backOff(delayMs, item);
		}
	}

	/**
	 * One attempt with the current token. The request that obtains a new token for everybody
	 * retries the exchange itself while the others wait, and fails them all when it gives up.
	 */
	private async sendWithToken(
		call: FlinksCall,
		item: ItemContext,
		budget: RetryBudget,
	): Promise<{ ticket: TokenTicket; attempt: Attempt }> {
		let ticket = await this.acquireToken(item);
		try {
			for (;;) {
				if (!this.maySend(item.itemIndex)) throw this.notSent(item);
				if (ticket.exchanges && (await this.tookStoredToken(ticket))) {
					ticket = await this.acquireToken(item);
					continue;
				}
				const attempt = await this.request(call, ticket, item);
				if (this.aborted) throw this.notSent(item);
				if (!attempt) {
					// The token went bad while this request waited for a place: take the next one.
					ticket = await this.acquireToken(item);
					continue;
				}
				budget.countAttempt();
				if (!ticket.exchanges) return { ticket, attempt };
				if (this.tokenGate.obtained(ticket)) {
					this.tokenGate.publish(ticket);
					return { ticket, attempt };
				}
				// n8n's token exchange failed, so the call itself was not sent.
				const retryable =
					attempt.failure && classifyFailure(attempt.failure) === 'tokenUnavailable';
				const delayMs = retryable ? budget.nextDelay() : undefined;
				if (delayMs === undefined) {
					throw this.failExchange(ticket, attempt.failure, item, budget.attempts);
				}
				this.recordCongestion(attempt.startedAt);
				await this.backOff(delayMs, item);
			}
		} finally {
			// Leaving while holding the exchange (stopped, or an unexpected error): a waiter takes over.
			this.tokenGate.release(ticket);
		}
	}

	/**
	 * Before each token request: reads the credential again, and takes the token another n8n
	 * instance (a queue-mode worker) or execution stored meanwhile, so that instances which all
	 * saw the old token refused do not each exchange one. A failed read, or a credential edited
	 * meanwhile, just means exchanging.
	 */
	private async tookStoredToken(ticket: TokenTicket): Promise<boolean> {
		let stored: ICredentialDataDecryptedObject;
		try {
			stored = await this.ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPE);
		} catch {
			return false;
		}
		const key = credentialKey(this.credentialsRef.id, stored, flinksBaseUrl(stored));
		if (key !== this.tokenGate.credentialKey) return false;
		return this.tokenGate.takeStoredInstead(ticket, stored);
	}

	/** Records the window's feedback; the wait before retrying, or undefined when this is final. */
	private retryDelay(call: FlinksCall, attempt: Attempt, budget: RetryBudget): number | undefined {
		const idempotent = call.idempotent !== false;
		const { response, failure } = attempt;
		if (response) {
			if (isRedirectStatus(response.statusCode)) return undefined;
			const congested = isTransientStatus(response.statusCode);
			if (congested) this.recordCongestion(attempt.startedAt);
			else this.window.recordClean(attempt.durationMs);
			// A call that must not take effect twice is resent only after a 429, which Flinks sends before acting.
			const retryable = congested && (idempotent || response.statusCode === 429);
			return retryable ? budget.nextDelay(response.retryAfter) : undefined;
		}
		const retryable = isRetryableFailure(classifyFailure(failure as NodeApiError));
		if (retryable) this.recordCongestion(attempt.startedAt);
		return retryable && idempotent ? budget.nextDelay() : undefined;
	}

	private recordCongestion(requestStartedAt: number): void {
		const before = this.window.limit;
		if (!this.window.recordCongestion(requestStartedAt)) return;
		this.ctx.logger.debug(
			`Flinks Session: Flinks signalled congestion; at most ${this.window.limit} requests at once now (was ${before})`,
			{ inFlight: this.window.inFlight },
		);
	}

	/** The answer the operation gets, or the error that says why there is none. */
	private finalAnswer(
		call: FlinksCall,
		attempt: Attempt,
		item: ItemContext,
		attempts: number,
	): FlinksResponse {
		const { response, failure } = attempt;
		if (response && isRedirectStatus(response.statusCode)) {
			throw redirectError(this.node, { ...response, attempts }, call.action, item, this.baseUrl);
		}
		if (response) return { ...response, attempts };
		const error = failure as NodeApiError;
		throw noAnswerError(this.node, error, classifyFailure(error), call.action, item, {
			attempts,
			timeoutMs: this.policy.timeoutMs,
			idempotent: call.idempotent !== false,
			unanswered: call.unanswered,
		});
	}

	private async acquireToken(item: ItemContext): Promise<TokenTicket> {
		if (this.tokenFailure) throw tokenError(this.node, this.tokenFailure, item);
		try {
			return await this.tokenGate.acquire(this.signal);
		} catch (failure) {
			if (this.aborted) throw this.notSent(item);
			this.tokenFailure = failure as TokenFailure;
			throw tokenError(this.node, this.tokenFailure, item);
		}
	}

	/** Ends the exchange for every request waiting on it; returns this item's error. */
	private failExchange(
		ticket: TokenTicket,
		error: NodeApiError | undefined,
		item: ItemContext,
		attempts: number,
	): NodeApiError {
		const failure: TokenFailure = {
			message: error?.message ?? 'Flinks did not issue an access token',
			description: error?.description ?? undefined,
			attempts,
		};
		this.tokenFailure = failure;
		this.tokenGate.fail(ticket, failure);
		return tokenError(this.node, failure, item);
	}

	private async backOff(delayMs: number, item: ItemContext): Promise<void> {
		try {
			await sleepUnlessAborted(delayMs, this.signal);
		} catch (error) {
			if (this.aborted) throw this.notSent(item);
			throw new NodeOperationError(this.node, error as Error, { itemIndex: item.itemIndex });
		}
	}

	/**
	 * One HTTP request through n8n, inside the window, never throwing for a failed request: n8n
	 * adds the token (and obtains it when asked). Only requests on the wire hold a place; undefined
	 * when the ticket's token went bad while waiting for one.
	 */
	private async request(
		call: FlinksCall,
		ticket: TokenTicket,
		item: ItemContext,
	): Promise<Attempt | undefined> {
		try {
			await this.window.acquire(this.signal);
		} catch {
			throw this.notSent(item);
		}
		if (!this.tokenGate.isCurrent(ticket)) {
			this.window.release();
			return undefined;
		}
		const startedAt = Date.now();
		const credentials = ticket.exchanges
			? withTokenRequestSettings(ticket.credentials, {
					timeoutMs: this.policy.timeoutMs,
					abortSignal: this.signal,
				})
			: ticket.credentials;
		try {
			const response = (await this.ctx.helpers.httpRequestWithAuthentication.call(
				this.ctx,
				CREDENTIAL_TYPE,
				{
					method: call.method,
					url: `${this.baseUrl}${call.path}`,
					headers: this.headers,
					...(call.body ? { body: call.body } : {}),
					json: true,
					timeout: this.policy.timeoutMs,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					// Credentials must never reach another host: a redirect is an error, not followed.
					disableFollowRedirect: true,
					sendCredentialsOnCrossOriginRedirect: false,
				},
				{
					credentialsDecrypted: {
						...this.credentialsRef,
						type: CREDENTIAL_TYPE,
						data: credentials,
					},
				},
			)) as { statusCode: number; body: unknown; headers?: Record<string, unknown> };
			const { statusCode, body, headers } = response;
			const retryAfter = header(headers, 'retry-after');
			return {
				response: {
					statusCode,
					body,
					attempts: 0,
					retryAfter,
					location: header(headers, 'location'),
				},
				startedAt,
				durationMs: Date.now() - startedAt,
			};
		} catch (error) {
			return { failure: error as NodeApiError, startedAt, durationMs: Date.now() - startedAt };
		} finally {
			this.window.release();
		}
	}

	private notSent(item: ItemContext): NotSentError {
		return new NotSentError(this.node, 'Not sent: the execution stopped before this item', {
			itemIndex: item.itemIndex,
		});
	}
}

/** Enough for a token another instance stored that went bad too, then one of our own. */
const MAX_TOKEN_RENEWALS = 3;

/**
 * Whether a 401 to an item is worth a new token: the first time, and again only while the refused
 * token came from n8n's store (another instance's, perhaps revoked too). A token just obtained from
 * Flinks and refused, or one the item obtained itself, means the credential does not work.
 */
function renewsToken(ticket: TokenTicket, renewals: number): boolean {
	if (ticket.exchanges) return false;
	if (renewals === 0) return true;
	return !ticket.fresh && renewals < MAX_TOKEN_RENEWALS;
}

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
	const value = headers?.[name];
	return typeof value === 'string' ? value : undefined;
}
