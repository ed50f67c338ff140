import { answerItems, pendingItem } from './accounts';
import type { ResultKind } from './fields';
import { invalidField, readItemSettings, readText } from './settings';
import type { ConnectOperation } from './operation';
import { connectItem, fetchResult } from './polling';

/** The answer to a request left pending: one poll, or polling for up to Wait Up To. */
export const getPendingResult: ConnectOperation = async (ctx, client, itemIndex) => {
	const requestId = readText(ctx, itemIndex, 'requestId', 'Request ID');
	const resultOf = ctx.getNodeParameter('resultOf', itemIndex, 'accountsDetail') as unknown;
	if (resultOf !== 'accountsDetail' && resultOf !== 'accountsSummary') {
		throw invalidField(ctx, itemIndex, 'Result Of', 'accountsDetail or accountsSummary', resultOf);
	}
	const kind: ResultKind = resultOf;
	const settings = readItemSettings(ctx, itemIndex);
	const item = connectItem(itemIndex, settings.waitUpToMs, settings.pollIntervalMs);
	const origin = { loginId: null, requestId, resultOf: kind };
	const outcome = await fetchResult(client, item, kind, requestId);
	if (outcome.status === 'expired') throw outcome.error;
	if (outcome.status === 'pending') return [pendingItem(origin)];
	return answerItems(outcome.body, origin, settings.output);
};
