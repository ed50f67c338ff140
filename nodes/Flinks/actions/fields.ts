import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_RETRY_POLICY } from '../api/retry';
import type { RequestPolicy } from '../api/call';
import { describeValue, numberFrom } from '../api/values';

/** The Session ID parameter shared by every operation that acts on an existing session. */
export const sessionIdField: INodeProperties = {
	displayName: 'Session ID',
	name: 'sessionId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 3f2504e0-4f89-41d3-9a0c-0305e82c3301',
	description:
		"The session's ID, a UUID, as Create returned it in 'sessionId' (for example from an earlier node or a database)",
};

const concurrencyOption: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 100 },
	default: 0,
	description:
		'How many requests to send at once. 0 (the default) adapts by itself: it starts at 4, grows while Flinks answers cleanly and backs off on rate limits or server errors, up to 32, shared by the executions running at the same time with this credential. Output items always keep the order of input items.',
};

const maxRetriesOption: INodeProperties = {
	displayName: 'Max Retries',
	name: 'maxRetries',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 10 },
	default: 3,
	description:
		'How many times to resend a request after a rate limit (429), a server error (500, 502, 503, 504), a timeout or a dropped connection. Each wait is longer than the last and never shorter than what Flinks asks for (Retry-After). Defaults to 3.',
};

/** Calls that must not take effect twice are resent only after a 429: say so where it is set. */
const rateLimitOnlyRetries = {
	create:
		'How many times to resend a create that Flinks turned away with a rate limit (429). A create is never resent after a server error, a timeout or a dropped connection, so no customer is asked to pay twice. Defaults to 3.',
	confirmGuarantee:
		'How many times to resend a guarantee decision that Flinks turned away with a rate limit (429). A decision is never resent after a server error, a timeout or a dropped connection, as it may already have been taken. Defaults to 3.',
};

const timeoutOption: INodeProperties = {
	displayName: 'Timeout',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 30000,
	description:
		'How long to wait for Flinks to answer one request, in milliseconds, before giving up on that attempt (the token request included). Defaults to 30000 (30 seconds).',
};

/**
 * The Options collection of an operation: the request options every operation has and its own,
 * in alphabetical order as n8n lists optional fields. `retriesOnlyOnRateLimit` words Max Retries
 * for an operation (named) that is never resent after it may have taken effect.
 */
export function optionsCollection(
	operation: string,
	{
		retriesOnlyOnRateLimit,
		extra = [],
	}: {
		retriesOnlyOnRateLimit?: keyof typeof rateLimitOnlyRetries;
		extra?: INodeProperties[];
	} = {},
): INodeProperties {
	const options = [
		concurrencyOption,
		retriesOnlyOnRateLimit
			? { ...maxRetriesOption, description: rateLimitOnlyRetries[retriesOnlyOnRateLimit] }
			: maxRetriesOption,
		timeoutOption,
		...extra,
	].sort((a, b) => a.displayName.localeCompare(b.displayName));
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { resource: ['session'], operation: [operation] } },
		options,
	};
}

/** What the node does when a session it should cancel had already ended. */
export type IfAlreadyEnded = 'returnStatus' | 'error';

/** Every option, read and checked once per execution (from the first item, like n8n's own nodes). */
export interface SessionOptions {
	request: RequestPolicy;
	ifAlreadyEnded: IfAlreadyEnded;
}

const OPTIONS_ADVICE =
	"Correct this option in the node's options, or the expression that sets it. No request was sent.";

export function readSessionOptions(ctx: IExecuteFunctions): SessionOptions {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const number = (name: string, label: string, min: number, max: number, fallback: number) => {
		const value = options[name] ?? fallback;
		const parsed = numberFrom(value);
		if (parsed === undefined || parsed < min || parsed > max) {
			throw new NodeOperationError(
				ctx.getNode(),
				`Invalid Options › ${label}: expected a number from ${min} to ${max}, got ${describeValue(value)}`,
				{ description: OPTIONS_ADVICE },
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
			{ description: OPTIONS_ADVICE },
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
