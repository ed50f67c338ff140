import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { concurrencyOption, maxRetriesOption, timeoutOption } from '../api/requestOptions';

export type ConnectOperationName =
	| 'getAccountsDetail'
	| 'getAccountsSummary'
	| 'getPendingResult'
	| 'deleteConnection';

/** What an operation's answer holds: accounts with transactions (detail) or balances only. */
export type ResultKind = 'accountsDetail' | 'accountsSummary';

/** How an answer becomes items: one per account, one per transaction, or the whole answer. */
export type OutputMode = 'accounts' | 'transactions' | 'whole';

const show = (...operation: ConnectOperationName[]) => ({
	show: { resource: ['bankConnection'], operation },
});

export const loginIdField: INodeProperties = {
	displayName: 'Login ID',
	name: 'loginId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 5e0b6a8f-5f2a-4b6e-8e0c-2f1f7b9b2a11',
	description:
		'The loginId the Flinks Connect iframe handed over when the customer connected their bank. It reads their bank data: keep it like a password.',
};

/** How an answer becomes items; Flinks Trigger offers the same for Connect results. */
export const outputOptions = [
	{
		name: 'One Item Per Account',
		value: 'accounts',
		description: "Each account with its balances (and its transactions, when they're included)",
	},
	{
		name: 'One Item Per Transaction',
		value: 'transactions',
		description: "Each transaction with its account's ID and title, e.g. for a spreadsheet",
	},
	{ name: 'Whole Answer', value: 'whole', description: 'One item with every account inside' },
];

/** Output, for the operations (and pending results) that give accounts: per transaction only with transactions. */
function outputField(shownFor: IDataObject, perTransaction: boolean): INodeProperties {
	return {
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: perTransaction
			? outputOptions
			: outputOptions.filter((option) => option.value !== 'transactions'),
		default: 'accounts',
		displayOptions: { show: { resource: ['bankConnection'], ...shownFor } },
	};
}

const waitUpToField = (
	operations: ConnectOperationName[],
	defaultSeconds: number,
): INodeProperties => ({
	displayName: 'Wait Up To (Seconds)',
	name: 'waitUpTo',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 1800 },
	default: defaultSeconds,
	description:
		"How long to wait for Flinks to collect the data, asking again every 10 seconds. When the time runs out, the item says {status: 'pending', requestId}: pass it to Get Pending Result after a Wait node. 0 asks once.",
	displayOptions: show(...operations),
});

const pollIntervalOption: INodeProperties = {
	displayName: 'Poll Interval (Seconds)',
	name: 'pollInterval',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 60 },
	default: 10,
	description:
		'How long to wait between two questions to Flinks while it collects the data. Flinks suggests 10.',
};

const requestOptions = [concurrencyOption, maxRetriesOption, timeoutOption];

const refreshOption: INodeProperties = {
	displayName: 'Refresh From the Bank',
	name: 'refreshFromBank',
	type: 'boolean',
	default: false,
	description:
		"Whether to log in to the bank live instead of reading what Flinks fetched last. Slower; fails with a clear error when the bank asks a security question (MFA), which a workflow can't answer.",
};

const detailOptions: INodeProperties[] = [
	{
		displayName: 'Accounts',
		name: 'accounts',
		type: 'string',
		default: '',
		placeholder: 'e.g. acct-1, acct-2',
		description:
			'Only these accounts, by their Flinks account IDs separated by commas. Empty: every account.',
	},
	{
		displayName: 'Days of Transactions',
		name: 'daysOfTransactions',
		type: 'options',
		options: [
			{ name: 'One Year (365 Days)', value: 'Days365' },
			{ name: 'Three Months (90 Days)', value: 'Days90' },
		],
		default: 'Days90',
		description: 'How far back the transactions go',
	},
	{
		displayName: 'Include Account Holder Identity and KYC',
		name: 'includeIdentity',
		type: 'boolean',
		default: false,
		description:
			"Whether to ask for each account holder's name, address, email and phone (and Flinks' KYC). Off by default: it puts personal data into stored executions.",
	},
	{
		displayName: 'Include Transactions',
		name: 'includeTransactions',
		type: 'boolean',
		default: true,
		description: 'Whether to ask for the transactions, or balances and account details only',
	},
];

function optionsFor(operations: ConnectOperationName[], own: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: show(...operations),
		options: [...own, pollIntervalOption, ...requestOptions].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
	};
}

export const connectFields: INodeProperties[] = [
	{
		...loginIdField,
		displayOptions: show('getAccountsDetail', 'getAccountsSummary', 'deleteConnection'),
	},
	{
		displayName: 'Request ID',
		name: 'requestId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. {{ $json.requestId }}',
		description:
			'The requestId of a pending item from Get Accounts Detail or Get Accounts Summary. Flinks keeps it 30 minutes.',
		displayOptions: show('getPendingResult'),
	},
	{
		displayName: 'Result Of',
		name: 'resultOf',
		type: 'options',
		options: [
			{ name: 'Get Accounts Detail', value: 'accountsDetail' },
			{ name: 'Get Accounts Summary', value: 'accountsSummary' },
		],
		default: 'accountsDetail',
		description: "Which operation left the request pending (the pending item's 'resultOf')",
		displayOptions: show('getPendingResult'),
	},
	outputField({ operation: ['getAccountsDetail'] }, true),
	outputField({ operation: ['getPendingResult'], resultOf: ['accountsDetail'] }, true),
	outputField({ operation: ['getAccountsSummary'] }, false),
	outputField({ operation: ['getPendingResult'], resultOf: ['accountsSummary'] }, false),
	waitUpToField(['getAccountsDetail', 'getAccountsSummary'], 180),
	waitUpToField(['getPendingResult'], 0),
	optionsFor(['getAccountsDetail'], [refreshOption, ...detailOptions]),
	optionsFor(['getAccountsSummary'], [refreshOption]),
	optionsFor(['getPendingResult', 'deleteConnection'], []),
];
