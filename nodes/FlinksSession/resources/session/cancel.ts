import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ExpectedAnswer } from '../../shared/answers';
import { unreadableAnswerError } from '../../shared/answers';
import { requestSessionDetails } from '../../shared/details';
import { readSessionId } from '../../shared/validation';
import type { FlinksClient } from '../../shared/transport';
import { flinksHttpError } from '../../shared/transport';
import type { SessionState } from '../../shared/session';
import { isCancelledStatus, isTerminalStatus, readSession } from '../../shared/session';
import { requestOptionFields, sessionIdField } from './fields';

const showForCancel = { show: { resource: ['session'], operation: ['cancel'] } };

export const cancelDescription: INodeProperties[] = [
	{ ...sessionIdField, displayOptions: showForCancel },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showForCancel,
		options: [
			...requestOptionFields,
			{
				displayName: 'If Session Already Ended',
				name: 'ifAlreadyEnded',
				type: 'options',
				default: 'returnStatus',
				description:
					'What to do when the session is already Completed, Expired, Cancelled or Failed and Flinks refuses to cancel it',
				options: [
					{
						name: 'Return Its Status',
						value: 'returnStatus',
						description:
							'Look up the session and output its final status with alreadyEnded set to true',
					},
					{
						name: 'Treat as Error',
						value: 'error',
						description: 'Fail this item (or send it to the error output)',
					},
				],
			},
		],
	},
];

export interface CancelledSessionItem extends SessionState {
	alreadyEnded: boolean;
	/** When Flinks confirmed this node's cancellation; null when the session had ended before. */
	cancelledAt: string | null;
	attempts: number;
}

/** A session is "already ended" when Flinks refuses the cancel with 400/409 and details confirm a final state. */
const REFUSAL_STATUSES = new Set([400, 409]);

const CANCEL_ANSWER: ExpectedAnswer = {
	missing: 'a session status',
	consequence:
		'The cancellation may or may not have happened. Check the session with Get Details before retrying.',
};

export async function cancelSession(
	ctx: IExecuteFunctions,
	client: FlinksClient,
	itemIndex: number,
): Promise<CancelledSessionItem> {
	const sessionId = readSessionId(ctx, itemIndex);
	const what = `Cancelling session ${sessionId}`;
	const at = { itemIndex, sessionId };
	const response = await client.send(
		{ method: 'POST', path: `/api/v2/sessions/${encodeURIComponent(sessionId)}/cancel` },
		at,
	);

	if (response.statusCode >= 200 && response.statusCode < 300) {
		const session = readSession(response.body, sessionId);
		if (!session) throw unreadableAnswerError(ctx, response, what, at, CANCEL_ANSWER);
		return { ...session, alreadyEnded: false, cancelledAt: new Date().toISOString(), attempts: response.attempts };
	}
	if (!REFUSAL_STATUSES.has(response.statusCode)) {
		throw flinksHttpError(ctx, response, what, at);
	}

	const refusal = flinksHttpError(ctx, response, what, at);
	const ifAlreadyEnded = ctx.getNodeParameter('options.ifAlreadyEnded', itemIndex, 'returnStatus') as string;
	const details = await requestSessionDetails(client, sessionId, at);
	const session = details.statusCode === 200 ? readSession(details.body, sessionId) : undefined;
	if (!session || !isTerminalStatus(session.status)) throw refusal;

	// Our own earlier attempt may have reached Flinks before its answer was lost: that is our cancel.
	const cancelledByUs = response.attempts > 1 && isCancelledStatus(session.status);
	if (cancelledByUs) {
		return { ...session, alreadyEnded: false, cancelledAt: new Date().toISOString(), attempts: response.attempts };
	}
	if (ifAlreadyEnded === 'error') {
		refusal.message = `Session ${sessionId} has already ended (status ${session.status}); Flinks answered HTTP ${response.statusCode}`;
		throw refusal;
	}
	return { ...session, alreadyEnded: true, cancelledAt: null, attempts: response.attempts };
}
