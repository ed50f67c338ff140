import type { ICredentialsDecrypted, IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import { scrubSecrets, scrubSecretsDeep } from '../../../credentials/secretText';
import { sleepUnlessAborted } from './abort';
import type { Attempt, LoadFeedback } from './attempt';
import { answerOrRetry, windowFeedback } from './attempt';
import type { FlinksCall, RequestPolicy } from './call';
import { ConcurrencyWindow } from './concurrency';
import type { FlinksResponse, ItemContext } from './errors';
import { notSentError, stoppedOnTheWireError, waitBeforeRetry } from './noAnswerErrors';
import { RetryBudget } from './retry';
import { Deadline, flinksRequest, sendThroughN8n } from './send';
import { sharedStateFor } from './sharedState';

/** A call whose headers may change per attempt: a single-use token must be fresh on every resend. */
export interface KeyedCall extends FlinksCall {
	/** Asked before every attempt, outside the window (it may send a call of its own). */
	headersForAttempt?: () => Promise<IDataObject>;
}

/**
 * The client for Flinks products whose credential carries its keys (Flinks Connect): n8n's
 * `authenticate` adds them to each request, so there is no token exchange to share. It sends
 * through the same layer as FlinksClient — send.ts (deadlines, Stop, redirects refused),
 * attempt.ts (what is retried), the adaptive window shared per credential and instance.
 */
export class KeyedFlinksClient {
	/** In "Stop Workflow" mode, the first item that failed: no item after it sends anything. */
	private stoppedAt = Infinity;

	private readonly signal: AbortSignal | undefined;

	private readonly window: ConcurrencyWindow;

	private readonly load: LoadFeedback;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly credential: ICredentialsDecrypted,
		readonly baseUrl: string,
		private readonly policy: RequestPolicy,
		/** A name for log lines: "Flinks Connect". */
		product: string,
	) {
		this.signal = ctx.getExecutionCancelSignal();
		this.window =
			policy.concurrency === undefined
				? sharedStateFor(credential.id, {}, baseUrl, Date.now()).window
				: new ConcurrencyWindow(policy.concurrency);
		this.load = windowFeedback(this.window, ctx.logger, product);
	}

	/** Where runItems counts the items not started yet (the window weighs probing by it). */
	get backlog(): { addBacklog(count: number): void } {
		return this.window;
	}

	/** How many items may be in progress at once (sending, polling, backing off). */
	get itemsInProgress(): number {
		return 2 * (this.policy.concurrency ?? ConcurrencyWindow.ADAPTIVE_CEILING);
	}

	get node(): INode {
		return this.ctx.getNode();
	}

	get aborted(): boolean {
		return this.signal?.aborted === true;
	}

	stopAfter(itemIndex: number): void {
		this.stoppedAt = Math.min(this.stoppedAt, itemIndex);
	}

	maySend(itemIndex: number): boolean {
		return itemIndex <= this.stoppedAt && !this.aborted;
	}

	/** Sends a call, retrying what is transient; returns every answer but a redirect (an error). */
	async send(call: KeyedCall, item: ItemContext): Promise<FlinksResponse> {
		const budget = new RetryBudget(this.policy);
		for (;;) {
			if (!this.maySend(item.itemIndex)) throw notSentError(this.node, item);
			const attemptHeaders = (await call.headersForAttempt?.()) ?? {};
			const headers = { Accept: 'application/json', ...attemptHeaders };
			const attempt = this.withoutSecrets(await this.request(call, headers, item), attemptHeaders);
			if (this.aborted && !attempt.response) throw this.stoppedError(call, item);
			budget.countAttempt();
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

	/** The answer with the credential's keys and this attempt's token removed, wherever a server quoted them. */
	private withoutSecrets(attempt: Attempt, attemptHeaders: IDataObject): Attempt {
		if (!attempt.response) return attempt;
		const { secretKey, apiKey } = this.credential.data ?? {};
		const secrets = [secretKey, apiKey, ...Object.values(attemptHeaders)].filter(
			(value): value is string => typeof value === 'string',
		);
		const { body, location } = attempt.response;
		return {
			...attempt,
			response: {
				...attempt.response,
				body: scrubSecretsDeep(body, secrets),
				location: location === undefined ? undefined : scrubSecrets(location, secrets),
			},
		};
	}

	/** Stopped mid-request: a call that changes nothing says so; others say what may have happened. */
	private stoppedError(call: FlinksCall, item: ItemContext) {
		const unanswered = call.unanswered ?? {
			consequence: 'it changes nothing at Flinks',
			advice: 'Run the item again to get its answer.',
		};
		return stoppedOnTheWireError(
			this.node,
			{ action: call.action, idempotent: false, unanswered },
			item,
		);
	}

	/** n8n's sleep, ended at once by Stop: false when the execution was stopped meanwhile. */
	async sleepUnlessStopped(delayMs: number): Promise<boolean> {
		return await sleepUnlessAborted(delayMs, this.signal).then(
			() => true,
			() => false,
		);
	}

	/** One HTTP request inside the window, never throwing for a failed request. */
	private async request(
		call: FlinksCall,
		headers: IDataObject,
		item: ItemContext,
	): Promise<Attempt> {
		let inFlightAtSend: number;
		try {
			inFlightAtSend = await this.window.acquire(this.signal);
		} catch {
			throw notSentError(this.node, item);
		}
		const deadline = new Deadline(this.policy.timeoutMs, this.signal);
		try {
			const attempt = await sendThroughN8n(this.ctx, deadline, {
				request: flinksRequest(call, this.baseUrl, headers, this.policy.timeoutMs),
				credentials: this.credential,
			});
			return { ...attempt, inFlightAtSend };
		} finally {
			this.window.release();
		}
	}
}
