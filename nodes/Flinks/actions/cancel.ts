import type { INode, INodeProperties } from 'n8n-workflow';

import { requestSessionDetails } from '../api/details';
import type { ExpectedAnswer, FlinksResponse, ItemContext } from '../api/errors';
import {
	flinksHttpError,
	itemError,
	otherSessionError,
	unreadableAnswerError,
	withItem,
} from '../api/errors';
import { isSuccessStatus } from '../api/guards';
import type { SessionState } from '../api/session';
import { isCancelledStatus, isTerminalStatus, otherSessionIn, readSession } from '../api/session';
import { readSessionId } from './itemFields';
import type { SessionOperation } from './operation';
import { optionsCollection, sessionIdField } from './fields';

const showForCancel = { show: { resource: ['session'], operation: ['cancel'] } };

export const cancelDescription: INodeProperties[] = [
	{ ...sessionIdField, displayOptions: showForCancel },
	optionsCollection('cancel', {
		extra: [
			{
				displayName: 'If Session Already Ended',
				name: 'ifAlreadyEnded',
				type: 'options',
				default: 'returnStatus',
				description:
					'What to do when Flinks refuses to cancel because the session is already Completed, Expired, Cancelled or Failed',
				options: [
					{
						name: 'Return Its Status',
						value: 'returnStatus',
						description:
							"Look the session up and output its final status, with 'alreadyEnded' set to true",
					},
					{
						name: 'Treat as Error',
						value: 'error',
						description:
							"Fail the item, or send it to the error output when 'On Error' is set to continue",
					},
				],
			},
		],
	}),
];

export type CancelledSessionItem = SessionState & {
	alreadyEnded: boolean;
	/** When Flinks confirmed this node's cancellation; null when the session had ended before. */
	cancelledAt: string | null;
	attempts: number;
};

/** A session is "already ended" when Flinks refuses the cancel with 400/409 and details confirm a final state. */
const REFUSAL_STATUSES = new Set([400, 409]);

const CANCEL_ANSWER: ExpectedAnswer = {
	missing: 'a session status',
	consequence:
		'The cancellation may or may not have happened. Check the session with Get Details before retrying.',
};

export const cancelSession: SessionOperation<CancelledSessionItem> = async (
	ctx,
	client,
	itemIndex,
	options,
) => {
	const sessionId = readSessionId(ctx, itemIndex);
	const action = `Cancelling session ${sessionId}`;
	const item = { itemIndex, sessionId };
	const response = await client.send(
		{ method: 'POST', path: `/api/v2/sessions/${encodeURIComponent(sessionId)}/cancel`, action },
		item,
	);
	const node = client.node;

	if (isSuccessStatus(response.statusCode)) {
		const session = readSession(response.body, sessionId);
		if (!session) throw unreadableAnswerError(node, response, action, item, CANCEL_ANSWER);
		const other = otherSessionIn(session, sessionId);
		if (other) throw otherSessionError(node, response, action, item, other);
		if (isCancelledStatus(session.status)) return cancelled(session, response);
		// Flinks accepted the call but did not cancel: never reported as this node's cancellation.
		if (!isTerminalStatus(session.status)) {
			throw notCancelledError(
				node,
				response,
				item,
				`${action}: Flinks answered HTTP ${response.statusCode} but the session is ${session.status}, not Cancelled`,
				'Flinks did not cancel the session. Look it up with Get; if it is still Initiated, run the item again.',
			);
		}
		if (options.ifAlreadyEnded === 'error') {
			throw notCancelledError(
				node,
				response,
				item,
				alreadyEndedMessage(sessionId, session.status, response.statusCode),
				ALREADY_ENDED_ADVICE,
			);
		}
		return { ...session, alreadyEnded: true, cancelledAt: null, attempts: response.attempts };
	}
	if (!REFUSAL_STATUSES.has(response.statusCode))
		throw flinksHttpError(node, response, action, item);

	const refusal = flinksHttpError(node, response, action, item);
	const details = await requestSessionDetails(client, sessionId, item);
	const session = details.statusCode === 200 ? readSession(details.body, sessionId) : undefined;
	if (!session || otherSessionIn(session, sessionId) || !isTerminalStatus(session.status)) {
		throw refusal;
	}
	// Our own earlier attempt may have acted before its answer was lost (5xx, timeout, reset): our cancel.
	if (response.earlierAttemptMayHaveActed && isCancelledStatus(session.status))
		return cancelled(session, response);
	if (options.ifAlreadyEnded === 'error') {
		const error = flinksHttpError(node, response, action, item, { advice: ALREADY_ENDED_ADVICE });
		error.message = withItem(
			alreadyEndedMessage(sessionId, session.status, response.statusCode),
			itemIndex,
		);
		throw error;
	}
	return { ...session, alreadyEnded: true, cancelledAt: null, attempts: response.attempts };
};

function cancelled(session: SessionState, response: FlinksResponse): CancelledSessionItem {
	return {
		...session,
		alreadyEnded: false,
		cancelledAt: new Date().toISOString(),
		attempts: response.attempts,
	};
}

const ALREADY_ENDED_ADVICE =
	"Nothing is left to cancel. To get the session's final status as an item instead, set 'If Session Already Ended' to 'Return Its Status'.";

function alreadyEndedMessage(sessionId: string, status: string, statusCode: number): string {
	return `Session ${sessionId} has already ended (status ${status}); Flinks answered HTTP ${statusCode}`;
}

function notCancelledError(
	node: INode,
	response: FlinksResponse,
	item: ItemContext,
	message: string,
	advice: string,
) {
	return itemError(node, item, message, {
		description: advice,
		httpCode: String(response.statusCode),
	});
}
