import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { RequestPolicy } from '../api/call';
import {
	concurrencyOption,
	maxRetriesOption,
	readRequestPolicy,
	timeoutOption,
} from '../api/requestOptions';
import { booleanFrom, describeValue, numberFrom, shorten } from '../api/values';

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

/** What one item asks for, read from its parameters (expressions may differ per item). */
export interface ConnectItemSettings {
	output: OutputMode;
	waitUpToMs: number;
	pollIntervalMs: number;
	refreshFromBank: boolean;
	daysOfTransactions: 'Days90' | 'Days365';
	includeTransactions: boolean;
	includeIdentity: boolean;
	accounts: string[];
}

const ADVICE =
	'Correct this field, or the expression that sets it. No request was sent for this item.';

/** A parameter the item could not be run with: names the field and what it got. */
export function invalidField(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	expected: string,
	value: unknown,
) {
	return new NodeOperationError(
		ctx.getNode(),
		`Invalid ${label}: expected ${expected}, got ${describeValue(value)}`,
		{
			itemIndex,
			description: ADVICE,
		},
	);
}

/** A text parameter that must be there: trimmed, never empty. */
export function readText(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
): string {
	const value = ctx.getNodeParameter(name, itemIndex, '') as unknown;
	const text = typeof value === 'number' ? String(value) : value;
	if (typeof text !== 'string' || text.trim() === '') {
		throw invalidField(ctx, itemIndex, label, 'a non-empty text', value);
	}
	if (/[\s/?#\\]/.test(text.trim())) {
		throw invalidField(ctx, itemIndex, label, 'an ID without spaces or slashes', shorten(text));
	}
	return text.trim();
}

export function readItemSettings(ctx: IExecuteFunctions, itemIndex: number): ConnectItemSettings {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const number = (value: unknown, label: string, min: number, max: number) => {
		const parsed = numberFrom(value);
		if (parsed === undefined || parsed < min || parsed > max) {
			throw invalidField(ctx, itemIndex, label, `a number from ${min} to ${max}`, value);
		}
		return parsed;
	};
	const flag = (name: string, label: string, fallback: boolean) => {
		const value = options[name] ?? fallback;
		const parsed = booleanFrom(value);
		if (parsed === undefined)
			throw invalidField(ctx, itemIndex, `Options › ${label}`, 'true or false', value);
		return parsed;
	};
	const output = ctx.getNodeParameter('output', itemIndex, 'accounts') as unknown;
	if (output !== 'accounts' && output !== 'transactions' && output !== 'whole') {
		throw invalidField(ctx, itemIndex, 'Output', 'accounts, transactions or whole', output);
	}
	const days = options.daysOfTransactions ?? 'Days90';
	if (days !== 'Days90' && days !== 'Days365') {
		throw invalidField(ctx, itemIndex, 'Options › Days of Transactions', 'Days90 or Days365', days);
	}
	const accounts = options.accounts ?? '';
	if (typeof accounts !== 'string' && !Array.isArray(accounts)) {
		throw invalidField(
			ctx,
			itemIndex,
			'Options › Accounts',
			'account IDs separated by commas',
			accounts,
		);
	}
	return {
		output,
		waitUpToMs:
			1000 *
			number(ctx.getNodeParameter('waitUpTo', itemIndex, 0), 'Wait Up To (Seconds)', 0, 1800),
		pollIntervalMs:
			1000 * number(options.pollInterval ?? 10, 'Options › Poll Interval (Seconds)', 1, 60),
		refreshFromBank: flag('refreshFromBank', 'Refresh From the Bank', false),
		daysOfTransactions: days,
		includeTransactions: flag('includeTransactions', 'Include Transactions', true),
		includeIdentity: flag('includeIdentity', 'Include Account Holder Identity and KYC', false),
		accounts: (Array.isArray(accounts) ? accounts.map(String) : accounts.split(','))
			.map((id) => id.trim())
			.filter((id) => id !== ''),
	};
}

/** Timeout, retries and concurrency, read once per execution from the first item. */
export function readConnectPolicy(ctx: IExecuteFunctions): RequestPolicy {
	return readRequestPolicy(ctx, ctx.getNodeParameter('options', 0, {}) as IDataObject);
}
