import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isUuid } from '../api/guards';
import { booleanFrom, describeValue, shorten } from '../api/values';

/** Amounts as people write them: digits, an optional decimal point, no sign, exponent or base prefix. */
const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * The largest amount Create sends, in CAD: far above any Interac e-Transfer limit, so it only
 * stops mistakes (cents given as dollars, an ID in the amount column), and far below where
 * cents stop being exact in a JavaScript number.
 */
export const MAX_AMOUNT = 1_000_000;

/** One cent: anything smaller would reach Flinks rounded to 0. */
const MIN_AMOUNT = 0.01;

/**
 * Reads the item's Session ID and checks it is a UUID, so that nothing else
 * (paths, queries, look-alike characters) ever reaches the request URL.
 */
export function readSessionId(ctx: IExecuteFunctions, itemIndex: number): string {
	const value: unknown = ctx.getNodeParameter('sessionId', itemIndex, '');
	const sessionId = typeof value === 'string' ? value.trim() : undefined;
	if (sessionId !== undefined && isUuid(sessionId)) return sessionId;

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
		const parsed = booleanFrom(value);
		if (parsed !== undefined) return parsed;
		this.fail(field, `expected true or false, got ${describeValue(value)}`);
		return fallback;
	}

	/**
	 * A number, or text in plain decimal notation (expressions often give text), greater than 0, at
	 * most MAX_AMOUNT, with at most two decimals. Never rounded: what is sent is what was given.
	 */
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
		let amount: number;
		if (typeof value === 'string') {
			const text = value.trim();
			if (!PLAIN_DECIMAL.test(text)) {
				this.fail(
					field,
					`"${shorten(text)}" is not a number in plain decimal notation, e.g. 125.50`,
				);
				return undefined;
			}
			amount = Number(text);
		} else if (typeof value === 'number' && Number.isFinite(value)) {
			amount = value;
		} else {
			this.fail(field, `expected a number, got ${describeValue(value)}`);
			return undefined;
		}
		const shown = typeof value === 'string' ? shorten(value.trim()) : String(amount);
		if (amount <= 0) {
			this.fail(field, `${shown} is not greater than 0`);
			return undefined;
		}
		if (amount > MAX_AMOUNT) {
			this.fail(field, `${shown} is more than ${MAX_AMOUNT.toLocaleString('en-US')}`);
			return undefined;
		}
		if (amount < MIN_AMOUNT) {
			this.fail(field, `${shown} is less than ${MIN_AMOUNT}, the smallest amount`);
			return undefined;
		}
		const cents = amount * 100;
		if (Math.abs(cents - Math.round(cents)) > 1e-6) {
			this.fail(field, `${shown} has more than two decimals`);
			return undefined;
		}
		return Math.round(cents) / 100;
	}

	/** An optional amount: undefined when an expression gives nothing (null or empty text), else as `amount`. */
	optionalAmount(name: string, field: string): number | undefined {
		const value: unknown = this.ctx.getNodeParameter(name, this.itemIndex, null);
		const empty =
			value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
		return empty ? undefined : this.amount(name, field);
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
