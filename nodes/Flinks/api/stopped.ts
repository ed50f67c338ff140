import type { INode, NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FlinksCall } from './call';
import type { ItemContext } from './errors';
import { itemError } from './errors';
import { sessionMayHaveBeenCreated } from './requestErrors';

/** Thrown for an item that was not sent because the execution stopped (Stop button or a failed item). */
export class NotSentError extends NodeOperationError {}

export function notSentError(node: INode, item: ItemContext): NotSentError {
	return new NotSentError(node, 'Not sent: the execution stopped before this item', {
		itemIndex: item.itemIndex,
	});
}

/**
 * The execution stopped while this item's request was on its way: Flinks may have acted on it,
 * so it is never reported as "not sent".
 */
export function stoppedOnTheWireError(
	node: INode,
	call: Pick<FlinksCall, 'action' | 'idempotent' | 'unanswered'>,
	item: ItemContext,
): NodeApiError {
	const { consequence, advice } =
		call.idempotent !== false
			? {
					consequence: 'Flinks may have acted on it',
					advice: 'Look the session up with Get before running the item again.',
				}
			: (call.unanswered ?? sessionMayHaveBeenCreated(item));
	return itemError(
		node,
		item,
		`${call.action}: the execution was stopped while the request was on its way; ${consequence}`,
		{ description: advice },
	);
}
