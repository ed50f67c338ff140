import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { deleteConnection } from './deleteConnection';
import type { ConnectOperationName } from './fields';
import { connectFields } from './fields';
import { getAccountsDetail } from './getAccountsDetail';
import { getAccountsSummary } from './getAccountsSummary';
import { getPendingResult } from './getPendingResult';
import type { ConnectOperation } from './operation';

const operationOptions: Array<INodePropertyOptions & { value: ConnectOperationName }> = [
	{
		name: 'Delete Connection',
		value: 'deleteConnection',
		action: 'Delete a bank connection',
		description:
			'Make Flinks forget a connection and the data behind it (DeleteCard), e.g. when a customer asks to be forgotten',
	},
	{
		name: 'Get Accounts Detail',
		value: 'getAccountsDetail',
		action: 'Get accounts, balances and transactions of a bank connection',
		description:
			"Retrieve a connected customer's accounts, balances and up to 365 days of transactions",
	},
	{
		name: 'Get Accounts Summary',
		value: 'getAccountsSummary',
		action: 'Get the account balances of a bank connection',
		description: "Retrieve a connected customer's accounts and balances, without transactions",
	},
	{
		name: 'Get Pending Result',
		value: 'getPendingResult',
		action: 'Get the result of a pending bank data request',
		description:
			"Pick up the answer of a request that was still pending (status 'pending'), e.g. after a Wait node",
	},
];

export const connectDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['bankConnection'] } },
		options: operationOptions,
		// Never Delete by default: the node is usable as an AI tool.
		default: 'getAccountsSummary',
	},
	...connectFields,
];

export const connectOperations: Record<ConnectOperationName, ConnectOperation> = {
	deleteConnection,
	getAccountsDetail,
	getAccountsSummary,
	getPendingResult,
};

export function isConnectOperation(name: unknown): name is ConnectOperationName {
	return typeof name === 'string' && Object.prototype.hasOwnProperty.call(connectOperations, name);
}
