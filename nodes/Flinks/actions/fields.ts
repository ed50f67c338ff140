import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { RequestPolicy } from '../api/call';
import {
	concurrencyOption,
	invalidOption,
	maxRetriesOption,
	readRequestPolicy,
	timeoutOption,
} from '../api/requestOptions';

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

/** Calls that must not take effect twice are resent only after a 429: say so where it is set. */
const rateLimitOnlyRetries = {
	create:
		'How many times to resend a create that Flinks turned away with a rate limit (429). A create is never resent after a server error, a timeout or a dropped connection, so no customer is asked to pay twice. Defaults to 3.',
	confirmGuarantee:
		'How many times to resend a guarantee decision that Flinks turned away with a rate limit (429). A decision is never resent after a server error, a timeout or a dropped connection, as it may already have been taken. Defaults to 3.',
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

export function readSessionOptions(ctx: IExecuteFunctions): SessionOptions {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const request = readRequestPolicy(ctx, options);
	const ifAlreadyEnded = options.ifAlreadyEnded ?? 'returnStatus';
	if (ifAlreadyEnded !== 'returnStatus' && ifAlreadyEnded !== 'error') {
		throw invalidOption(ctx, 'If Session Already Ended', 'returnStatus or error', ifAlreadyEnded);
	}
	return { request, ifAlreadyEnded };
}
