import type { ConnectOperation } from './operation';
import { collectForLogin } from './collect';
import { readItemSettings, readText } from './settings';
import { connectItem } from './polling';

/** Accounts and balances, no transactions, for the item's Login ID. */
export const getAccountsSummary: ConnectOperation = async (ctx, client, itemIndex) => {
	const loginId = readText(ctx, itemIndex, 'loginId', 'Login ID');
	const settings = readItemSettings(ctx, itemIndex);
	const item = connectItem(itemIndex, settings.waitUpToMs, settings.pollIntervalMs);
	return await collectForLogin(client, item, loginId, settings, 'accountsSummary', {});
};
