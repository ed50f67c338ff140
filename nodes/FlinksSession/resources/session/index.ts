import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { FlinksClient } from '../../shared/transport';
import { cancelDescription, cancelSession } from './cancel';
import { createDescription, createSession } from './create';
import { getDetailsDescription, getSessionDetails } from './getDetails';

export const sessionOperationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['session'] } },
	options: [
		{
			name: 'Cancel',
			value: 'cancel',
			action: 'Cancel a session',
			description:
				'Cancel an e-Transfer session so the customer can no longer complete it; sessions that already ended are reported, not failed',
		},
		{
			name: 'Create',
			value: 'create',
			action: 'Create a session',
			description:
				'Start an Interac e-Transfer payment session in CAD for a customer and get the hosted link (hostedUrl) they open to pay',
		},
		{
			name: 'Get Details',
			value: 'getDetails',
			action: 'Get session details',
			description:
				'Get the status, amount, customer, payee account and transactions of an e-Transfer session, e.g. to check whether it was paid',
		},
	],
	default: 'cancel',
};

export const sessionDescription: INodeProperties[] = [
	sessionOperationField,
	...cancelDescription,
	...createDescription,
	...getDetailsDescription,
];

export type SessionOperation = (
	ctx: IExecuteFunctions,
	client: FlinksClient,
	itemIndex: number,
) => Promise<object>;

export const sessionOperations: Record<string, SessionOperation> = {
	cancel: cancelSession,
	create: createSession,
	getDetails: getSessionDetails,
};
