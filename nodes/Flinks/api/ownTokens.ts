import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IHttpRequestHelper,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { FlinksPayApi } from '../../../credentials/FlinksPayApi.credentials';
import {
	tokenEndpointStatusOf,
	withTokenRequestSettings,
} from '../../../credentials/flinksPayToken';
import type { Attempt } from './attempt';
import type { Deadline } from './send';

/** The credential's own token request, run for a create outside n8n's store. */
const payApi = new FlinksPayApi();

/** Longer than this, a spare token may expire before its create reaches Flinks (tokens live 299 s or more). */
const SPARE_TOKEN_MAX_AGE_MS = 200_000;

/** More spares than creates in progress at once would only expire unused. */
const MAX_SPARE_TOKENS = 64;

/**
 * Tokens a create obtained and never sent (a rate limit, then a stop): the next create of the
 * same credential in this n8n instance uses one before exchanging, so none is thrown away. A
 * token is taken by one create only.
 */
export class SpareTokens {
	private readonly spares: Array<{ token: string; obtainedAt: number }> = [];

	/** A token no create has used, or undefined; expired-looking ones are dropped. */
	take(now = Date.now()): { token: string; obtainedAt: number } | undefined {
		while (this.spares.length > 0) {
			const spare = this.spares.pop() as { token: string; obtainedAt: number };
			if (now - spare.obtainedAt < SPARE_TOKEN_MAX_AGE_MS) return spare;
		}
		return undefined;
	}

	giveBack(token: string, obtainedAt: number): void {
		if (token === '' || this.spares.some((spare) => spare.token === token)) return;
		this.spares.push({ token, obtainedAt });
		if (this.spares.length > MAX_SPARE_TOKENS) this.spares.shift();
	}
}

/**
 * One token exchange for a create's own token, by the credential's own token request through
 * n8n's httpRequest helper. n8n stores nothing: the token is this create's alone. Never throws:
 * a failed exchange comes back as the attempt's failure, coded like n8n's own (FLINKS_TOKEN_*).
 */
export async function exchangeOwnToken(
	ctx: IExecuteFunctions,
	credentials: ICredentialDataDecryptedObject,
	deadline: Deadline,
): Promise<{ token?: string; attempt: Attempt }> {
	const startedAt = Date.now();
	const request = withTokenRequestSettings(
		{ ...credentials, accessToken: '' },
		{ timeoutMs: deadline.timeoutMs, abortSignal: deadline.signal },
	);
	try {
		const issued = await payApi.preAuthentication.call(
			{ helpers: ctx.helpers } as unknown as IHttpRequestHelper,
			request,
		);
		return {
			token: String(issued.accessToken),
			attempt: { startedAt, durationMs: Date.now() - startedAt },
		};
	} catch (error) {
		return {
			attempt: {
				failure: new NodeApiError(ctx.getNode(), error as JsonObject),
				startedAt,
				durationMs: Date.now() - startedAt,
				tokenEndpointStatus: tokenEndpointStatusOf(error),
			},
		};
	}
}
