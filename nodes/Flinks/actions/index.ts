import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { cancelDescription, cancelSession } from './cancel';
import { confirmGuarantee, confirmGuaranteeDescription } from './confirmGuarantee';
import { createDescription, createSession } from './create';
import { getDetailsDescription, getSessionDetails } from './getDetails';
import { getSessionStatus, getStatusDescription } from './getStatus';
import type { SessionOperation } from './operation';

export type SessionOperationName =
	| 'cancel'
	| 'confirmGuarantee'
	| 'create'
	| 'getDetails'
	| 'getStatus';

const operationOptions: Array<INodePropertyOptions & { value: SessionOperationName }> = [
	{
		name: 'Cancel',
		value: 'cancel',
		action: 'Cancel a payment session',
		description:
			'Stop a payment session so the customer can no longer pay it; a session that already ended is reported, not failed',
	},
	{
		name: 'Confirm Guarantee',
		value: 'confirmGuarantee',
		action: 'Confirm the guarantee of a payment session',
		description:
			"Accept or reject the guarantee Flinks offered for a Guaranteed EFT session, e.g. once Get shows its step as 'GuaranteeOffer'",
	},
	{
		name: 'Create',
		value: 'create',
		action: 'Create a payment session',
		description:
			'Start an Interac e-Transfer, EFT or Guaranteed EFT payment session in CAD and get the link (hostedUrl) the customer opens to pay',
	},
	{
		name: 'Get',
		value: 'getDetails',
		action: 'Get a payment session',
		description:
			"Retrieve a payment session's status, amount and customer, e.g. to check whether the customer paid",
	},
	{
		name: 'Get Status',
		value: 'getStatus',
		action: 'Get the status of a payment session',
		description:
			"Retrieve only a session's status, its code and what the code means: the light lookup Flinks suggests for polling",
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
	...confirmGuaranteeDescription,
	...createDescription,
	...getDetailsDescription,
	...getStatusDescription,
];

/**
 * Each operation, and how the node runs it. `changes` names what a finished item did at Flinks,
 * for the error that stops a workflow.
 */
export const sessionOperations = {
	cancel: { run: cancelSession, changes: 'cancelled' },
	confirmGuarantee: { run: confirmGuarantee, changes: 'confirmed' },
	create: { run: createSession, changes: 'created' },
	getDetails: { run: getSessionDetails, changes: undefined },
	getStatus: { run: getSessionStatus, changes: undefined },
} satisfies Record<
	SessionOperationName,
	{
		run: SessionOperation<IDataObject>;
		changes: SessionChange | undefined;
	}
>;

/** What a finished item did at Flinks: "Sessions cancelled: …". */
export type SessionChange = 'cancelled' | 'confirmed' | 'created';

export function isSessionOperation(name: unknown): name is SessionOperationName {
	return typeof name === 'string' && Object.prototype.hasOwnProperty.call(sessionOperations, name);
}
