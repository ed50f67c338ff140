import type { ConnectOperation } from './operation';
import { collectForLogin } from './collect';
import { readItemSettings, readText } from './settings';
import { connectItem } from './polling';

/** Accounts, balances and (by default) 90 days of transactions for the item's Login ID. */
export const getAccountsDetail: ConnectOperation = async (ctx, client, itemIndex) => {
	const loginId = readText(ctx, itemIndex, 'loginId', 'Login ID');
	const settings = readItemSettings(ctx, itemIndex);
	const item = connectItem(itemIndex, settings.waitUpToMs, settings.pollIntervalMs);
	return await collectForLogin(client, item, loginId, settings, 'accountsDetail', {
		WithAccountIdentity: settings.includeIdentity,
		WithKYC: settings.includeIdentity,
		WithTransactions: settings.includeTransactions,
		DaysOfTransactions: settings.daysOfTransactions,
		...(settings.accounts.length > 0 ? { AccountsFilter: settings.accounts } : {}),
	});
};
