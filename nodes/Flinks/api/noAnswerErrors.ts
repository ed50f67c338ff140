import type { INode, NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { sleepUnlessAborted } from './abort';
import type { FlinksCall, UnansweredCall } from './call';
import type { ItemContext } from './errors';
import { itemError, mayHaveBeenCreated } from './errors';
import type { FailureKind } from './failures';

// Errors for a call that has no answer from Flinks: not sent, stopped on its way, or never answered.

/** A token exchange that failed, as every item waiting on it reports it. */
export interface TokenFailure {
	message: string;
	description?: string;
	/** Tries the exchange took, retries included. */
	attempts: number;
}

/** A call that got no HTTP answer after its retries: what happened, and whether Flinks may have acted. */
export function noAnswerError(
	node: INode,
	failure: NodeApiError,
	kind: FailureKind,
	action: string,
	item: ItemContext,
	details: {
		attempts: number;
		timeoutMs: number;
		idempotent: boolean;
		unanswered?: UnansweredCall;
	},
): NodeApiError {
	const reason =
		kind === 'timeout'
			? `no answer within ${details.timeoutMs} ms`
			: `the ${kind === 'tls' ? 'secure ' : ''}connection broke off or was refused (${String(failure.httpCode ?? 'network error')})`;
	const tries = details.attempts > 1 ? ` (after ${details.attempts} attempts)` : '';
	if (!details.idempotent) {
		const { consequence, advice } = details.unanswered ?? sessionMayHaveBeenCreated(item);
		const error = itemError(node, item, `${action}: ${reason}${tries}; ${consequence}`, {
			description: advice,
		});
		return mayHaveActed(error, item);
	}
	return itemError(
		node,
		item,
		`Could not reach Flinks${item.sessionId ? ` for session ${item.sessionId}` : ''}: ${reason}${tries}`,
		{
			description:
				"Flinks or the network between did not answer. Running the item again later is safe; if it keeps happening, raise 'Timeout' or 'Max Retries' in the node's options, or check the credential's 'Base URL'.",
		},
	);
}

/** The token exchange failed: every item that waited on it says so, with the attempts it took. */
export function tokenError(node: INode, failure: TokenFailure, item: ItemContext): NodeApiError {
	const tries = failure.attempts > 1 ? ` (after ${failure.attempts} attempts)` : '';
	return itemError(node, item, `${failure.message}${tries}`, {
		description:
			failure.description ??
			"No request was sent for this item. If this persists, check the credential's 'Environment' and 'Base URL'; otherwise run the item again later.",
	});
}

/** A request waited for another request's token exchange past its own deadline. */
export function tokenWaitError(node: INode, item: ItemContext, timeoutMs: number): NodeApiError {
	return itemError(
		node,
		item,
		`Could not get an access token from Flinks within ${timeoutMs} ms: another request's token exchange is still open`,
		{
			description:
				"No request was sent for this item. Flinks answers token requests slowly right now; run the item again later, or raise 'Timeout' in the node's options.",
		},
	);
}

const RUN_AGAIN_WITH_EDITED_CREDENTIAL =
	'No request was sent for this item. Run it again: the next execution uses the credential as it is now.';

/** The credential was edited while the execution ran: its token request would use what it was. */
export function credentialChangedError(node: INode, item: ItemContext): NodeApiError {
	return itemError(
		node,
		item,
		'The Flinks Pay API credential was changed while this execution ran, so no new access token was requested with its old settings',
		{ description: RUN_AGAIN_WITH_EDITED_CREDENTIAL },
	);
}

/** A token obtained with the old settings was discarded (the credential was edited meanwhile); no call was sent. */
export const CREDENTIAL_CHANGED_FAILURE: TokenFailure = {
	message: 'The Flinks Pay API credential was changed while this execution ran',
	description: RUN_AGAIN_WITH_EDITED_CREDENTIAL,
	attempts: 1,
};

/** What a lost answer to a create means: the default for calls that must not take effect twice. */
function sessionMayHaveBeenCreated(item: ItemContext): UnansweredCall {
	return {
		consequence: 'the session may have been created',
		advice: mayHaveBeenCreated(item.referenceId),
	};
}

/** For a call that must not take effect twice, what may have happened without a usable answer. */
export function unansweredCallOf(
	call: Pick<FlinksCall, 'idempotent' | 'unanswered'>,
	item: ItemContext,
): UnansweredCall | undefined {
	if (call.idempotent !== false) return undefined;
	return call.unanswered ?? sessionMayHaveBeenCreated(item);
}

/** Thrown for an item that was not sent because the execution stopped (Stop button or a failed item). */
export class NotSentError extends NodeOperationError {}

export function notSentError(node: INode, item: ItemContext): NotSentError {
	return new NotSentError(node, 'Not sent: the execution stopped before this item', {
		itemIndex: item.itemIndex,
	});
}

/**
 * The execution stopped while this item's request was on its way, or while it waited to resend
 * one whose answer was lost (`beforeRetry`): Flinks may have acted on it, so it is never
 * reported as "not sent".
 */
export function stoppedOnTheWireError(
	node: INode,
	call: Pick<FlinksCall, 'action' | 'idempotent' | 'unanswered'>,
	item: ItemContext,
	{ beforeRetry = false }: { beforeRetry?: boolean } = {},
): NodeApiError {
	const { consequence, advice } =
		call.idempotent !== false
			? {
					consequence: 'Flinks may have acted on it',
					advice: 'Look the session up with Get before running the item again.',
				}
			: (call.unanswered ?? sessionMayHaveBeenCreated(item));
	const when = beforeRetry
		? 'the execution stopped before a request whose answer was lost was sent again'
		: 'the execution was stopped while the request was on its way';
	const error = itemError(node, item, `${call.action}: ${when}; ${consequence}`, {
		description: advice,
	});
	return mayHaveActed(error, item);
}

/** Errors of items that Flinks may have acted on, with what identifies them. */
const actedUncertainly = new WeakMap<object, ItemContext>();

/** Marks an item's error as one Flinks may have acted on (created, cancelled, confirmed). */
export function mayHaveActed<E extends object>(error: E, item: ItemContext): E {
	actedUncertainly.set(error, item);
	return error;
}

/** The item an error concerns when Flinks may have acted on it; undefined otherwise. */
export function uncertainItemOf(error: unknown): ItemContext | undefined {
	return typeof error === 'object' && error !== null ? actedUncertainly.get(error) : undefined;
}

/**
 * n8n's sleep before an item's next attempt, ended at once by Stop: the item then reports that
 * it was not sent further.
 */
export async function waitBeforeRetry(
	node: INode,
	delayMs: number,
	signal: AbortSignal | undefined,
	item: ItemContext,
): Promise<void> {
	try {
		await sleepUnlessAborted(delayMs, signal);
	} catch (error) {
		if (signal?.aborted) throw notSentError(node, item);
		throw new NodeOperationError(node, error as Error, { itemIndex: item.itemIndex });
	}
}
