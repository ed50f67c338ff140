import type { INodeProperties, IWebhookFunctions } from 'n8n-workflow';

/** The statuses Flinks sends webhooks for, as `normalizeStatus` spells them. */
const EVENT_STATUSES = { cancelled: 'Cancelled', completed: 'Completed', failed: 'Failed' };

const DEFAULT_REPEAT_WINDOW_MINUTES = 60;
const DEFAULT_REPLAY_WINDOW_MINUTES = 5;

export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			'Flinks registers webhook URLs through its support desk, not through n8n: open a ticket with the <b>Production URL</b> shown under Webhook URLs above and the environment (sandbox or production). Flinks then gives you the secret for the Flinks Webhook API credential. Publishing this workflow registers nothing at Flinks.',
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	// n8n names a trigger's event choice 'Trigger On', without a tooltip; each event says what it is.
	{
		displayName: 'Trigger On',
		name: 'events',
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

export function readSettings(ctx: IWebhookFunctions): TriggerSettings {
	const events = ctx.getNodeParameter('events', []) as Array<keyof typeof EVENT_STATUSES>;
	const options = ctx.getNodeParameter('options', {}) as {
		ignoreRepeats?: boolean;
		repeatWindow?: number;
		replayWindow?: number;
	};
	const minutes = (value: number | undefined, fallback: number) =>
		Math.max(0, value ?? fallback) * 60_000;
	return {
		statuses: new Set(events.map((event) => EVENT_STATUSES[event]).filter(Boolean)),
		confirmWithFlinks: ctx.getNodeParameter('confirmWithFlinks', false) as boolean,
		repeatWindowMs:
			options.ignoreRepeats === false
				? 0
				: minutes(options.repeatWindow, DEFAULT_REPEAT_WINDOW_MINUTES),
		replayWindowMs: minutes(options.replayWindow, DEFAULT_REPLAY_WINDOW_MINUTES),
	};
}
