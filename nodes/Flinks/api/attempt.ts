import type { INode, NodeApiError } from 'n8n-workflow';

import type { FlinksCall } from './call';
import type { FlinksResponse, ItemContext } from './errors';
import { redirectError } from './errors';
import { isRateLimitAnswer } from './problemDetails';
import { classifyFailure, isRetryableFailure, isTransientStatus } from './failures';
import { isRedirectStatus } from './guards';
import { mayHaveActed, noAnswerError, unansweredCallOf } from './noAnswerErrors';
import type { ConcurrencyWindow, CongestionSignal } from './concurrency';
import type { RetryBudget } from './retry';
import { parseRetryAfter } from './retry';

/** One request's outcome: an HTTP answer (any status), or the failure that left it without one. */
export interface Attempt {
	response?: FlinksResponse & { retryAfter?: string };
	failure?: NodeApiError;
	startedAt: number;
	durationMs: number;
	/** The window's requests in flight when it was sent, itself included. */
	inFlightAtSend?: number;
	/** A failed token request's HTTP status, when the token endpoint answered. */
	tokenEndpointStatus?: number;
	/** A create's token request: calls and token requests on the wire when it was sent, itself included. */
	requestsInFlightAtSend?: number;
}

/** Connections that never reached Flinks: nothing was sent, so nothing can have happened. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether Flinks may have acted on a call before its answer was lost: a 5xx (a gateway may fail
 * after Flinks acted), a timeout or a broken connection. A 429 comes before Flinks acts; a failed
 * token request means the call was never sent.
 */
export function couldHaveActed(attempt: Attempt): boolean {
	if (attempt.response) {
		const { statusCode } = attempt.response;
		return statusCode !== 429 && isTransientStatus(statusCode);
	}
	if (!attempt.failure) return false;
	const kind = classifyFailure(attempt.failure);
	if (kind === 'timeout') return true;
	return kind === 'connection' && !NEVER_CONNECTED.has(String(attempt.failure.httpCode ?? ''));
}

/** Where the client reports what an answer says about Flinks' load (its concurrency window). */
export interface LoadFeedback {
	congested(attempt: Attempt): void;
	clean(attempt: Attempt): void;
}

/** Reports the answer's load signal; the wait before retrying, or undefined when this is final. */
export function retryDelay(
	call: FlinksCall,
	attempt: Attempt,
	budget: RetryBudget,
	rateLimited: boolean,
	load: LoadFeedback,
): number | undefined {
	const idempotent = call.idempotent !== false;
	const { response, failure } = attempt;
	if (response) {
		if (isRedirectStatus(response.statusCode)) return undefined;
		const congested = rateLimited || isTransientStatus(response.statusCode);
		if (congested) load.congested(attempt);
		else load.clean(attempt);
		// A call that must not take effect twice is resent only after a rate limit, which Flinks sends before acting.
		const retryable = congested && (idempotent || rateLimited);
		return retryable ? budget.nextDelay(response.retryAfter) : undefined;
	}
	const retryable = isRetryableFailure(classifyFailure(failure as NodeApiError));
	if (retryable) load.congested(attempt);
	return retryable && idempotent ? budget.nextDelay() : undefined;
}

/**
 * After one attempt: the operation's answer (or the error that says why there is none, thrown), or
 * how long to wait before resending; a resend after an attempt that could have acted is remembered.
 */
export function answerOrRetry(
	node: INode,
	call: FlinksCall,
	attempt: Attempt,
	item: ItemContext,
	{
		budget,
		baseUrl,
		timeoutMs,
		load,
	}: { budget: RetryBudget; baseUrl: string; timeoutMs: number; load: LoadFeedback },
): { answer: FlinksResponse } | { delayMs: number } {
	budget.sent++;
	const { response } = attempt;
	const rateLimited = !!response && isRateLimitAnswer(response.statusCode, response.body);
	const delayMs = retryDelay(call, attempt, budget, rateLimited, load);
	if (delayMs === undefined) {
		return { answer: finalAnswer(node, call, attempt, item, { budget, baseUrl, timeoutMs }) };
	}
	if (couldHaveActed(attempt)) budget.earlierAttemptMayHaveActed = true;
	return { delayMs };
}

/** The answer the operation gets, or the error that says why there is none. */
export function finalAnswer(
	node: INode,
	call: FlinksCall,
	attempt: Attempt,
	item: ItemContext,
	{ budget, baseUrl, timeoutMs }: { budget: RetryBudget; baseUrl: string; timeoutMs: number },
): FlinksResponse {
	const { response, failure } = attempt;
	const attempts = budget.sent;
	if (response && isRedirectStatus(response.statusCode)) {
		const unanswered = unansweredCallOf(call, item);
		const error = redirectError(node, { ...response, attempts }, call.action, item, {
			baseUrl,
			mayHaveActed: unanswered,
		});
		// A Stop or a failed item then names it among the calls that may have acted.
		throw unanswered ? mayHaveActed(error, item) : error;
	}
	if (response) {
		return { ...response, attempts, earlierAttemptMayHaveActed: budget.earlierAttemptMayHaveActed };
	}
	const error = failure as NodeApiError;
	throw noAnswerError(node, error, classifyFailure(error), call.action, item, {
		attempts,
		timeoutMs,
		idempotent: call.idempotent !== false,
		unanswered: call.unanswered,
	});
}

/** What an attempt that met congestion tells the window about Flinks' limit. */
function congestionSignal(attempt: Attempt): CongestionSignal {
	return {
		startedAt: attempt.startedAt,
		inFlightAtSend: attempt.inFlightAtSend,
		retryAfterMs: parseRetryAfter(attempt.response?.retryAfter),
	};
}

/**
 * What a client reports to its window: clean answers grow it, congestion shrinks it (a debug log
 * line when that begins a new episode).
 */
export function windowFeedback(
	window: ConcurrencyWindow,
	logger: { debug(message: string, meta?: object): void },
	product: string,
): LoadFeedback {
	return {
		congested: (attempt) => {
			const before = window.limit;
			if (!window.recordCongestion(congestionSignal(attempt))) return;
			logger.debug(
				`${product}: Flinks signalled congestion; at most ${window.limit} requests at once now (was ${before})`,
				{ inFlight: window.inFlight },
			);
		},
		clean: (attempt) => window.recordClean(attempt.durationMs, attempt.inFlightAtSend),
	};
}
