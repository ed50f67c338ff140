import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	NodeApiError,
} from 'n8n-workflow';

import { credentialSecrets, scrubSecrets, scrubSecretsDeep } from '../../../credentials/secretText';
import type { Attempt } from './attempt';
import type { FlinksCall } from './call';

/**
 * One request's deadline, from its start to the last byte of the answer, joined with the
 * execution's stop signal. (The HTTP timeout alone is an idle timer: a trickling answer outlives it.)
 */
export class Deadline {
	readonly signal: AbortSignal;

	private readonly timeout: AbortSignal;

	constructor(
		readonly timeoutMs: number,
		private readonly executionSignal?: AbortSignal,
	) {
		this.timeout = AbortSignal.timeout(timeoutMs);
		this.signal = executionSignal ? AbortSignal.any([executionSignal, this.timeout]) : this.timeout;
	}

	/** True when the time ran out, rather than the execution being stopped. */
	get expired(): boolean {
		return this.timeout.aborted && this.executionSignal?.aborted !== true;
	}
}

/** The HTTP request for one call, as n8n sends it: JSON, every status returned, no redirect followed. */
export function flinksRequest(
	call: FlinksCall,
	baseUrl: string,
	headers: IDataObject,
	timeoutMs: number,
): IHttpRequestOptions {
	return {
		method: call.method,
		url: `${baseUrl}${call.path}`,
		headers,
		...(call.body ? { body: call.body } : {}),
		json: true,
		timeout: timeoutMs,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// Credentials must never reach another host: a redirect is an error, not followed.
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
	};
}

/** A request's deadline ran out: n8n reports the abort, the item reports a timeout. */
const TIMED_OUT = 'ETIMEDOUT';

/**
 * Sends one request through n8n's httpRequestWithAuthentication, ended by `deadline`. n8n sets
 * each request's abort signal to what getExecutionCancelSignal returns, so the request runs in
 * a view of the node's context whose cancel signal is the deadline (which includes the execution's).
 */
export async function sendThroughN8n(
	ctx: IExecuteFunctions,
	deadline: Deadline,
	{ request, credentials }: { request: IHttpRequestOptions; credentials: ICredentialsDecrypted },
): Promise<Attempt> {
	const withDeadline = Object.create(ctx, {
		getExecutionCancelSignal: { value: () => deadline.signal },
	}) as IExecuteFunctions;
	// The token this request carries now; after an exchange, the new one is added below.
	const secrets = credentialSecrets(credentials.data ?? {});
	const startedAt = Date.now();
	try {
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(
			withDeadline,
			credentials.type,
			{ ...request, abortSignal: deadline.signal },
			{ credentialsDecrypted: credentials },
		)) as { statusCode: number; body: unknown; headers?: Record<string, unknown> };
		const { statusCode, body, headers } = response;
		secrets.push(...credentialSecrets(credentials.data ?? {}));
		const location = header(headers, 'location');
		return {
			response: {
				statusCode,
				// Whatever Flinks or a gateway echoes of the request's secrets goes no further.
				body: scrubSecretsDeep(body, secrets),
				attempts: 0,
				retryAfter: header(headers, 'retry-after'),
				location: location === undefined ? undefined : scrubSecrets(location, secrets),
			},
			startedAt,
			durationMs: Date.now() - startedAt,
		};
	} catch (error) {
		const failure = error as NodeApiError;
		// A token request that ran out of time already says so (the credential's own code).
		if (deadline.expired && !String(failure.httpCode ?? '').startsWith('FLINKS_')) {
			failure.httpCode = TIMED_OUT;
		}
		failure.message = scrubSecrets(String(failure.message ?? ''), secrets);
		if (typeof failure.description === 'string') {
			failure.description = scrubSecrets(failure.description, secrets);
		}
		return { failure, startedAt, durationMs: Date.now() - startedAt };
	}
}

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
	const value = headers?.[name];
	return typeof value === 'string' ? value : undefined;
}
