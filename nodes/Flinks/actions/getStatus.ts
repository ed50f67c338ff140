import type { INodeProperties } from 'n8n-workflow';

import { lookedUpSession, numberOrNull } from '../api/details';
import { isPlainObject } from '../api/guards';
import type { SessionState } from '../api/session';
import { readSession } from '../api/session';
import { statusMeaning } from '../api/statusCodes';
import { readSessionId } from './itemFields';
import { optionsCollection, sessionIdField } from './fields';
import type { SessionOperation } from './operation';

const showForGetStatus = { show: { resource: ['session'], operation: ['getStatus'] } };

export const getStatusDescription: INodeProperties[] = [
	{ ...sessionIdField, displayOptions: showForGetStatus },
	optionsCollection('getStatus'),
];

/** Get Status's item: Flinks' light answer, and what its code means. */
export type SessionStatusItem = SessionState & {
	amount: number | null;
	statusMeaning: string | null;
};

/** GET /api/v2/sessions/{id}/status: the lookup Flinks suggests for polling and reconciling. */
export const getSessionStatus: SessionOperation<SessionStatusItem> = async (
	ctx,
	client,
	itemIndex,
) => {
	const sessionId = readSessionId(ctx, itemIndex);
	const action = `Getting the status of session ${sessionId}`;
	const item = { itemIndex, sessionId };
	const response = await client.send(
		{ method: 'GET', path: `/api/v2/sessions/${encodeURIComponent(sessionId)}/status`, action },
		item,
	);
	const session = lookedUpSession(client.node, response, action, item, readSession);
	const amount = isPlainObject(response.body) ? numberOrNull(response.body.amount) : null;
	return {
		sessionId: session.sessionId,
		referenceId: session.referenceId,
		amount,
		status: session.status,
		statusDetails: session.statusDetails,
		statusMeaning: statusMeaning(session.status, session.statusDetails),
	};
};
