import type { NodeApiError } from 'n8n-workflow';

import {
	CREDENTIAL_CHANGED,
	TIMEOUT_CODES,
	TOKEN_REFUSED,
	TOKEN_UNAVAILABLE,
} from '../../../credentials/flinksPayToken';

/**
 * Why a request got no HTTP answer, decided by error code only. n8n keeps the code of a
 * network error (and of the credential's own token errors) in NodeApiError.httpCode.
 */
export type FailureKind =
	/** No answer within the Timeout. */
	| 'timeout'
	/** Reset, refused or unresolvable connection. */
	| 'connection'
	/** The TLS handshake failed: retrying cannot help. */
	| 'tls'
	/** The token exchange was refused or redirected: retrying cannot help. */
	| 'tokenRefused'
	/** The token exchange failed in a way that may pass (429, 5xx, timeout, reset). */
	| 'tokenUnavailable'
	/** A token arrived, but the credential was edited meanwhile: it was discarded. */
	| 'credentialChanged';

export function classifyFailure(error: NodeApiError): FailureKind {
	const code = String(error.httpCode ?? '');
	if (code === TOKEN_REFUSED) return 'tokenRefused';
	if (code === TOKEN_UNAVAILABLE) return 'tokenUnavailable';
	if (code === CREDENTIAL_CHANGED) return 'credentialChanged';
	if (TIMEOUT_CODES.test(code)) return 'timeout';
	if (/CERT|SSL|TLS/.test(code)) return 'tls';
	return 'connection';
}

export function isRetryableFailure(kind: FailureKind): boolean {
	return kind === 'timeout' || kind === 'connection' || kind === 'tokenUnavailable';
}

const TRANSIENT_STATUSES = new Set([429, 500, 502, 503, 504]);

/** Statuses that say "not now": rate limits and server or gateway trouble. */
export function isTransientStatus(statusCode: number): boolean {
	return TRANSIENT_STATUSES.has(statusCode);
}
