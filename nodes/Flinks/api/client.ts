import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { withTokenRequestSettings } from '../../../credentials/flinksPayToken';
import { sleepUnlessAborted } from './abort';
import type { Attempt, LoadFeedback } from './attempt';
import { answerOrRetry, congestionSignal } from './attempt';
import type { FlinksCall, RequestPolicy } from './call';
import { CREDENTIAL_TYPE, readFlinksCredential } from './credential';
import { ConcurrencyWindow } from './concurrency';
import { TokenPlace } from './places';
import type { FlinksResponse, ItemContext } from './errors';
import { classifyFailure } from './failures';
import { isRateLimitAnswer } from './problemDetails';
import { RetryBudget } from './retry';
import { Deadline, flinksRequest, sendThroughN8n } from './send';
import { sharedStateFor } from './sharedState';
import { NotSentError, notSentError, stoppedOnTheWireError } from './noAnswerErrors';
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

	private readonly headers: IDataObject;

	private constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly credentialsRef: { id: string; name: string },
		readonly baseUrl: string,
		xClientId: string,
		private readonly tokens: TokenSource,
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
	static async open(ctx: IExecuteFunctions, policy: RequestPolicy): Promise<FlinksClient> {
		const { credentials, credentialsRef, baseUrl, readStartedAt } = await readFlinksCredential(ctx);
		const shared = sharedStateFor(credentialsRef.id, credentials, baseUrl, readStartedAt);
		const fixed = policy.concurrency;
		const signal = ctx.getExecutionCancelSignal();
		return new FlinksClient(
			ctx,
			credentialsRef,
			baseUrl,
			String(credentials.xClientId ?? '').trim(),
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
			await this.backOff(next.delayMs, item);
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
				if (ticket.exclusive && ticket.exchanges) {
					const exchanged = await this.exchangeOwnToken(ticket, item, tokenPlace);
					if (exchanged.ticket) {
						ticket = exchanged.ticket;
						continue;
					}
					attempt = exchanged.attempt;
				} else {
					attempt = await this.request(call, ticket, item, tokenPlace);
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
				this.recordCongestion(attempt);
				await this.backOff(exchangeAgainInMs, item);
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
	 * A call that initiates a session exchanges its own token in one of the window's token places
	 * (exchanges count against the window), kept until its call is sent: exchanges overlap the
	 * calls, and no more tokens wait unsent than the window lets calls go.
	 */
	private async exchangeOwnToken(
		ticket: TokenTicket,
		item: ItemContext,
		tokenPlace: TokenPlace,
	): Promise<{ ticket?: TokenTicket; attempt: Attempt }> {
		try {
			await tokenPlace.take(this.signal);
		} catch {
			throw notSentError(this.node, item);
		}
		if (!this.maySend(item.itemIndex)) throw notSentError(this.node, item);
		const deadline = new Deadline(this.policy.timeoutMs, this.signal);
		const exchanged = await this.tokens.exchangeOwn(ticket, deadline, item);
		if (!exchanged.ticket) tokenPlace.giveBack();
		return exchanged;
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

	private readonly load: LoadFeedback = {
		congested: (attempt) => this.recordCongestion(attempt),
		clean: (attempt) => this.window.recordClean(attempt.durationMs, attempt.inFlightAtSend),
	};

	private recordCongestion(attempt: Attempt): void {
		const before = this.window.limit;
		if (!this.window.recordCongestion(congestionSignal(attempt))) return;
		this.ctx.logger.debug(
			`Flinks Session: Flinks signalled congestion; at most ${this.window.limit} requests at once now (was ${before})`,
			{ inFlight: this.window.inFlight },
		);
	}

	private async backOff(delayMs: number, item: ItemContext): Promise<void> {
		try {
			await sleepUnlessAborted(delayMs, this.signal);
		} catch (error) {
			if (this.aborted) throw notSentError(this.node, item);
			throw new NodeOperationError(this.node, error as Error, { itemIndex: item.itemIndex });
		}
	}

	/**
	 * Waits for a place in the window; throws "not sent" when the item may no longer send. A call
	 * that must not take effect twice first lets the answer that freed the place be judged: in
	 * "Stop Workflow" mode, no create or decision leaves after another one failed.
	 */
	private async takePlace(
		item: ItemContext,
		judgeFreedAnswer: boolean,
		holdsOwnToken: boolean,
	): Promise<number> {
		let inFlight: number;
		try {
			// A call holding its own token goes before the others: few tokens wait unused.
			inFlight = await this.window.acquire(this.signal, holdsOwnToken);
			if (judgeFreedAnswer) await sleep(0);
		} catch {
			throw notSentError(this.node, item);
		}
		if (this.maySend(item.itemIndex)) return inFlight;
		this.window.release();
		throw notSentError(this.node, item);
	}

	/**
	 * One HTTP request inside the window, never throwing for a failed request. Only requests on the
	 * wire hold a place; undefined when the ticket's token went bad while waiting for one.
	 */
	private async request(
		call: FlinksCall,
		ticket: TokenTicket,
		item: ItemContext,
		tokenPlace: TokenPlace,
	): Promise<Attempt | undefined> {
		const inFlightAtSend = await this.takePlace(
			item,
			call.idempotent === false,
			ticket.exclusive === true,
		);
		// The call is on its way: its token no longer waits, so another create may exchange one.
		tokenPlace.giveBack();
		if (!this.tokens.isCurrent(ticket)) {
			this.window.release();
			return undefined;
		}
		const deadline = new Deadline(this.policy.timeoutMs, this.signal);
		const credentials = ticket.exchanges
			? withTokenRequestSettings(ticket.credentials, {
					timeoutMs: this.policy.timeoutMs,
					abortSignal: deadline.signal,
					credentialUnchanged: async () => await this.tokens.credentialUnchanged(),
				})
			: ticket.credentials;
		try {
			const attempt = await sendThroughN8n(this.ctx, deadline, {
				request: flinksRequest(call, this.baseUrl, this.headers, this.policy.timeoutMs),
				credentials: { ...this.credentialsRef, type: CREDENTIAL_TYPE, data: credentials },
			});
			return { ...attempt, inFlightAtSend };
		} finally {
			this.window.release();
		}
	}
}
