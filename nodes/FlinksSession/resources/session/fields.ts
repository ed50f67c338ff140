import type { INodeProperties } from 'n8n-workflow';

/** The Session ID parameter shared by every operation that acts on an existing session. */
export const sessionIdField: INodeProperties = {
	displayName: 'Session ID',
	name: 'sessionId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 3f2504e0-4f89-41d3-9a0c-0305e82c3301',
	description:
		'The UUID of the e-Transfer session, as returned when it was created. Usually an expression that reads it from the input item.',
};

/** Transport options every operation offers under Options; read once per execution. */
export const requestOptionFields: INodeProperties[] = [
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 100 },
		default: 0,
		description:
			'How many requests to send at once. 0 (default) adapts by itself: starts at 4, grows while Flinks answers cleanly and halves on rate limits or server errors, up to 32. Output order always matches input order.',
	},
	{
		displayName: 'Max Retries',
		name: 'maxRetries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10 },
		default: 3,
		description:
			'How many times to retry a request after a rate limit (429), a server error (500, 502, 503, 504), a timeout or a dropped connection. Waits grow exponentially and honour Retry-After.',
	},
	{
		displayName: 'Timeout',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 30000,
		description: 'Time in ms to wait for Flinks to answer one request before it counts as failed (and is retried)',
	},
];

/**
 * The Options collection of an operation that has only the transport options.
 * `oneAtATime` leaves out Concurrency for an operation that never runs items in parallel.
 */
export function requestOptionsCollection(operation: string, oneAtATime = false): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['session'], operation: [operation] } },
		options: oneAtATime
			? requestOptionFields.filter((field) => field.name !== 'concurrency')
			: requestOptionFields,
	};
}
