import type { IDataObject } from 'n8n-workflow';

import { isPlainObject } from '../api/guards';
import { normalizeStatus } from '../api/session';
import { epochMilliseconds, parseTextTime } from './eventTime';

/** What the trigger reads from a Flinks event; the event itself stays available as sent. */
export interface FlinksEvent {
	sessionId: string | null;
	referenceId: string | null;
	/** Normalized like Cancel's output: `Canceled` in any case is `Cancelled`. */
	status: string | null;
	statusDetails: string | null;
	/** Milliseconds since the epoch, when the event carries a timestamp Flinks or we can read. */
	occurredAt: number | undefined;
	/** A timestamp the event carries in no format read the same everywhere: never judged, reported. */
	unreadableTime: string | null;
}

/**
 * The e-Transfer event body is not published: each field is looked up under the spellings
 * Flinks' APIs use (any case, with or without underscores), at the top level or in `data`.
 */
const FIELD_SPELLINGS = {
	sessionId: ['sessionid'],
	referenceId: ['referenceid'],
	status: ['status', 'sessionstatus'],
	statusDetails: ['statusdetails'],
	occurredAt: ['when', 'timestamp', 'occurredat', 'eventtime', 'eventtimestamp'],
} as const;

const ENVELOPES = ['data', 'payload'];

/** How far ahead of n8n's clock an event may be dated: clocks drift. */
export const ALLOWED_CLOCK_SKEW_MS = 60_000;

/**
 * Replay protection: why an event dated `occurredAt` must be refused, or undefined when it may
 * pass. Events without a timestamp pass (Flinks' body is not published); a window of 0 turns it off.
 */
export function staleEventProblem(
	occurredAt: number | undefined,
	now: number,
	windowMs: number,
): string | undefined {
	if (occurredAt === undefined || windowMs <= 0) return undefined;
	if (occurredAt - now > ALLOWED_CLOCK_SKEW_MS) {
		return `The event is dated ${new Date(occurredAt).toISOString()}, ahead of this server's clock by more than ${ALLOWED_CLOCK_SKEW_MS / 1000} seconds`;
	}
	if (now - occurredAt > windowMs) {
		return `The event is dated ${new Date(occurredAt).toISOString()}, older than the Replay Window of ${windowMs / 60_000} minutes`;
	}
	return undefined;
}

/** The parsed JSON object a delivery carries; undefined when the body is anything else. */
export function parseEventBody(rawBody: Buffer): IDataObject | undefined {
	try {
		const body: unknown = JSON.parse(rawBody.toString('utf8'));
		return isPlainObject(body) ? body : undefined;
	} catch {
		return undefined;
	}
}

export function readFlinksEvent(body: IDataObject): FlinksEvent {
	const scopes = [body, ...ENVELOPES.map((name) => fieldOf([body], [name])).filter(isPlainObject)];
	const text = (spellings: readonly string[]) => textOrNull(fieldOf(scopes, spellings));
	const status = text(FIELD_SPELLINGS.status);
	const time = fieldOf(scopes, FIELD_SPELLINGS.occurredAt);
	const occurredAt = parseTimestamp(time);
	return {
		sessionId: text(FIELD_SPELLINGS.sessionId)?.trim() ?? null,
		referenceId: text(FIELD_SPELLINGS.referenceId),
		status: status === null ? null : normalizeStatus(status),
		statusDetails: text(FIELD_SPELLINGS.statusDetails),
		occurredAt,
		unreadableTime:
			occurredAt === undefined && typeof time === 'string' && time.trim() !== '' ? time : null,
	};
}

/** ISO 8601 or RFC 1123 text (UTC when it has no zone), or a number since the epoch in s, ms, µs or ns (as a number or numeric text). */
export function parseTimestamp(value: unknown): number | undefined {
	const numeric =
		typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
	let milliseconds: number | undefined;
	if (typeof numeric === 'number') {
		milliseconds = epochMilliseconds(numeric);
	} else if (typeof numeric === 'string' && numeric.trim() !== '') {
		milliseconds = parseTextTime(numeric);
	}
	// Only dates a Date can hold (NaN, Infinity and 1e20 cannot be shown as ISO text).
	return milliseconds !== undefined &&
		milliseconds > 0 &&
		Number.isFinite(new Date(milliseconds).getTime())
		? milliseconds
		: undefined;
}

function fieldOf(scopes: IDataObject[], spellings: readonly string[]): unknown {
	for (const spelling of spellings) {
		for (const scope of scopes) {
			const key = Object.keys(scope).find((name) => canonical(name) === spelling);
			if (key !== undefined && scope[key] !== null && scope[key] !== undefined) return scope[key];
		}
	}
	return undefined;
}

function canonical(name: string): string {
	return name.replace(/[_-]/g, '').toLowerCase();
}

function textOrNull(value: unknown): string | null {
	if (typeof value === 'string' && value.trim() !== '') return value;
	return typeof value === 'number' ? String(value) : null;
}
