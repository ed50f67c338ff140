import type { INodeProperties } from 'n8n-workflow';

import type { SessionDetails, SessionSummary } from '../api/details';
import {
	lookedUpSession,
	readSessionDetails,
	requestSessionDetails,
	summarizeSessionDetails,
} from '../api/details';
import { ItemFieldReader, readSessionId } from './itemFields';
import { optionsCollection, sessionIdField } from './fields';
import type { SessionOperation } from './operation';

const showForGetDetails = { resource: ['session'], operation: ['getDetails'] };

const simplifyField = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description: 'Whether to return a simplified version of the response instead of the raw data',
	hint: 'On: sessionId, referenceId, status, statusDetails, amount, direction and createdAt, plus step, nameMatch and riskLevel for EFT sessions. Off: also the type, currency, payor, payee account, transactions and, for EFT sessions, accountLabel.',
	displayOptions: { show: { ...showForGetDetails, '@version': [{ _cnd: { gte: 1.1 } }] } },
} satisfies INodeProperties;

export const getDetailsDescription: INodeProperties[] = [
	{
		...sessionIdField,
		displayOptions: { show: showForGetDetails },
	},
	simplifyField,
	// Version 1 keeps the full item unless asked, as workflows saved before 1.1 expect it.
	{
		...simplifyField,
		default: false,
		displayOptions: { show: { ...showForGetDetails, '@version': [1] } },
	},
	optionsCollection('getDetails'),
];

export const getSessionDetails: SessionOperation<SessionDetails | SessionSummary> = async (
	ctx,
	client,
	itemIndex,
) => {
	const sessionId = readSessionId(ctx, itemIndex);
	const fields = new ItemFieldReader(ctx, itemIndex);
	const simplify = fields.boolean('simplify', 'Simplify', false);
	fields.throwIfInvalid('Get');
	const action = `Getting details of session ${sessionId}`;
	const item = { itemIndex, sessionId };
	const response = await requestSessionDetails(client, sessionId, item);
	const details = lookedUpSession(client.node, response, action, item, readSessionDetails);
	return simplify ? summarizeSessionDetails(details) : details;
};
