import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_RETRY_POLICY } from '../../shared/retry';
import type { RequestPolicy } from '../../shared/transport';
import { describeValue } from '../../shared/validation';

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

const concurrencyOption: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 100 },
	default: 0,
	description:
		'How many requests to send at once. 0 (default) adapts by itself: starts at 4, grows while Flinks answers cleanly and halves on rate limits or server errors, up to 32. Output order always matches input order.',
};

const retryOptions: INodeProperties[] = [
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
		description:
			'Time in ms to wait for Flinks to answer one request (the token request included) before it counts as failed (and is retried)',
	},
];

/**
 * The Options collection of an operation: the request options every operation has, then its own.
 * `concurrency: false` leaves Concurrency out for an operation that never runs items in parallel.
 */
export function optionsCollection(
	operation: string,
	{ concurrency = true, extra = [] }: { concurrency?: boolean; extra?: INodeProperties[] } = {},
): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['session'], operation: [operation] } },
		options: [...(concurrency ? [concurrencyOption] : []), ...retryOptions, ...extra],
	};
}

/** What the node does when a session it should cancel had already ended. */
export type IfAlreadyEnded = 'returnStatus' | 'error';

/** Every option, read and checked once per execution (from the first item, like n8n's own nodes). */
export interface SessionOptions {
	request: RequestPolicy;
	ifAlreadyEnded: IfAlreadyEnded;
}

export function readSessionOptions(ctx: IExecuteFunctions): SessionOptions {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const number = (name: string, label: string, min: number, max: number, fallback: number) => {
		const value = options[name] ?? fallback;
		const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
		if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed < min || parsed > max) {
			throw new NodeOperationError(
				ctx.getNode(),
				`Invalid Options › ${label}: expected a number from ${min} to ${max}, got ${describeValue(value)}`,
				{ description: 'Check the Options of the node or the expression that sets this one.' },
			);
		}
		return Math.floor(parsed);
	};
	const concurrency = number('concurrency', 'Concurrency', 0, 100, 0);
	const ifAlreadyEnded = options.ifAlreadyEnded ?? 'returnStatus';
	if (ifAlreadyEnded !== 'returnStatus' && ifAlreadyEnded !== 'error') {
		throw new NodeOperationError(
			ctx.getNode(),
			`Invalid Options › If Session Already Ended: expected returnStatus or error, got ${describeValue(ifAlreadyEnded)}`,
		);
	}
	return {
		request: {
			...DEFAULT_RETRY_POLICY,
			concurrency: concurrency > 0 ? concurrency : undefined,
			maxRetries: number('maxRetries', 'Max Retries', 0, 10, DEFAULT_RETRY_POLICY.maxRetries),
			timeoutMs: number('timeout', 'Timeout', 1, 3_600_000, DEFAULT_RETRY_POLICY.timeoutMs),
		},
		ifAlreadyEnded,
	};
}
