import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Attempt, LoadFeedback } from './attempt';
import { answerOrRetry, windowFeedback } from './attempt';
import type { FlinksCall, RequestPolicy } from './call';
import { readFlinksCredential } from './credential';
import { ConcurrencyWindow } from './concurrency';
import { TokenPlace } from './places';
import type { FlinksResponse, ItemContext } from './errors';
import { classifyFailure } from './failures';
import { isRateLimitAnswer } from './problemDetails';
import { RetryBudget } from './retry';
import { sharedStateFor } from './sharedState';
import { WindowedRequests } from './windowedRequests';
import {
	NotSentError,
	notSentError,
	stoppedOnTheWireError,
	waitBeforeRetry,
} from './noAnswerErrors';
import type { TokenTicket } from './tokenGate';
import { TokenSource } from './tokenSource';

/**
 * The one place that speaks HTTP to Flinks, through n8n's httpRequestWithAuthentication (so n8n
 * runs the token exchange and stores the token); the token each request carries comes from the
 * TokenSource. It retries what is transient, never follows a redirect, ends every request at its
 * deadline and stops at once when the execution is stopped.
 */
export class FlinksClient {
	/**
	 * In "Stop Workflow" mode, the first item that failed: as when n8n runs items one by one, the
	 * items before it go on and no item after it sends anything.
	 */
	private stoppedAt = Infinity;

	private readonly requests: WindowedRequests;

	private readonly load: LoadFeedback;

	/** What creates' own token requests tell the window (its exchanges' window when adaptive). */
	private readonly exchangeLoad: LoadFeedback;

	private constructor(
		private readonly ctx: IExecuteFunctions,
		target: { baseUrl: string; credentialsRef: { id: string; name: string }; xClientId: string },
		private readonly tokens: TokenSource,
		private readonly window: ConcurrencyWindow,
		/** How many items may be in progress at once (sending, waiting for the window, backing off). */
		readonly itemsInProgress: number,
		private readonly policy: RequestPolicy,
		private readonly signal: AbortSignal | undefined,
	) {
		this.baseUrl = target.baseUrl;
		this.requests = new WindowedRequests(ctx, window, tokens, target, policy, signal, (index) =>
			this.maySend(index),
		);
		this.load = windowFeedback(window, ctx.logger, 'Flinks Session');
		this.exchangeLoad = window.exchanges
			? windowFeedback(window.exchanges, ctx.logger, 'Flinks Session (token requests)')
			: this.load;
	}

	readonly baseUrl: string;

	/** Reads the credential once per execution and joins the state shared in this n8n instance. */
	static async open(ctx: IExecuteFunctions, policy: RequestPolicy): Promise<FlinksClient> {
		const { credentials, credentialsRef, baseUrl, readStartedAt } = await readFlinksCredential(ctx);
		const shared = sharedStateFor(credentialsRef.id, credentials, baseUrl, readStartedAt);
		const fixed = policy.concurrency;
		const signal = ctx.getExecutionCancelSignal();
		return new FlinksClient(
			ctx,
			{ baseUrl, credentialsRef, xClientId: String(credentials.xClientId ?? '').trim() },
			new TokenSource(ctx, credentialsRef.id, shared.tokenGate, signal, shared.spareTokens),
			fixed === undefined ? shared.window : new ConcurrencyWindow(fixed),
			// Enough items to keep the window full while some wait out a retry.
			2 * (fixed ?? ConcurrencyWindow.ADAPTIVE_CEILING),
			policy,
			signal,
		);
	}

	get node(): INode {
		return this.ctx.getNode();
	}

	/** Where runItems counts the items not started yet (the window weighs probing by it). */
	get backlog(): { addBacklog(count: number): void } {
		return this.window;
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
		try {
			return await this.sendWithRetries(call, item, budget);
		} catch (error) {
			// Stopped while waiting to resend a call that may already have acted: never "not sent".
			if (error instanceof NotSentError && budget.earlierAttemptMayHaveActed) {
				throw stoppedOnTheWireError(this.node, call, item, { beforeRetry: true });
			}
			throw this.asItemError(error, item);
		}
	}

