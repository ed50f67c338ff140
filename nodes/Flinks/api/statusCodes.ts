import type { SessionStatus } from './session';

/**
 * What each documented `statusDetails` code means (Flinks' EFT v2 and GEFT status tables), as a
 * sentence a workflow can show or log, with the status the docs give it. Codes are compared
 * without regard to case.
 */
const CODE_MEANINGS = new Map<string, { status: SessionStatus; meaning: string }>([
	[
		'EFT0101',
		{
			status: 'Initiated',
			meaning: 'The session was created and Flinks is waiting for the customer to start it',
		},
	],
	[
		'EFT0301',
		{
			status: 'Completed',
			meaning: 'The customer completed the session and the debit is scheduled',
		},
	],
	[
		'EFT0302',
		{
			status: 'Completed',
			meaning:
				'The bank account was validated and the pre-authorized debit (PAD) agreement awaits signature',
		},
	],
	[
		'EFT0401',
		{
			status: 'Failed',
			meaning:
				'The customer could not log in to their bank (invalid financial institution credentials)',
		},
	],
	[
		'EFT0402',
		{
			status: 'Failed',
			meaning: 'Flinks offered no guarantee for this debit (eligibility failed)',
		},
	],
	[
		'EFT0403',
		{
			status: 'Failed',
			meaning:
				"The customer's identity check failed: the payor's name does not match the bank account holder's",
		},
	],
	[
		'EFT0404',
		{
			status: 'Failed',
			meaning: "The customer's available balance is too low for this debit (eligibility failed)",
		},
	],
	['EFT0501', { status: 'Cancelled', meaning: 'The session was cancelled through the API' }],
	[
		'EFT0601',
		{
			status: 'Expired',
			meaning: 'The session timed out: the customer was inactive or did not complete it',
		},
	],
]);

/** For a status without a documented code (e-Transfer sessions send none). */
const STATUS_MEANINGS = new Map<string, string>([
	['Initiated', 'The session is open and waiting for the customer'],
	['InProgress', 'The customer is going through the payment flow'],
	['Completed', 'The customer completed the payment'],
	['Cancelled', 'The session was cancelled'],
	['Expired', 'The session timed out before the customer completed it'],
	['Failed', 'The payment did not go through'],
]);

/**
 * The documented meaning of a code when it belongs to the (normalized) status, else of the status;
 * null when neither is known. A code sent with another status than its own is not explained: the
 * sentence must never contradict the status beside it.
 */
export function statusMeaning(status: string, statusDetails: string | null): string | null {
	const code = CODE_MEANINGS.get(statusDetails?.trim().toUpperCase() ?? '');
	if (code?.status === status) return code.meaning;
	return STATUS_MEANINGS.get(status) ?? null;
}
