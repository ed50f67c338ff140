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
			? `expected text, got ${describeValue(value)}`
			: sessionId === ''
				? 'it is empty'
				: `"${shorten(sessionId)}" is not a UUID`;
	throw new NodeOperationError(
		ctx.getNode(),
		`Invalid Session ID: ${problem} [item ${itemIndex}]`,
		{
			itemIndex,
			description:
				"'Session ID' takes the UUID Flinks returned when the session was created, e.g. 3f2504e0-4f89-41d3-9a0c-0305e82c3301. Check the value or the expression that sets it. No request was sent.",
		},
	);
}

/**
 * Reads an item's parameters with type checks (expressions can give any type) and collects every
 * problem, so that one error names all the bad fields of the item before anything is sent.
 */
export class ItemFieldReader {
	private readonly problems: Array<{ field: string; problem: string }> = [];

	constructor(
		private readonly ctx: IExecuteFunctions,
		readonly itemIndex: number,
	) {}

	fail(field: string, problem: string): void {
		this.problems.push({ field, problem });
	}

	/** Records "is empty" for a required field, unless reading it already failed. */
	require(value: string, field: string): void {
		if (value === '' && !this.problems.some((p) => p.field === field)) this.fail(field, 'is empty');
	}

	/** Trimmed text; '' when empty or unset. Numbers are accepted where `numbers` says so (order numbers). */
	text(
		name: string,
		field: string,
		options: { fallback?: string; numbers?: boolean } = {},
	): string {
		const value: unknown = this.ctx.getNodeParameter(name, this.itemIndex, options.fallback ?? '');
		if (value === null || value === undefined) return '';
		if (typeof value === 'string') return value.trim();
		if (options.numbers && typeof value === 'number' && Number.isFinite(value))
			return String(value);
		this.fail(field, `expected text, got ${describeValue(value)}`);
		return '';
	}

	/** One of `allowed`, in any case. */
	choice(name: string, field: string, allowed: string[], fallback: string): string {
		const problemsBefore = this.problems.length;
		const value = this.text(name, field, { fallback }).toUpperCase();
		if (this.problems.length === problemsBefore && !allowed.includes(value)) {
			this.fail(field, `"${shorten(value)}" is not ${allowed.join(' or ')}`);
		}
		return value;
	}

	/** true/false, or the text "true"/"false" in any case; anything else is a problem. */
	boolean(name: string, field: string, fallback: boolean): boolean {
		const value: unknown = this.ctx.getNodeParameter(name, this.itemIndex, fallback);
		if (typeof value === 'boolean') return value;
		const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
		if (text === 'true' || text === 'false') return text === 'true';
		this.fail(field, `expected true or false, got ${describeValue(value)}`);
		return fallback;
	}

	/** A number or a decimal string (expressions often give text) with at most two decimals. */
	amount(name: string, field: string): number | undefined {
		const value: unknown = this.ctx.getNodeParameter(name, this.itemIndex, 0);
		if (
			value === null ||
			value === undefined ||
			(typeof value === 'string' && value.trim() === '')
		) {
			this.fail(field, 'is empty');
			return undefined;
		}
		const amount = typeof value === 'string' ? Number(value) : value;
		if (typeof amount !== 'number' || !Number.isFinite(amount)) {
			this.fail(field, `${JSON.stringify(value) ?? describeValue(value)} is not a number`);
			return undefined;
		}
		if (amount <= 0) {
			this.fail(field, `${amount} is not greater than 0`);
			return undefined;
		}
		const cents = amount * 100;
		if (Math.abs(cents - Math.round(cents)) > 1e-6) {
			this.fail(field, `${amount} has more than two decimals`);
			return undefined;
		}
		return Math.round(cents) / 100;
	}

	/** Throws one error naming every bad field of the item; nothing has been sent at this point. */
	throwIfInvalid(what: string): void {
		if (this.problems.length === 0) return;
		const fields = [...new Set(this.problems.map((p) => p.field))].join(', ');
		const details = this.problems.map((p) => `${p.field} ${p.problem}`).join('; ');
		throw new NodeOperationError(
			this.ctx.getNode(),
			`Invalid ${fields}: ${details} [item ${this.itemIndex}]`,
			{
				itemIndex: this.itemIndex,
				description: `Correct the ${what} parameters named above, or the expressions that set them. No request was sent.`,
			},
		);
	}
}

/** How a value of the wrong type reads in an error: "an object", "the text "no"", "a number (0)". */
export function describeValue(value: unknown): string {
	if (value === null || value === undefined) return String(value);
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string') return `the text "${shorten(value)}"`;
	return `a ${typeof value} (${String(value)})`;
}

function shorten(text: string): string {
	const shown = Array.from(text.slice(0, SHOWN_VALUE_LENGTH), (char) =>
		char < ' ' || char === '\u007f' ? '?' : char,
	).join('');
	return text.length > SHOWN_VALUE_LENGTH ? `${shown}… (${text.length} characters)` : shown;
}
