import type { INodeProperties } from 'n8n-workflow';

import { flinksHttpError, otherSessionError, unreadableAnswerError } from '../api/errors';
import { isPlainObject, isSuccessStatus } from '../api/guards';
import { mayHaveActed } from '../api/noAnswerErrors';
import { isSameSessionId } from '../api/session';
import { ItemFieldReader, readSessionId } from './itemFields';
import { optionsCollection, sessionIdField } from './fields';
import type { SessionOperation } from './operation';

const showForConfirm = { show: { resource: ['session'], operation: ['confirmGuarantee'] } };

export const confirmGuaranteeDescription: INodeProperties[] = [
	{ ...sessionIdField, displayOptions: showForConfirm },
	{
		displayName: 'Guarantee Accepted',
		name: 'guaranteeAccepted',
		type: 'boolean',
		default: true,
		description:
			'Whether to accept the guarantee Flinks offered for this Guaranteed EFT session. Off rejects it, and Flinks then fails the session.',
		displayOptions: showForConfirm,
	},
	optionsCollection('confirmGuarantee', { retriesOnlyOnRateLimit: 'confirmGuarantee' }),
];

export type ConfirmedGuaranteeItem = {
	sessionId: string;
	referenceId: string | null;
	guaranteeAccepted: boolean;
};

/** A decision whose answer was lost may have been taken: it is never resent blindly. */
function mayHaveBeenConfirmed(sessionId: string) {
	return {
		consequence: 'the guarantee decision may have been confirmed',
		advice: `Flinks may have taken the decision without its answer reaching n8n. Check session ${sessionId} with Get before sending it again; a second decision for the same guarantee is refused.`,
	};
}

/** POST /api/v2/sessions/{id}/guarantees/confirm: accepts or rejects a Guaranteed EFT's guarantee. */
export const confirmGuarantee: SessionOperation<ConfirmedGuaranteeItem> = async (
	ctx,
	client,
	itemIndex,
) => {
	const sessionId = readSessionId(ctx, itemIndex);
	const fields = new ItemFieldReader(ctx, itemIndex);
	const guaranteeAccepted = fields.boolean('guaranteeAccepted', 'Guarantee Accepted', true);
	fields.throwIfInvalid('Confirm Guarantee');
	const action = `${guaranteeAccepted ? 'Accepting' : 'Rejecting'} the guarantee of session ${sessionId}`;
	const item = { itemIndex, sessionId };
	const unanswered = mayHaveBeenConfirmed(sessionId);
	const response = await client.send(
		{
			method: 'POST',
			path: `/api/v2/sessions/${encodeURIComponent(sessionId)}/guarantees/confirm`,
			body: { guaranteeAccepted },
			action,
			idempotent: false,
			unanswered,
		},
		item,
	);
	if (!isSuccessStatus(response.statusCode)) {
		// A gateway can fail after Flinks took the decision.
		const error = flinksHttpError(client.node, response, action, item, {
			...(response.statusCode >= 500 ? unanswered : {}),
		});
		throw response.statusCode >= 500 ? mayHaveActed(error, item) : error;
	}
	const body = isPlainObject(response.body) ? response.body : undefined;
	if (typeof body?.sessionId !== 'string') {
		const error = unreadableAnswerError(client.node, response, action, item, {
			missing: 'a session ID',
			consequence: unanswered.advice,
		});
		throw mayHaveActed(error, item);
	}
	if (!isSameSessionId(body.sessionId, sessionId)) {
		const error = otherSessionError(client.node, response, action, item, body.sessionId);
		// The answer is not this item's, yet its decision may have been taken: never resend blindly.
		error.description = unanswered.advice;
		throw mayHaveActed(error, item);
	}
	return {
		sessionId,
		referenceId: typeof body.referenceId === 'string' ? body.referenceId : null,
		guaranteeAccepted,
	};
};
