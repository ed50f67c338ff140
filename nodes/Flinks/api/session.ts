import type { IDataObject } from 'n8n-workflow';

import { isPlainObject } from './guards';

/** Session states as Flinks documents them; sibling APIs also spell `Canceled`. */
export type SessionStatus = 'Initiated' | 'Cancelled' | 'Completed' | 'Expired' | 'Failed';

// A Map, not an object literal: a status such as "constructor" must not find Object's properties.
const KNOWN_STATUSES = new Map<string, SessionStatus>([
	['initiated', 'Initiated'],
	['cancelled', 'Cancelled'],
	['canceled', 'Cancelled'],
	['completed', 'Completed'],
	['expired', 'Expired'],
	['failed', 'Failed'],
]);

const TERMINAL_STATUSES = new Set<SessionStatus>(['Cancelled', 'Completed', 'Expired', 'Failed']);

/** The session fields every operation on an existing session emits. */
export type SessionState = {
	sessionId: string;
	referenceId: string | null;
	status: string;
	statusDetails: string | null;
};

/** Known statuses in their documented spelling, whatever the case; unknown ones as sent. */
export function normalizeStatus(status: string): string {
	return KNOWN_STATUSES.get(status.trim().toLowerCase()) ?? status;
}

export function isTerminalStatus(status: string): boolean {
	return TERMINAL_STATUSES.has(normalizeStatus(status) as SessionStatus);
}

export function isCancelledStatus(status: string): boolean {
	return normalizeStatus(status) === 'Cancelled';
}

/** Reads a session answer; undefined when the body is not a session (HTML, empty, no status). */
export function readSession(body: unknown, fallbackSessionId: string): SessionState | undefined {
	if (!isPlainObject(body)) return undefined;
	const data: IDataObject = body;
	if (typeof data.status !== 'string' || data.status.trim() === '') return undefined;
	return {
		sessionId: typeof data.sessionId === 'string' ? data.sessionId : fallbackSessionId,
		referenceId: typeof data.referenceId === 'string' ? data.referenceId : null,
		status: normalizeStatus(data.status),
		statusDetails: typeof data.statusDetails === 'string' ? data.statusDetails : null,
	};
}

/** The session an answer speaks of when it is not the one asked for; undefined when it is (or unnamed). */
export function otherSessionIn(session: SessionState, askedSessionId: string): string | undefined {
	return isSameSessionId(session.sessionId, askedSessionId) ? undefined : session.sessionId;
}

/** Whether an answer names the session asked for; Flinks may change the case of a UUID. */
export function isSameSessionId(answeredSessionId: string, askedSessionId: string): boolean {
	return answeredSessionId.trim().toLowerCase() === askedSessionId.toLowerCase();
}
