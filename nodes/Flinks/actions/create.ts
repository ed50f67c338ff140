import type { INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FlinksResponse } from '../api/errors';
import {
	flinksHttpError,
	itemError,
	mayHaveBeenCreated,
	unreadableAnswerError,
} from '../api/errors';
import { mayHaveActed } from '../api/noAnswerErrors';
import { explainEftRefusal } from './eftRefusal';
import { isPlainObject, isSuccessStatus, isUuid } from '../api/guards';
import { describeValue, shorten } from '../api/values';
import { readCreateBody } from './createBody';
import type { SessionType } from './createFields';
import { createFields, SESSION_TYPES } from './createFields';
import { optionsCollection } from './fields';
import type { SessionOperation } from './operation';

export const createDescription: INodeProperties[] = [
	...createFields,
	optionsCollection('create', { retriesOnlyOnRateLimit: 'create' }),
];

export type CreatedSessionItem = {
	sessionId: string;
	referenceId: string | null;
	/** The page the customer opens to complete the payment. */
	hostedUrl: string;
};

const ACTIONS: Record<SessionType, string> = {
	eTransfer: 'Creating a session',
	eft: 'Creating an EFT session',
	guaranteedEft: 'Creating a Guaranteed EFT session',
};

/**
 * Sends one create, with a token of its own (a token may initiate only one session). Creates run
 * concurrently in the window like every operation; no create is sent after a failure in "Stop
 * Workflow" mode.
 */
export const createSession: SessionOperation<CreatedSessionItem> = async (
	ctx,
	client,
	itemIndex,
) => {
	const value: unknown = ctx.getNodeParameter('sessionType', itemIndex, 'eTransfer');
	const sessionType = SESSION_TYPES.find((type) => type === value);
	if (!sessionType) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Invalid Session Type: expected eTransfer, eft or guaranteedEft, got ${describeValue(value)} [item ${itemIndex}]`,
			{ itemIndex, description: 'Choose the Session Type in the node. No request was sent.' },
		);
	}
	const body = readCreateBody(ctx, itemIndex, sessionType);
	const action = ACTIONS[sessionType];
	const item = { itemIndex, referenceId: body.referenceId };
	const response = await client.send(
		{
			method: 'POST',
			path: '/api/v2/sessions',
			body,
			action,
			idempotent: false,
			initiatesSession: true,
		},
		item,
	);
	if (!isSuccessStatus(response.statusCode)) {
		const eftRefusal =
			sessionType === 'eTransfer'
				? undefined
				: explainEftRefusal(response, sessionType === 'guaranteedEft');
		// A gateway can fail after Flinks created the session; a blind re-run would ask the customer twice.
		const mayExist =
			response.statusCode >= 500
				? {
						consequence: 'the session may have been created',
						advice: mayHaveBeenCreated(body.referenceId),
					}
				: {};
		const error = flinksHttpError(client.node, response, action, item, eftRefusal ?? mayExist);
		throw response.statusCode >= 500 ? mayHaveActed(error, item) : error;
	}
	const sessionId = createdSessionId(response);
	if (!sessionId) {
		const error = unreadableAnswerError(client.node, response, action, item, {
			missing: 'a session ID (a UUID)',
			consequence: mayHaveBeenCreated(body.referenceId),
		});
		throw mayHaveActed(error, item);
	}
	const answered = isPlainObject(response.body) ? response.body.referenceId : undefined;
	if (body.referenceId && typeof answered === 'string' && answered !== body.referenceId) {
		// An answer to another request (a confused gateway or cache): this item's session is unknown.
		const error = itemError(
			client.node,
			item,
			`${action}: Flinks answered HTTP ${response.statusCode} about another Reference ID ("${shorten(answered)}")`,
			{
				description: mayHaveBeenCreated(body.referenceId),
				httpCode: String(response.statusCode),
			},
		);
		throw mayHaveActed(error, item);
	}
	return {
		sessionId,
		referenceId: typeof answered === 'string' ? answered : (body.referenceId ?? null),
		hostedUrl: `${client.baseUrl}/app/?sessionId=${encodeURIComponent(sessionId)}`,
	};
};

function createdSessionId(response: FlinksResponse): string | undefined {
	const sessionId = isPlainObject(response.body) ? response.body.sessionId : undefined;
	return typeof sessionId === 'string' && isUuid(sessionId.trim()) ? sessionId.trim() : undefined;
}
