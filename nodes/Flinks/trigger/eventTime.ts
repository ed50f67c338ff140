/**
 * Reading an event's timestamp the same way on every n8n server, whatever its time zone. Only
 * formats with one meaning are read: ISO 8601 and the RFC 1123 / RFC 2822 form of HTTP dates.
 * Flinks' servers write UTC, so a time in either form without a zone is UTC, never the server's
 * local time. Anything else ("12/06/2026" is June or December) is not read at all.
 */

/** ISO 8601: date, optional time (a space for the `T` too), optional `Z` or offset. */
const ISO_TIME =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** RFC 1123 / 2822: `[Sun, ]06 Dec 2026 14:13[:34] [GMT|UTC|UT|Z|+hhmm]`. */
const RFC_TIME =
	/^(?:[a-z]{3},?\s+)?(\d{1,2})\s+([a-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s*(GMT|UTC|UT|Z|[+-]\d{4})?$/i;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Text in one of the formats above, in milliseconds since the epoch; undefined for any other
 * text, or a date that does not exist (31 February, 25 o'clock).
 */
export function parseTextTime(text: string): number | undefined {
	const trimmed = text.trim();
	const iso = ISO_TIME.exec(trimmed);
	if (iso) {
		const [, year, month, day, hour, minute, second, fraction, zone] = iso;
		const milliseconds = Number(`0.${fraction ?? '0'}`) * 1000;
		return utcTime([year, month, day, hour, minute, second].map(Number), milliseconds, zone);
	}
	const rfc = RFC_TIME.exec(trimmed);
	if (rfc) {
		const [, day, monthName, year, hour, minute, second, zone] = rfc;
		const month = MONTHS.indexOf(monthName.toLowerCase()) + 1;
		if (month === 0) return undefined;
		return utcTime([year, month, day, hour, minute, second].map(Number), 0, zone);
	}
	return undefined;
}

/** The UTC instant of these parts (NaN parts count as 0), shifted by the zone; undefined if no such date. */
function utcTime(
	[year, month, day, hour, minute, second]: number[],
	milliseconds: number,
	zone: string | undefined,
): number | undefined {
	const [h, m, s] = [hour, minute, second].map((part) => (Number.isNaN(part) ? 0 : part));
	if (month < 1 || month > 12 || day < 1 || h > 23 || m > 59 || s > 59) return undefined;
	const at = Date.UTC(year, month - 1, day, h, m, s, Math.floor(milliseconds));
	// Date.UTC rolls 31 February over into March: such a date does not exist.
	if (new Date(at).getUTCDate() !== day) return undefined;
	return at - zoneOffsetMinutes(zone) * 60_000;
}

/** Minutes east of UTC: none (UTC, as Flinks writes it), `Z`, `GMT`, `+hh`, `+hh:mm` or `+hhmm`. */
function zoneOffsetMinutes(zone: string | undefined): number {
	const offset = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone ?? '');
	if (!offset) return 0;
	const minutes = Number(offset[2]) * 60 + Number(offset[3] ?? 0);
	return offset[1] === '-' ? -minutes : minutes;
}

/**
 * A number since the epoch in milliseconds, its unit read from its size: seconds up to 1e11 (any
 * date after 1973 in milliseconds is larger), milliseconds up to 1e14, microseconds up to 1e17,
 * nanoseconds above. Each unit covers centuries, so no date near today is read in the wrong one.
 */
export function epochMilliseconds(value: number): number {
	if (value < 1e11) return value * 1000;
	if (value < 1e14) return value;
	if (value < 1e17) return value / 1000;
	return value / 1e6;
}
