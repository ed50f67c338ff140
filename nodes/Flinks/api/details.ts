import type { IDataObject, INode } from 'n8n-workflow';

import type { ExpectedAnswer, FlinksResponse, ItemContext } from './errors';
import { flinksHttpError, otherSessionError, unreadableAnswerError } from './errors';
import { isPlainObject, isSuccessStatus } from './guards';
import type { SessionState } from './session';
import { otherSessionIn, readSession } from './session';
import type { FlinksClient } from './client';

export type PayorDetails = {
	firstName: string | null;
	middleName: string | null;
	lastName: string | null;
	email: string | null;
};

export type PayeeAccountDetails = {
	institutionCode: string | null;
	transitNumber: string | null;
	accountNumber: string | null;
};

export type SessionTransaction = {
	id: string | null;
	status: string | null;
};

/** A session as Get Details emits it: flat, every key always present. */
export type SessionDetails = SessionState & {
	amount: number | null;
	type: string | null;
	direction: string | null;
	currency: string | null;
	payor: PayorDetails | null;
	payee: PayeeAccountDetails | null;
	transactions: SessionTransaction[];
	createdAt: string | null;
} & Partial<EftDetails>;

/** What EFT and Guaranteed EFT sessions add, flat; present only on their items. */
export type EftDetails = {
	/** Where the customer is in the hosted flow: Start, BankConnection, GuaranteeOffer, Pad, Complete… */
	step: string | null;
	accountLabel: string | null;
	/** How well the payor's name matched the bank account holder's: a score, or a flag or word as sent. */
	nameMatch: number | boolean | string | null;
	/** The guarantee's overall risk level (Guaranteed EFT). */
	riskLevel: string | null;
};

/**
 * Get Details with Simplify on: the fields workflows branch on, most used first, nothing nested;
 * at most 10 keys (n8n's rule for Simplify), EFT sessions' three included.
 */
export type SessionSummary = SessionState &
	Pick<SessionDetails, 'amount' | 'direction' | 'createdAt'> &
	Partial<Pick<EftDetails, 'step' | 'nameMatch' | 'riskLevel'>>;

export function summarizeSessionDetails(details: SessionDetails): SessionSummary {
	const { sessionId, referenceId, status, statusDetails, amount, direction, createdAt } = details;
	const summary = { sessionId, referenceId, status, statusDetails, amount, direction, createdAt };
	if (details.step === undefined) return summary;
	const { step, nameMatch, riskLevel } = details;
	return {
		...summary,
		step: step ?? null,
		nameMatch: nameMatch ?? null,
		riskLevel: riskLevel ?? null,
	};
}

/** What a lookup (Get, Get Status) expected when its 2xx answer is not a session. */
const LOOKUP_ANSWER: ExpectedAnswer = {
	missing: 'a session status',
	consequence:
		'Nothing was changed. Retry later; if it persists, check the credential environment and base URL.',
};

/** The session a lookup's answer is about: a refusal, a non-session or another session fails the item. */
export function lookedUpSession<T extends SessionState>(
	node: INode,
	response: FlinksResponse,
	action: string,
	item: ItemContext & { sessionId: string },
	read: (body: unknown, sessionId: string) => T | undefined,
): T {
	if (!isSuccessStatus(response.statusCode)) throw flinksHttpError(node, response, action, item);
	const session = read(response.body, item.sessionId);
	if (!session) throw unreadableAnswerError(node, response, action, item, LOOKUP_ANSWER);
	const other = otherSessionIn(session, item.sessionId);
	if (other) throw otherSessionError(node, response, action, item, other);
	return session;
}

/** GET /api/v2/sessions/{id}/details; like every client call, never throws for an HTTP status. */
export async function requestSessionDetails(
	client: FlinksClient,
	sessionId: string,
	item: ItemContext,
): Promise<FlinksResponse> {
	return await client.send(
		{
			method: 'GET',
			path: `/api/v2/sessions/${encodeURIComponent(sessionId)}/details`,
			action: `Getting details of session ${sessionId}`,
		},
		item,
	);
}

/** Reads a details answer; undefined when the body is not a session (HTML, empty, no status). */
export function readSessionDetails(
	body: unknown,
	fallbackSessionId: string,
): SessionDetails | undefined {
	const session = readSession(body, fallbackSessionId);
	if (!session) return undefined;
	const data = body as IDataObject;
	const payor = objectOrNull(data.payor);
	const payee = objectOrNull(data.payee);
	const account = objectOrNull(payee?.account) ?? payee;
	const schedule = objectOrNull(data.schedule);
	const transactions = schedule?.transactions ?? data.transactions;
	return {
		...session,
		amount: numberOrNull(data.amount),
		type: textOrNull(data.type),
		direction: textOrNull(data.direction),
		currency: textOrNull(data.currency),
		payor: payor && {
			firstName: textOrNull(payor.firstName),
			middleName: textOrNull(payor.middleName),
			lastName: textOrNull(payor.lastName),
			email: textOrNull(payor.email),
		},
		payee: account && {
			institutionCode: textOrNull(account.institutionCode),
			transitNumber: textOrNull(account.transitNumber),
			accountNumber: textOrNull(account.accountNumber),
		},
		transactions: Array.isArray(transactions)
			? transactions.map((entry) => {
					const transaction = objectOrNull(entry);
					return { id: textOrNull(transaction?.id), status: textOrNull(transaction?.status) };
				})
			: [],
		createdAt: textOrNull(data.createdAt),
		...(isEftSession(data) ? readEftDetails(data, payor) : {}),
	};
}

/** EFT and Guaranteed EFT sessions are `type: "EFT"` and carry the hosted flow's `step`. */
function isEftSession(data: IDataObject): boolean {
	return (
		(typeof data.type === 'string' && data.type.trim().toUpperCase() === 'EFT') ||
		isPlainObject(data.step)
	);
}

function readEftDetails(data: IDataObject, payor: IDataObject | null): EftDetails {
	const guarantee = objectOrNull(data.guaranteeDetails);
	return {
		step: textOrNull(objectOrNull(data.step)?.current),
		accountLabel: textOrNull(objectOrNull(payor?.account)?.accountLabel),
		nameMatch: nameMatchOf(objectOrNull(data.userDetails)?.nameMatch),
		// The reference names several risk levels; the overall one is what a workflow decides on.
		riskLevel: textOrNull(guarantee?.overallRiskLevel ?? guarantee?.riskLevel),
	};
}

/** The docs do not fix the name match's type: a number (or numeric text) is a score, else kept as sent. */
function nameMatchOf(value: unknown): number | boolean | string | null {
	if (typeof value === 'boolean') return value;
	return numberOrNull(value) ?? textOrNull(value);
}

function objectOrNull(value: unknown): IDataObject | null {
	return isPlainObject(value) ? value : null;
}

function textOrNull(value: unknown): string | null {
	if (typeof value === 'string') return value;
	return typeof value === 'number' ? String(value) : null;
}

/** Amounts may arrive as JSON numbers or decimal strings ("125.50"). */
export function numberOrNull(value: unknown): number | null {
	const amount = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof amount === 'number' && Number.isFinite(amount) ? amount : null;
}
