import type { IDataObject, INodeProperties, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { booleanFrom, describeValue, numberFrom } from '../api/values';
import { outputOptions } from '../connect/fields';

/** The statuses Flinks sends webhooks for, as `normalizeStatus` spells them. */
const EVENT_STATUSES = { cancelled: 'Cancelled', completed: 'Completed', failed: 'Failed' };

const DEFAULT_REPEAT_WINDOW_MINUTES = 60;
const DEFAULT_REPLAY_WINDOW_MINUTES = 5;
/** A week: longer windows are a typo (and a replay window that long protects nothing). */
const MAX_WINDOW_MINUTES = 7 * 24 * 60;

export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			'Flinks registers webhook URLs through its support desk, not through n8n: open a ticket with the <b>Production URL</b> shown under Webhook URLs above and the environment (sandbox or production). Flinks then gives you the secret for the Flinks Webhook API credential. Publishing this workflow registers nothing at Flinks.',
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Flinks Connect',
				value: 'connect',
				description:
					"Bank data results: GetAccountsDetail and KYC (one webhook URL per Flinks instance, switched on by Flinks support; signed with 'flinks-authenticity-key')",
			},
			{
				name: 'Flinks Pay',
				value: 'pay',
				description: 'Payment sessions that completed, failed or were cancelled',
			},
		],
		default: 'pay',
		description: 'Which Flinks product sends the webhooks to this trigger',
	},
	// n8n names a trigger's event choice 'Trigger On', without a tooltip; each event says what it is.
	{
		displayName: 'Trigger On',
		name: 'connectEvents',
		type: 'multiOptions',
		options: [
			{
				name: 'Accounts Detail',
				value: 'accountsDetail',
				description: "A GetAccountsDetail result: the customer's accounts and transactions",
			},
			{ name: 'KYC', value: 'kyc', description: 'A KYC result about the account holder' },
		],
		default: ['accountsDetail'],
		displayOptions: { show: { source: ['connect'] } },
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: outputOptions,
		default: 'accounts',
		description:
			'How an Accounts Detail result becomes items, as in Flinks Connect › Get Accounts Detail',
		displayOptions: { show: { source: ['connect'] } },
	},
	{
		displayName: 'Trigger On',
		name: 'events',
		displayOptions: { show: { source: ['pay'] } },
		type: 'multiOptions',
		options: [
			{
				name: 'Cancelled',
				value: 'cancelled',
				description: 'A payment session was cancelled (Flinks also spells it Canceled)',
			},
			{ name: 'Completed', value: 'completed', description: 'The customer paid' },
			{ name: 'Failed', value: 'failed', description: 'The payment did not go through' },
		],
		default: ['cancelled', 'completed', 'failed'],
	},
	{
		displayName: 'Confirm With Flinks',
		name: 'confirmWithFlinks',
		displayOptions: { show: { source: ['pay'] } },
		type: 'boolean',
		default: false,
		description:
			"Whether to look up each event's session at Flinks (as Flinks Session's Get does) and output Flinks' own current state; select a Flinks Pay API credential above for it",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Ignore Repeats',
				name: 'ignoreRepeats',
				type: 'boolean',
				default: true,
				description:
					"Whether to start nothing for an event whose session already reached the same status within 'Repeat Window (Minutes)'; Flinks may deliver an event twice",
			},
			{
				displayName: 'Repeat Window (Minutes)',
				name: 'repeatWindow',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_REPEAT_WINDOW_MINUTES,
				description:
					"How long 'Ignore Repeats' remembers a session and its status. Defaults to 60.",
			},
			{
				displayName: 'Replay Window (Minutes)',
				name: 'replayWindow',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: DEFAULT_REPLAY_WINDOW_MINUTES,
				description:
					"Events dated earlier than this, or more than a minute ahead of this server's clock, are refused (HTTP 401) so that a captured delivery cannot be replayed. 0 turns the check off. Defaults to 5.",
			},
		],
	},
];

export interface TriggerSettings {
	/** Normalized statuses that start the workflow. */
	statuses: Set<string>;
	confirmWithFlinks: boolean;
	/** 0 when Ignore Repeats is off. */
	repeatWindowMs: number;
	/** 0 when the replay check is off. */
	replayWindowMs: number;
}

/**
 * The trigger's parameters, checked: an expression can give any type, and a setting read wrongly
 * would weaken a check without saying so (a Replay Window of "abc" would turn replay protection
 * off). A bad one fails the delivery (n8n answers 500 and records the error) and starts nothing.
 */
export function readSettings(ctx: IWebhookFunctions): TriggerSettings {
	const invalid = (label: string, expected: string, value: unknown) =>
		new NodeOperationError(
			ctx.getNode(),
			`Invalid ${label}: expected ${expected}, got ${describeValue(value)}`,
			{
				description:
					"Correct this parameter of the Flinks Trigger, or the expression that sets it. This delivery started nothing and Flinks does not send it again: check the session with Flinks Session's Get once this is fixed.",
			},
		);
	const flag = (value: unknown, label: string, fallback: boolean) => {
		if (value === undefined) return fallback;
		const parsed = booleanFrom(value);
		if (parsed === undefined) throw invalid(label, 'true or false', value);
		return parsed;
	};
	const minutes = (value: unknown, label: string, min: number, fallback: number) => {
		const parsed = value === undefined ? fallback : numberFrom(value);
		if (parsed === undefined || parsed < min || parsed > MAX_WINDOW_MINUTES) {
			throw invalid(label, `a number of minutes from ${min} to ${MAX_WINDOW_MINUTES}`, value);
		}
		return parsed * 60_000;
	};

	const events: unknown = ctx.getNodeParameter('events', []);
	const eventNames = typeof events === 'string' ? events.split(',') : events;
	if (!Array.isArray(eventNames)) throw invalid('Trigger On', 'a list of events', events);
	const statuses = eventNames.map((event: unknown) => {
		const key = typeof event === 'string' ? event.trim().toLowerCase() : '';
		if (!Object.prototype.hasOwnProperty.call(EVENT_STATUSES, key)) {
			throw invalid('Trigger On', 'cancelled, completed or failed', event);
		}
		return EVENT_STATUSES[key as keyof typeof EVENT_STATUSES];
	});
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const ignoreRepeats = flag(options.ignoreRepeats, 'Options › Ignore Repeats', true);
	return {
		statuses: new Set(statuses),
		confirmWithFlinks: flag(
			ctx.getNodeParameter('confirmWithFlinks', false),
			'Confirm With Flinks',
			false,
		),
		repeatWindowMs: ignoreRepeats
			? minutes(
					options.repeatWindow,
					'Options › Repeat Window (Minutes)',
					1,
					DEFAULT_REPEAT_WINDOW_MINUTES,
				)
			: 0,
		replayWindowMs: minutes(
			options.replayWindow,
			'Options › Replay Window (Minutes)',
			0,
			DEFAULT_REPLAY_WINDOW_MINUTES,
		),
	};
}
