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
