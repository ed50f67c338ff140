import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { cancelDescription, cancelSession } from './cancel';
import { createDescription, createSession } from './create';
import { getDetailsDescription, getSessionDetails } from './getDetails';
import type { SessionOperation } from './operation';

export type SessionOperationName = 'cancel' | 'create' | 'getDetails';

const operationOptions: Array<INodePropertyOptions & { value: SessionOperationName }> = [
	{
		name: 'Cancel',
		value: 'cancel',
		action: 'Cancel a payment session',
		description:
			'Stop an e-Transfer payment session so the customer can no longer pay it; a session that already ended is reported, not failed',
	},
	{
		name: 'Create',
		value: 'create',
		action: 'Create a payment session',
		description:
			'Start an Interac e-Transfer payment session in CAD and get the link (hostedUrl) the customer opens to pay',
	},
	{
		name: 'Get',
		value: 'getDetails',
		action: 'Get a payment session',
		description:
			"Retrieve a payment session's status, amount and customer, e.g. to check whether the customer paid",
	},
];

export const sessionDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['session'] } },
		options: operationOptions,
		default: 'cancel',
	},
	...cancelDescription,
	...createDescription,
	...getDetailsDescription,
];

/**
 * Each operation, and how the node runs it. `changes` names what a finished item did at Flinks,
 * for the error that stops a workflow; `oneAtATime` runs its items one after another.
 */
export const sessionOperations = {
	cancel: { run: cancelSession, changes: 'cancelled', oneAtATime: false },
	create: { run: createSession, changes: 'created', oneAtATime: true },
	getDetails: { run: getSessionDetails, changes: undefined, oneAtATime: false },
} satisfies Record<
	SessionOperationName,
	{
		run: SessionOperation<IDataObject>;
		changes: 'cancelled' | 'created' | undefined;
		oneAtATime: boolean;
	}
>;

export function isSessionOperation(name: unknown): name is SessionOperationName {
	return typeof name === 'string' && Object.prototype.hasOwnProperty.call(sessionOperations, name);
}
