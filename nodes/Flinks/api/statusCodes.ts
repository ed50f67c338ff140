/**
 * What each documented `statusDetails` code means (Flinks' EFT v2 and GEFT status tables), as a
 * sentence a workflow can show or log. Codes are compared without regard to case.
 */
const CODE_MEANINGS: Record<string, string> = {
	EFT0101: 'The session was created and Flinks is waiting for the customer to start it',
	EFT0301: 'The customer completed the session and the debit is scheduled',
	EFT0302:
		'The bank account was validated and the pre-authorized debit (PAD) agreement awaits signature',
	EFT0401:
		'The customer could not log in to their bank (invalid financial institution credentials)',
	EFT0402: 'Flinks offered no guarantee for this debit (eligibility failed)',
	EFT0403:
		"The customer's identity check failed: the payor's name does not match the bank account holder's",
	EFT0404: "The customer's available balance is too low for this debit (eligibility failed)",
	EFT0501: 'The session was cancelled through the API',
	EFT0601: 'The session timed out: the customer was inactive or did not complete it',
};

/** For a status without a documented code (e-Transfer sessions send none). */
const STATUS_MEANINGS: Record<string, string> = {
	Initiated: 'The session is open and waiting for the customer',
	InProgress: 'The customer is going through the payment flow',
	Completed: 'The customer completed the payment',
	Cancelled: 'The session was cancelled',
	Expired: 'The session timed out before the customer completed it',
	Failed: 'The payment did not go through',
};

/** The documented meaning of a code, else of the (normalized) status; null when neither is known. */
export function statusMeaning(status: string, statusDetails: string | null): string | null {
	const code = statusDetails?.trim().toUpperCase();
	return (code && CODE_MEANINGS[code]) || STATUS_MEANINGS[status] || null;
}
