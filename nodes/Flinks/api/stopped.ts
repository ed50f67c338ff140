import type { INode, NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ItemContext } from './errors';
import { itemError, mayHaveBeenCreated } from './errors';

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
	action: string,
	item: ItemContext,
	idempotent: boolean,
): NodeApiError {
	const what = idempotent ? 'Flinks may have acted on it' : 'the session may have been created';
	return itemError(
		node,
		item,
		`${action}: the execution was stopped while the request was on its way; ${what}`,
		{
			description: idempotent
				? 'Look the session up with Get before running the item again.'
				: mayHaveBeenCreated(item.referenceId),
		},
	);
}
