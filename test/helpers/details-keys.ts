/** The keys of Get's item, in order: with Simplify on, and the full item (Simplify off, version 1). */
export const SIMPLIFIED_DETAILS_KEYS = [
	'sessionId',
	'referenceId',
	'status',
	'statusDetails',
	'amount',
	'direction',
	'createdAt',
];

export const FULL_DETAILS_KEYS = [
	'sessionId',
	'referenceId',
	'status',
	'statusDetails',
	'amount',
	'type',
	'direction',
	'currency',
	'payor',
	'payee',
	'transactions',
	'createdAt',
];
