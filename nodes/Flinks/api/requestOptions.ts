import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { RequestPolicy } from './call';
import { DEFAULT_RETRY_POLICY } from './retry';
import { describeValue, numberFrom } from './values';

/** The request options every Flinks node offers (Concurrency, Max Retries, Timeout) and their reading. */

export const concurrencyOption: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 100 },
	default: 0,
	description:
		'How many requests to send at once. 0 (the default) adapts by itself: it starts at 4, grows while Flinks answers cleanly and backs off on rate limits or server errors, up to 32, shared by the executions running at the same time with this credential. Output items always keep the order of input items.',
};

export const maxRetriesOption: INodeProperties = {
	displayName: 'Max Retries',
	name: 'maxRetries',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 10 },
	default: 3,
	description:
		'How many times to resend a request after a rate limit (429), a server error (500, 502, 503, 504), a timeout or a dropped connection. Each wait is longer than the last and never shorter than what Flinks asks for (Retry-After). Defaults to 3.',
};

export const timeoutOption: INodeProperties = {
	displayName: 'Timeout',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 30000,
	description:
		'How long to wait for Flinks to answer one request, in milliseconds, before giving up on that attempt (the token request included). Defaults to 30000 (30 seconds).',
};

const OPTIONS_ADVICE =
	"Correct this option in the node's options, or the expression that sets it. No request was sent.";

/** An option the execution cannot run with: names it and what it got. */
export function invalidOption(
	ctx: IExecuteFunctions,
	label: string,
	expected: string,
	value: unknown,
): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`Invalid Options › ${label}: expected ${expected}, got ${describeValue(value)}`,
		{ description: OPTIONS_ADVICE },
	);
}

/** Timeout, retries and concurrency from a node's Options, read once per execution. */
export function readRequestPolicy(ctx: IExecuteFunctions, options: IDataObject): RequestPolicy {
	const number = (name: string, label: string, min: number, max: number, fallback: number) => {
		const value = options[name] ?? fallback;
		const parsed = numberFrom(value);
		if (parsed === undefined || parsed < min || parsed > max) {
			throw invalidOption(ctx, label, `a number from ${min} to ${max}`, value);
		}
		return Math.floor(parsed);
	};
	const concurrency = number('concurrency', 'Concurrency', 0, 100, 0);
	return {
		...DEFAULT_RETRY_POLICY,
		concurrency: concurrency > 0 ? concurrency : undefined,
		maxRetries: number('maxRetries', 'Max Retries', 0, 10, DEFAULT_RETRY_POLICY.maxRetries),
		timeoutMs: number('timeout', 'Timeout', 1, 3_600_000, DEFAULT_RETRY_POLICY.timeoutMs),
	};
}
