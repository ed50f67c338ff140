/** How values from parameters and expressions are read, and how they are shown in messages. */

/** How much of a value an error or log line shows: enough to recognise it, never a whole payload. */
const SHOWN_VALUE_LENGTH = 60;

/**
 * The first `max` characters of `text`, control characters shown as "?", and its length when cut:
 * every value echoed in a message goes through here.
 */
export function shorten(text: string, max = SHOWN_VALUE_LENGTH): string {
	const shown = Array.from(text.slice(0, max), (char) =>
		char < ' ' || char === '\u007f' ? '?' : char,
	).join('');
	return text.length > max ? `${shown}… (${text.length} characters)` : shown;
}

/** How a value of the wrong type reads in an error: "an object", "the text "no"", "a number (0)". */
export function describeValue(value: unknown): string {
	if (value === null || value === undefined) return String(value);
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string') return `the text "${shorten(value)}"`;
	return `a ${typeof value} (${String(value)})`;
}

/**
 * A boolean parameter as an expression may give it: true/false, or the text "true"/"false" in any
 * case; undefined for anything else ("false" must never count as true, 0 or null as anything).
 */
export function booleanFrom(value: unknown): boolean | undefined {
	if (typeof value === 'boolean') return value;
	const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
	return text === 'true' || text === 'false' ? text === 'true' : undefined;
}

/** A number parameter as an expression may give it: a finite number or numeric text; else undefined. */
export function numberFrom(value: unknown): number | undefined {
	const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : undefined;
}
