import type { IDataObject } from 'n8n-workflow';

import { isPlainObject } from '../api/guards';
import type { OutputMode } from './fields';

/** Which login and request an answer belongs to: on every item it becomes. */
export interface AnswerOrigin {
	loginId: string | null;
	requestId: string;
	resultOf: 'accountsDetail' | 'accountsSummary';
}

const text = (value: unknown): string | null =>
	typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
const amount = (value: unknown): number | null =>
	typeof value === 'number' && Number.isFinite(value) ? value : null;

/** One account as an item carries it: stable keys, null where Flinks sent nothing. */
function accountOf(raw: IDataObject): IDataObject {
	const balance = isPlainObject(raw.Balance) ? raw.Balance : {};
	const holder = isPlainObject(raw.Holder) ? raw.Holder : undefined;
	return {
		accountId: text(raw.Id),
		title: text(raw.Title),
		accountNumber: text(raw.AccountNumber),
		transitNumber: text(raw.TransitNumber),
		institutionNumber: text(raw.InstitutionNumber),
		category: text(raw.Category),
		type: text(raw.Type),
		currency: text(raw.Currency),
		balance: {
			available: amount(balance.Available),
			current: amount(balance.Current),
			limit: amount(balance.Limit),
		},
		holder: holder
			? {
					name: text(holder.Name),
					address: isPlainObject(holder.Address) ? holder.Address : null,
					email: text(holder.Email),
					phoneNumber: text(holder.PhoneNumber),
				}
			: null,
		transactions: Array.isArray(raw.Transactions)
			? raw.Transactions.filter(isPlainObject).map(transactionOf)
			: null,
	};
}

function transactionOf(raw: IDataObject): IDataObject {
	return {
		transactionId: text(raw.Id),
		date: text(raw.Date),
		description: text(raw.Description),
		debit: amount(raw.Debit),
		credit: amount(raw.Credit),
		balance: amount(raw.Balance),
	};
}

/**
 * The items an answer becomes. Every item says `status: 'complete'` and which login and request it
 * came from; a login without accounts (or transactions, per transaction) gives one item saying so,
 * so that no input item goes without an outcome.
 */
export function answerItems(
	body: IDataObject,
	origin: AnswerOrigin,
	output: OutputMode,
): IDataObject[] {
	const login = isPlainObject(body.Login) ? body.Login : {};
	const head = {
		status: 'complete',
		...origin,
		loginId: origin.loginId ?? text(login.Id),
		institution: text(body.Institution) ?? text(body.InstitutionName),
		lastRefresh: text(login.LastRefresh),
	};
	const accounts = (Array.isArray(body.Accounts) ? body.Accounts : [])
		.filter(isPlainObject)
		.map(accountOf);
	if (output === 'whole') {
		return [{ ...head, accounts, ...(isPlainObject(body.KYC) ? { kyc: body.KYC } : {}) }];
	}
	if (output === 'accounts') {
		return accounts.length > 0
			? accounts.map((account) => ({ ...head, ...account }))
			: [{ ...head, status: 'noAccounts' }];
	}
	const transactions = accounts.flatMap((account) =>
		((account.transactions as IDataObject[] | null) ?? []).map((transaction) => ({
			...head,
			accountId: account.accountId,
			accountTitle: account.title,
			currency: account.currency,
			...transaction,
		})),
	);
	return transactions.length > 0 ? transactions : [{ ...head, status: 'noTransactions' }];
}

/** The item for a result Flinks is still collecting when the wait ran out: the pair for Get Pending Result. */
export function pendingItem(origin: AnswerOrigin): IDataObject {
	return { status: 'pending', ...origin };
}
