import type { IDataObject } from 'n8n-workflow';

import type { FlinksResponse, ItemContext } from './errors';
import { isPlainObject } from './guards';
import type { SessionState } from './session';
import { readSession } from './session';
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
};

/** Get Details with Simplify on: the fields workflows branch on, most used first, nothing nested. */
export type SessionSummary = SessionState &
	Pick<SessionDetails, 'amount' | 'direction' | 'createdAt'>;

export function summarizeSessionDetails(details: SessionDetails): SessionSummary {
	const { sessionId, referenceId, status, statusDetails, amount, direction, createdAt } = details;
	return { sessionId, referenceId, status, statusDetails, amount, direction, createdAt };
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
	};
}

function objectOrNull(value: unknown): IDataObject | null {
	return isPlainObject(value) ? value : null;
}

function textOrNull(value: unknown): string | null {
	if (typeof value === 'string') return value;
	return typeof value === 'number' ? String(value) : null;
}

/** Amounts may arrive as JSON numbers or decimal strings ("125.50"). */
function numberOrNull(value: unknown): number | null {
	const amount = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof amount === 'number' && Number.isFinite(amount) ? amount : null;
}