	private async sendWithRetries(
		call: FlinksCall,
		item: ItemContext,
		budget: RetryBudget,
	): Promise<FlinksResponse> {
		let tokenRenewals = 0;
		/** A call's own token that a rate limit kept from initiating anything. */
		let unused: TokenTicket | undefined;
		for (;;) {
			const { ticket, attempt } = await this.sendWithToken(call, item, budget, unused);
			const { response } = attempt;
			const rateLimited = !!response && isRateLimitAnswer(response.statusCode, response.body);
			if (
				response?.statusCode === 401 &&
				!rateLimited &&
				this.tokens.renewsAfterRefusal(ticket, tokenRenewals)
			) {
				// The resend belongs to the same attempt, with a new token.
				tokenRenewals++;
				budget.uncountAttempt();
				unused = undefined;
				continue;
			}
			if (ticket.exchanges) tokenRenewals = Math.max(tokenRenewals, 1);
			unused = rateLimited && ticket.exclusive ? ticket : undefined;
			const next = answerOrRetry(this.node, call, attempt, item, {
				budget,
				baseUrl: this.baseUrl,
				timeoutMs: this.policy.timeoutMs,
				load: this.load,
			});
			if ('answer' in next) return next.answer;
			await waitBeforeRetry(this.node, next.delayMs, this.signal, item);
		}
	}

	/**
	 * One attempt with the token the TokenSource hands out. The request that obtains a new token
	 * for everybody retries the exchange itself while the others wait.
	 */
	private async sendWithToken(
		call: FlinksCall,
		item: ItemContext,
		budget: RetryBudget,
		unused: TokenTicket | undefined,
	): Promise<{ ticket: TokenTicket; attempt: Attempt }> {
		const ticketFor = async (reuse?: TokenTicket) =>
			await this.tokens.ticketFor(item, {
				initiatesSession: call.initiatesSession,
				waitTimeoutMs: this.policy.timeoutMs,
				unused: reuse,
			});
		let ticket = await ticketFor(unused);
		const tokenPlace = new TokenPlace(this.window);
		try {
			for (;;) {
				if (!this.maySend(item.itemIndex)) throw notSentError(this.node, item);
				let attempt: Attempt | undefined;
				const ownExchange = ticket.exclusive === true && ticket.exchanges;
				if (ownExchange) {
					const exchanged = await this.requests.exchangeOwnToken(ticket, item, tokenPlace);
					if (exchanged.ticket) {
						ticket = exchanged.ticket;
						continue;
					}
					attempt = exchanged.attempt;
				} else {
					attempt = await this.requests.request(call, ticket, item, tokenPlace);
				}
				if (!attempt) {
					// The token went bad while this request waited for a place: take the next one.
					ticket = await ticketFor();
					continue;
				}
				if (this.aborted && !attempt.response) throw this.stoppedError(call, attempt, item);
				budget.countAttempt();
				const exchangeAgainInMs = this.tokens.afterRequest(ticket, attempt, budget, item);
				if (exchangeAgainInMs === undefined) return { ticket, attempt };
				this.reportExchangeCongestion(attempt, ownExchange);
				await waitBeforeRetry(this.node, exchangeAgainInMs, this.signal, item);
				ticket = await this.tokens.beforeRetry(ticket, item);
			}
		} catch (error) {
			// A call's own token that never reached Flinks goes to the next create.
			if (error instanceof NotSentError) this.tokens.spare(ticket);
			throw this.asItemError(error, item);
		} finally {
			// Leaving while holding the exchange (stopped, or an unexpected error): a waiter takes over.
			this.tokens.release(ticket);
			tokenPlace.giveBack();
		}
	}

	/**
	 * A failed token request. A create's own: its window hears it, and a 429 (a limit in front of
	 * the API as well) narrows the calls' window too; TOO_MANY_REQUESTS, a 5xx or a lost answer
	 * concern the token endpoint alone. n8n's exchange for the shared token held a call's place.
	 */
	private reportExchangeCongestion(attempt: Attempt, ownExchange: boolean): void {
		if (!ownExchange) return this.load.congested(attempt);
		this.exchangeLoad.congested(attempt);
		if (this.exchangeLoad !== this.load && attempt.tokenEndpointStatus === 429) {
			// A limit both count against: it was met at the calls and token requests on the wire.
			this.load.congested({ ...attempt, inFlightAtSend: attempt.requestsInFlightAtSend });
		}
	}

	private asItemError(error: unknown, item: ItemContext): NodeApiError | NodeOperationError {
		if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
		return new NodeOperationError(this.node, error as Error, { itemIndex: item.itemIndex });
	}

	/** Stopped mid-request: "not sent" only when it failed at its token request, before the call. */
	private stoppedError(call: FlinksCall, attempt: Attempt, item: ItemContext) {
		const kind = attempt.failure && classifyFailure(attempt.failure);
		if (kind === 'tokenRefused' || kind === 'tokenUnavailable' || kind === 'credentialChanged')
			return notSentError(this.node, item);
		return stoppedOnTheWireError(this.node, call, item);
	}
}
