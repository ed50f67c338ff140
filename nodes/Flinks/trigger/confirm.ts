import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
	IWebhookFunctions,
} from 'n8n-workflow';

import {
	flinksBaseUrl,
	isTokenFor,
	withTokenRequestSettings,
} from '../../../credentials/flinksPayToken';
import { credentialSecrets, scrubSecretsDeep } from '../../../credentials/secretText';
import type { SessionDetails } from '../api/details';
import { readSessionDetails } from '../api/details';
import { CREDENTIAL_TYPE } from '../api/credential';
import { isUuid } from '../api/guards';
import { credentialKey } from '../api/sharedState';
import { Deadline } from '../api/send';
import { otherSessionIn } from '../api/session';
import { shorten } from '../api/values';

/** Flinks waits for the answer to its delivery while the trigger asks: a deadline for all of it. */
const CONFIRM_TIMEOUT_MS = 10_000;

export type Confirmation =
	| { outcome: 'confirmed'; details: SessionDetails }
	/** Flinks answered 404: the event is about a session it does not know. */
	| { outcome: 'unknownSession' }
	/** Flinks could not say; `reason` is safe to show (no secret, no token). */
	| { outcome: 'unconfirmed'; reason: string };

/**
 * Looks the event's session up with Get Details (`GET /api/v2/sessions/{id}/details`), once:
 * Flinks does not resend a delivery, so a failure here must not cost the event.
 */
export async function confirmSession(
	ctx: IWebhookFunctions,
	sessionId: string | null,
): Promise<Confirmation> {
	if (sessionId === null || !isUuid(sessionId)) {
		return {
			outcome: 'unconfirmed',
			reason: 'The event carries no session ID that is a UUID, so Flinks was not asked',
		};
	}
	const credentialsRef = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
	if (!credentialsRef) {
		return {
			outcome: 'unconfirmed',
			reason:
				'Confirm With Flinks is on but the trigger has no Flinks Pay API credential, so Flinks was not asked. Select one in the trigger.',
		};
	}
	const deadline = new Deadline(CONFIRM_TIMEOUT_MS);
	let credentials: ICredentialDataDecryptedObject = {};
	// The token kept, and after an exchange the new one: neither may come back in Flinks' words.
	const secrets: string[] = [];
	const scrubbed = (confirmation: Confirmation): Confirmation => {
		secrets.push(...credentialSecrets(credentials));
		return scrubSecretsDeep(confirmation, secrets);
	};
	let body: unknown;
	try {
		credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
		secrets.push(...credentialSecrets(credentials));
		body = await requestSessionDetails(ctx, sessionId, deadline, credentials, {
			id: credentialsRef.id ?? '',
			name: credentialsRef.name,
		});
	} catch (error) {
		const status = httpStatusOf(error);
		if (status === 404) return { outcome: 'unknownSession' };
		const reason = deadline.expired
			? `no complete answer within ${CONFIRM_TIMEOUT_MS} ms`
			: (error as Error).message;
		return scrubbed({
			outcome: 'unconfirmed',
			reason:
				status === undefined
					? `Could not reach Flinks: ${reason}`
					: `Flinks answered HTTP ${status} to Get Details`,
		});
	}
	return scrubbed(confirmationOf(body, sessionId));
}

/** What Flinks' answer to Get Details says about the event's session. */
function confirmationOf(body: unknown, sessionId: string): Confirmation {
	const details = readSessionDetails(body, sessionId);
	if (!details) {
		return {
			outcome: 'unconfirmed',
			reason: 'Flinks answered Get Details without a session status',
		};
	}
	const other = otherSessionIn(details, sessionId);
	if (other !== undefined) {
		return {
			outcome: 'unconfirmed',
			reason: `Flinks answered Get Details about another session (${shorten(other)})`,
		};
	}
	return { outcome: 'confirmed', details };
}

/**
 * The trigger's one request. Sent in throwing mode so that n8n renews an expired token after a
 * 401 itself; redirects are not followed, so the token only ever goes to the credential's host.
 */
async function requestSessionDetails(
	ctx: IWebhookFunctions,
	sessionId: string,
	deadline: Deadline,
	stored: ICredentialDataDecryptedObject,
	credentialsRef: { id: string; name: string },
): Promise<unknown> {
	const settingsOf = (data: ICredentialDataDecryptedObject) =>
		credentialKey(credentialsRef.id, data, flinksBaseUrl(data));
	const readAt = settingsOf(stored);
	const credentials = withTokenRequestSettings(stored, {
		timeoutMs: CONFIRM_TIMEOUT_MS,
		abortSignal: deadline.signal,
		// n8n saves the object it was handed with the new token: never over the user's edit.
		credentialUnchanged: async () =>
			await ctx.getCredentials(CREDENTIAL_TYPE).then(
				(now) => settingsOf(now) === readAt,
				() => true,
			),
	});
	// A token kept after the credential was edited is never sent: n8n then asks the new host for one.
	if (!isTokenFor(credentials)) credentials.accessToken = '';
	const xClientId = String(credentials.xClientId ?? '').trim();
	const options: IHttpRequestOptions = {
		method: 'GET',
		url: `${flinksBaseUrl(credentials)}/api/v2/sessions/${encodeURIComponent(sessionId)}/details`,
		headers: { Accept: 'application/json', ...(xClientId ? { 'x-client-id': xClientId } : {}) },
		json: true,
		timeout: CONFIRM_TIMEOUT_MS,
		abortSignal: deadline.signal,
		disableFollowRedirect: true,
	};
	return await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options, {
		credentialsDecrypted: { ...credentialsRef, type: CREDENTIAL_TYPE, data: credentials },
	});
}

function httpStatusOf(error: unknown): number | undefined {
	const status = Number((error as IDataObject).httpCode);
	return Number.isInteger(status) && status >= 100 ? status : undefined;
}
