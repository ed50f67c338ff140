import type { INodeProperties } from 'n8n-workflow';

import type { SessionDetails } from '../../shared/details';
import { readSessionDetails, requestSessionDetails } from '../../shared/details';
import { flinksHttpError, otherSessionError, unreadableAnswerError } from '../../shared/errors';
import { isSuccessStatus } from '../../shared/guards';
import { otherSessionIn } from '../../shared/session';
import { readSessionId } from '../../shared/validation';
import { optionsCollection, sessionIdField } from './fields';
import type { SessionOperation } from './operation';

export const getDetailsDescription: INodeProperties[] = [
	{
		...sessionIdField,
		displayOptions: { show: { resource: ['session'], operation: ['getDetails'] } },
		description:
			'The UUID of the e-Transfer session to look up, as returned by Create. Usually an expression that reads it from the input item.',
	},
	optionsCollection('getDetails'),
];

export const getSessionDetails: SessionOperation<SessionDetails> = async (
	ctx,
	client,
	itemIndex,
) => {
	const sessionId = readSessionId(ctx, itemIndex);
	const action = `Getting details of session ${sessionId}`;
	const item = { itemIndex, sessionId };
	const response = await requestSessionDetails(client, sessionId, item);

	if (!isSuccessStatus(response.statusCode)) {
		throw flinksHttpError(client.node, response, action, item);
	}
	const details = readSessionDetails(response.body, sessionId);
	if (!details) {
		throw unreadableAnswerError(client.node, response, action, item, {
			missing: 'a session status',
			consequence:
				'Nothing was changed. Retry later; if it persists, check the credential environment and base URL.',
		});
	}
	const other = otherSessionIn(details, sessionId);
	if (other) throw otherSessionError(client.node, response, action, item, other);
	return details;
};
