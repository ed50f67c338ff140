import {
	ALLOWED_CLOCK_SKEW_MS,
	parseEventBody,
	parseTimestamp,
	readFlinksEvent,
	staleEventProblem,
} from '../nodes/Flinks/trigger/event';
import { isRepeat } from '../nodes/Flinks/trigger/repeats';

const SESSION = 'aadd08f2-5a8d-4d3c-9a3e-0f3b6e1c2d4f';
const MINUTE = 60_000;

describe('reading a Flinks event', () => {
	it('reads the fields under the spellings Flinks uses, at the top level or in data', () => {
		expect(
			readFlinksEvent({
				SessionId: SESSION,
				Status: 'canceled',
				status_details: 'EFT0501',
				ReferenceId: 'ORDER-7',
				When: '2026-11-26T14:03:11Z',
			}),
		).toEqual({
			sessionId: SESSION,
			referenceId: 'ORDER-7',
			status: 'Cancelled',
			statusDetails: 'EFT0501',
			occurredAt: Date.parse('2026-11-26T14:03:11Z'),
			unreadableTime: null,
		});
		expect(
			readFlinksEvent({
				event: 'session.updated',
				data: { session_id: SESSION, status: 'COMPLETED' },
			}),
		).toEqual({
			sessionId: SESSION,
			referenceId: null,
			status: 'Completed',
			statusDetails: null,
			occurredAt: undefined,
			unreadableTime: null,
		});
	});

	it('reads timestamps as ISO text or seconds or milliseconds since the epoch', () => {
		const at = Date.parse('2026-11-26T14:03:11.000Z');
		expect(parseTimestamp('2026-11-26T14:03:11.000Z')).toBe(at);
		expect(parseTimestamp(at / 1000)).toBe(at);
		expect(parseTimestamp(String(at / 1000))).toBe(at);
		expect(parseTimestamp(at)).toBe(at);
		// With a zone or without (UTC), in ISO 8601 or RFC 1123 form, the same instant.
		for (const text of [
			'2026-11-26T09:03:11-05:00',
			'2026-11-26T23:03:11+0900',
			'2026-11-26 14:03:11',
			'Thu, 26 Nov 2026 14:03:11 GMT',
			'26 Nov 2026 15:03:11 +0100',
			'Thu, 26 Nov 2026 14:03:11',
		]) {
			expect({ text, at: parseTimestamp(text) }).toEqual({ text, at });
		}
		for (const unreadable of [
			'yesterday',
			'11/26/2026 14:03:11',
			'2026-02-31T10:00:00Z',
			'Thu Nov 26 2026 14:03:11',
			'',
			0,
			-5,
			1e30,
			Number.NaN,
			{},
			null,
			undefined,
		]) {
			expect(parseTimestamp(unreadable)).toBeUndefined();
		}
	});

	it('takes only a JSON object as an event body', () => {
		expect(parseEventBody(Buffer.from('{"status":"Completed"}'))).toEqual({ status: 'Completed' });
		for (const raw of [
			'',
			'status=Completed',
			'[{"status":"Completed"}]',
			'"Completed"',
			'42',
			'{"a":',
		]) {
			expect(parseEventBody(Buffer.from(raw))).toBeUndefined();
		}
	});
});

describe('replay window', () => {
	const now = Date.parse('2026-11-26T14:00:00Z');

	it('lets events through that are inside the window, or slightly ahead of the clock', () => {
		expect(staleEventProblem(now - 4 * MINUTE, now, 5 * MINUTE)).toBeUndefined();
		expect(staleEventProblem(now + ALLOWED_CLOCK_SKEW_MS - 1000, now, 5 * MINUTE)).toBeUndefined();
		expect(staleEventProblem(undefined, now, 5 * MINUTE)).toBeUndefined();
		expect(staleEventProblem(now - 60 * MINUTE, now, 0)).toBeUndefined();
	});

	it('refuses events older than the window or too far ahead, saying which', () => {
		expect(staleEventProblem(now - 6 * MINUTE, now, 5 * MINUTE)).toMatch(
			/dated 2026-11-26T13:54:00.000Z, older than the Replay Window of 5 minutes/,
		);
		expect(staleEventProblem(now + ALLOWED_CLOCK_SKEW_MS + 1000, now, 5 * MINUTE)).toMatch(
			/ahead of this server's clock by more than 60 seconds/,
		);
	});
});

describe('repeat memory', () => {
	const now = Date.parse('2026-11-26T14:00:00Z');
	const key = (scope: string, sessionId = SESSION, status = 'Completed') => ({
		scope,
		sessionId,
		status,
	});

	it('knows a session and status again within the window, not after it', () => {
		expect(isRepeat(key('workflow-a/node'), 10 * MINUTE, now)).toBe(false);
		expect(isRepeat(key('workflow-a/node', SESSION.toUpperCase()), 10 * MINUTE, now + MINUTE)).toBe(
			true,
		);
		expect(isRepeat(key('workflow-a/node', SESSION, 'Failed'), 10 * MINUTE, now + MINUTE)).toBe(
			false,
		);
		expect(isRepeat(key('workflow-a/node'), 10 * MINUTE, now + 10 * MINUTE)).toBe(false);
	});

	it('keeps each trigger node to its own memory', () => {
		expect(isRepeat(key('workflow-b/node'), 10 * MINUTE, now)).toBe(false);
		expect(isRepeat(key('workflow-c/node'), 10 * MINUTE, now)).toBe(false);
	});

	it('stays bounded: past 10,000 pairs the oldest is forgotten first', () => {
		const flood = (index: number) => key('workflow-d/node', `session-${index}`);
		for (let index = 0; index <= 10_000; index++) isRepeat(flood(index), 60 * MINUTE, now);
		expect(isRepeat(flood(10_000), 60 * MINUTE, now)).toBe(true);
		expect(isRepeat(flood(0), 60 * MINUTE, now)).toBe(false);
	});
});
