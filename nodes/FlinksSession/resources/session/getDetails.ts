import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SessionDetails } from '../../shared/details';
import { readSessionDetails, requestSessionDetails } from '../../shared/details';
import { flinksRequestError, unreadableAnswerError } from '../../shared/answers';
import type { FlinksClient } from '../../shared/transport';
import { readSessionId } from '../../shared/validation';
import { requestOptionsCollection, sessionIdField } from './fields';

export const getDetailsDescription: INodeProperties[] = [
	{
		...sessionIdField,
		displayOptions: { show: { resource: ['session'], operation: ['getDetails'] } },
		description:
			'The UUID of the e-Transfer session to look up, as returned by Create. Usually an expression that reads it from the input item.',
	},
	requestOptionsCollection('getDetails'),
];

export async function getSessionDetails(
	ctx: IExecuteFunctions,
	client: FlinksClient,
	itemIndex: number,
): Promise<SessionDetails> {
	const sessionId = readSessionId(ctx, itemIndex);
	const what = `Getting details of session ${sessionId}`;
	const at = { itemIndex, sessionId };
	const response = await requestSessionDetails(client, sessionId, at);

	if (response.statusCode < 200 || response.statusCode >= 300) {
		throw flinksRequestError(ctx, response, what, at);
	}
	const details = readSessionDetails(response.body, sessionId);
	if (!details) {
		throw unreadableAnswerError(ctx, response, what, at, {
			missing: 'a session status',
			consequence:
				'Nothing was changed. Retry later; if it persists, check the credential environment and base URL.',
		});
	}
	return details;
}
