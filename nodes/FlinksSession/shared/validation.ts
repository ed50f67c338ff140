import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHOWN_VALUE_LENGTH = 60;

/**
 * Reads the item's Session ID and checks it is a UUID, so that nothing else
 * (paths, queries, look-alike characters) ever reaches the request URL.
 */
export function readSessionId(ctx: IExecuteFunctions, itemIndex: number): string {
	const value: unknown = ctx.getNodeParameter('sessionId', itemIndex, '');
	const sessionId = typeof value === 'string' ? value.trim() : undefined;
	if (sessionId !== undefined && UUID.test(sessionId)) return sessionId;

	const problem =
		sessionId === undefined
			? `expected text, got ${describeType(value)}`
			: sessionId === ''
				? 'is empty'
				: `"${shorten(sessionId)}" is not a UUID`;
	throw new NodeOperationError(ctx.getNode(), `Invalid Session ID in item ${itemIndex}: ${problem}`, {
		itemIndex,
		description:
			'The Session ID must be the UUID Flinks returned when the session was created, e.g. 3f2504e0-4f89-41d3-9a0c-0305e82c3301. Check the expression that sets it. No request was sent.',
	});
}

function describeType(value: unknown): string {
	if (value === null || value === undefined) return String(value);
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `a ${typeof value} (${String(value)})`;
}

function shorten(text: string): string {
	const shown = Array.from(text.slice(0, SHOWN_VALUE_LENGTH), (char) =>
		char < ' ' || char === '\u007f' ? '?' : char,
	).join('');
	return text.length > SHOWN_VALUE_LENGTH ? `${shown}… (${text.length} characters)` : shown;
}
