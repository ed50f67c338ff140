import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { FlinksClient } from '../../shared/transport';
import { cancelDescription, cancelSession } from './cancel';

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
	],
	default: 'cancel',
};

export const sessionDescription: INodeProperties[] = [sessionOperationField, ...cancelDescription];

export type SessionOperation = (
	ctx: IExecuteFunctions,
	client: FlinksClient,
	itemIndex: number,
) => Promise<object>;

export const sessionOperations: Record<string, SessionOperation> = {
	cancel: cancelSession,
};
