import type { NodeApiError } from 'n8n-workflow';

import type { FlinksResponse } from './errors';
import { classifyFailure } from './failures';

/** One request's outcome: an HTTP answer (any status), or the failure that left it without one. */
export interface Attempt {
	response?: FlinksResponse & { retryAfter?: string };
	failure?: NodeApiError;
	startedAt: number;
	durationMs: number;
}

/** Connections that never reached Flinks: nothing was sent, so nothing can have happened. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

const SERVER_TROUBLE = new Set([500, 502, 503, 504]);

/**
 * Whether Flinks may have acted on a call before its answer was lost: a 5xx (a gateway may fail
 * after Flinks acted), a timeout or a broken connection. A 429 comes before Flinks acts; a failed
 * token request means the call was never sent.
 */
export function couldHaveActed(attempt: Attempt): boolean {
	if (attempt.response) return SERVER_TROUBLE.has(attempt.response.statusCode);
	if (!attempt.failure) return false;
	const kind = classifyFailure(attempt.failure);
	if (kind === 'timeout') return true;
	return kind === 'connection' && !NEVER_CONNECTED.has(String(attempt.failure.httpCode ?? ''));
}
