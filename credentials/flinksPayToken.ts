/** The Flinks Pay token request's parts that the credential and the nodes share: addresses, settings, codes. */
import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

export const SANDBOX_URL = 'https://payments-uat.flinksapp.com';
export const PRODUCTION_URL = 'https://payments.flinksapp.com';

/** Whether a request is the token request, `POST /api/v1/authorize` (the credential test sends one of its own). */
export function isTokenRequest(request: IHttpRequestOptions): boolean {
	return (
		String(request.method ?? 'GET').toUpperCase() === 'POST' &&
		String(request.url ?? '').endsWith('/api/v1/authorize')
	);
}

/** How long the token request may wait for an answer when no node says otherwise (the credential test). */
export const DEFAULT_TOKEN_TIMEOUT_MS = 15_000;

/** Error codes of a failed token exchange; n8n keeps them as the node error's httpCode. */
export const TOKEN_REFUSED = 'FLINKS_TOKEN_REFUSED';
export const TOKEN_UNAVAILABLE = 'FLINKS_TOKEN_UNAVAILABLE';

/** Error code of a token that was obtained but discarded: the credential was edited meanwhile. */
export const CREDENTIAL_CHANGED = 'FLINKS_CREDENTIAL_CHANGED';

/** What a node may set for its own token requests: its Timeout and its execution's stop signal. */
export interface TokenRequestSettings {
	timeoutMs: number;
	abortSignal?: IHttpRequestOptions['abortSignal'];
	/**
	 * Asked once the token arrived, just before n8n saves the node's credential object with it:
	 * false when the stored credential was edited meanwhile, so that nothing old is saved back.
	 */
	credentialUnchanged?: () => Promise<boolean>;
}

const TOKEN_REQUEST_SETTINGS = 'flinksTokenRequestSettings';

export const TIMEOUT_CODES = /^(ECONNABORTED|ETIMEDOUT|ESOCKETTIMEDOUT)$/;

/**
 * Attaches settings to credential data a node hands to n8n for one request. Non-enumerable, so
 * n8n never saves them with the token it stores after preAuthentication.
 */
export function withTokenRequestSettings(
	credentials: ICredentialDataDecryptedObject,
	settings: TokenRequestSettings,
): ICredentialDataDecryptedObject {
	Object.defineProperty(credentials, TOKEN_REQUEST_SETTINGS, {
		value: settings,
		enumerable: false,
		configurable: true,
	});
	return credentials;
}

export function tokenRequestSettings(
	credentials: ICredentialDataDecryptedObject,
): TokenRequestSettings {
	const settings = (credentials as Record<string, unknown>)[TOKEN_REQUEST_SETTINGS] as
		| TokenRequestSettings
		| undefined;
	return (
		settings ?? {
			timeoutMs: DEFAULT_TOKEN_TIMEOUT_MS,
			abortSignal: AbortSignal.timeout(DEFAULT_TOKEN_TIMEOUT_MS),
		}
	);
}

export function flinksBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	if (credentials.environment === 'production') return PRODUCTION_URL;
	if (credentials.environment === 'custom')
		return String(credentials.baseUrl ?? '').replace(/\/+$/, '');
	return SANDBOX_URL;
}

/** Fields Flinks puts its error code in (its Connect API spells it FlinksCode), compared without case. */
const ERROR_CODE_FIELDS = new Set(['flinkscode', 'errorcode', 'code', 'error']);

/**
 * Flinks' authorize error table answers a rate limit as HTTP 401 with the code TOO_MANY_REQUESTS:
 * that 401 says "not now", not "bad credentials" or "bad token".
 */
export function isTooManyRequestsBody(body: unknown): boolean {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
	return Object.entries(body).some(
		([key, value]) =>
			ERROR_CODE_FIELDS.has(key.replace(/[_-]/g, '').toLowerCase()) &&
			typeof value === 'string' &&
			value.trim().toUpperCase() === 'TOO_MANY_REQUESTS',
	);
}

/**
 * What a token is issued for: the base URL, the client and a digest of the secret (never the
 * secret itself). A token is sent nowhere else, and a changed secret is proved by a new exchange.
 */
export function tokenAudience(credentials: ICredentialDataDecryptedObject): string {
	const secretDigest = createHash('sha256')
		.update(`flinks-pay-client-secret:${String(credentials.clientSecret ?? '')}`)
		.digest('base64url')
		.slice(0, 22);
	return `${flinksBaseUrl(credentials)} ${String(credentials.clientId ?? '')} ${secretDigest}`;
}

/** Whether the stored token was issued for the credential's base URL, client and secret as they are now. */
export function isTokenFor(credentials: ICredentialDataDecryptedObject): boolean {
	return credentials.accessTokenFor === tokenAudience(credentials);
}

/**
 * A failed token exchange; n8n wraps it in a NodeApiError that takes `httpCode` as its own. Not
 * `code`: n8n 2.41's credential test would show a `code` in place of the message.
 */
export function tokenFailure(code: string, message: string, statusCode?: number): Error {
	return Object.assign(new Error(message), {
		httpCode: code,
		...(statusCode === undefined ? {} : { tokenEndpointStatus: statusCode }),
	});
}

/** The HTTP status the token endpoint answered a failed exchange with, if it answered. */
export function tokenEndpointStatusOf(error: unknown): number | undefined {
	const status = (error as { tokenEndpointStatus?: unknown } | undefined)?.tokenEndpointStatus;
	return typeof status === 'number' ? status : undefined;
}

/** Where a redirect points, as an origin; a relative Location resolves against the base URL. */
export function redirectOrigin(location: unknown, baseUrl: string): string {
	if (typeof location !== 'string' || location === '') return 'nowhere (no Location header)';
	try {
		return clip(new URL(location, baseUrl).origin, 100);
	} catch {
		return 'an invalid Location';
	}
}

/** At most `max` characters of what Flinks sent, control characters as "?": never a whole payload in a message. */
export function clip(text: string, max: number): string {
	const shown = Array.from(text.slice(0, max), (char) => (char < ' ' ? '?' : char)).join('');
	return text.length > max ? `${shown}… (${text.length} characters)` : shown;
}
