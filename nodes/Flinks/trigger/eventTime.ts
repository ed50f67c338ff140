/**
 * Reading an event's timestamp the same way on every n8n server, whatever its time zone: Flinks'
 * servers write UTC, so an ISO time without an offset is UTC, never the server's local time.
 */

/** An ISO 8601 date and time without `Z` or an offset (a space for the `T` too). */
const ZONELESS_ISO_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/i;

/** ISO 8601 text in milliseconds since the epoch; NaN when it is not a date. */
export function parseIsoTime(text: string): number {
	const zoneless = ZONELESS_ISO_TIME.exec(text.trim());
	return Date.parse(zoneless ? `${zoneless[1]}T${zoneless[2]}Z` : text);
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
