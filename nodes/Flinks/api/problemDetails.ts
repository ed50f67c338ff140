import { isTooManyRequestsBody } from '../../../credentials/flinksPayToken';
import { isPlainObject } from './guards';
import { shorten } from './values';

/** How much of Flinks' own words (a title, a detail, a field's message) an error repeats. */
const SHOWN_FLINKS_TEXT = 300;
/** How many refused fields an error lists. */
const SHOWN_FIELD_ERRORS = 10;

/** RFC 7807 ProblemDetails as Flinks returns them. */
export interface FlinksProblem {
	type?: string;
	title?: string;
	status?: number;
	detail?: string;
	traceId?: string;
}

/** Reads a ProblemDetails body if the answer carries one. */
export function problemOf(body: unknown): FlinksProblem | undefined {
	if (!isPlainObject(body)) return undefined;
	const { type, title, status, detail, traceId } = body;
	if (title === undefined && detail === undefined) return undefined;
	const text = (value: unknown, max = SHOWN_FLINKS_TEXT) =>
		typeof value === 'string' ? shorten(value, max) : undefined;
	return {
		type: text(type),
		title: text(title),
		status: typeof status === 'number' ? status : undefined,
		detail: text(detail),
		traceId: text(traceId, 100),
	};
}

export function describeBody(body: unknown): string {
	if (body === undefined || body === null || body === '') return 'empty body';
	if (typeof body === 'string') {
		return /^\s*</.test(body) ? 'an HTML page instead of JSON' : 'a body that is not valid JSON';
	}
	return '';
}

/** `field: message` lines from a ProblemDetails `errors` map; empty when there is none. */
export function fieldErrorsOf(body: unknown): string[] {
	const errors = isPlainObject(body) ? body.errors : undefined;
	if (!isPlainObject(errors)) return [];
	const entries = Object.entries(errors);
	const shown = entries.slice(0, SHOWN_FIELD_ERRORS).map(([field, messages]) => {
		const text = Array.isArray(messages) ? messages.map(String).join(' ') : String(messages);
		return `${shorten(field)}: ${shorten(text, SHOWN_FLINKS_TEXT)}`;
	});
	const more = entries.length - shown.length;
	return more > 0 ? [...shown, `and ${more} more`] : shown;
}

/** A 429, or a 401 whose body says TOO_MANY_REQUESTS (Flinks' authorize table): a rate limit. */
export function isRateLimitAnswer(statusCode: number, body: unknown): boolean {
	return statusCode === 429 || (statusCode === 401 && isTooManyRequestsBody(body));
}
