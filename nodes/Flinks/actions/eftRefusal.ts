import type { FlinksResponse } from '../api/errors';
import { isPlainObject } from '../api/guards';

/** What an EFT refusal means, for Create's error: its consequence and what to do. */
export interface RefusalExplained {
	consequence: string;
	advice: string;
}

/** Flinks' code for a payor name that does not match the bank account holder's. */
const NAME_MISMATCH_CODE = 'EFT0403';

/** The ProblemDetails fields a Flinks code may sit in; the docs do not say which one a create uses. */
const CODE_FIELDS = ['code', 'errorCode', 'statusDetails'];

/**
 * The refusals the EFT docs name, decided by status and code: 403 when the client lacks the
 * feature the session type needs, EFT0403 when the payor's name does not match the account's.
 */
export function explainEftRefusal(
	response: FlinksResponse,
	guaranteed: boolean,
): RefusalExplained | undefined {
	if (codesIn(response.body).includes(NAME_MISMATCH_CODE)) {
		return {
			consequence: `the payor's name does not match the bank account holder's (${NAME_MISMATCH_CODE})`,
			advice:
				"Flinks matches Payor First Name and Payor Last Name against the name on the customer's bank account. Use the account holder's legal name and create the session again.",
		};
	}
	if (response.statusCode !== 403) return undefined;
	return guaranteed
		? {
				consequence: 'Guaranteed EFT is not enabled for these client credentials',
				advice:
					'Ask your Flinks representative to enable Guaranteed EFT for this client. No session was created.',
			}
		: {
				consequence: 'Regular EFT is not enabled for these client credentials',
				advice:
					'Ask Flinks to enable Regular EFT (the RegularEft feature) for this client, or create a Guaranteed EFT or e-Transfer session instead. No session was created.',
			};
}

/** Flinks codes (EFT0403…) in a ProblemDetails body: its code fields and the keys of `errors`. */
function codesIn(body: unknown): string[] {
	if (!isPlainObject(body)) return [];
	const fields = CODE_FIELDS.map((name) => body[name]).filter(
		(value): value is string => typeof value === 'string',
	);
	const errorKeys = isPlainObject(body.errors) ? Object.keys(body.errors) : [];
	return [...fields, ...errorKeys].map((code) => code.trim().toUpperCase());
}
