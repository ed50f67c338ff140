import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { RequestPolicy } from '../api/call';
import { readRequestPolicy } from '../api/requestOptions';
import { booleanFrom, describeValue, numberFrom, shorten } from '../api/values';
import type { OutputMode } from './fields';

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
	// "." and ".." would be resolved away in the URL: the call would go to another path.
	if (text.trim() === '.' || text.trim() === '..') {
		throw invalidField(ctx, itemIndex, label, 'an ID, not a path segment', text.trim());
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
	const isId = (entry: unknown) => typeof entry === 'string' || typeof entry === 'number';
	if (typeof accounts !== 'string' && !(Array.isArray(accounts) && accounts.every(isId))) {
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
