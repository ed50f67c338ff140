import type { IDataObject } from 'n8n-workflow';

import type { KeyedFlinksClient } from '../api/keyedClient';
import { answerItems, pendingItem } from './accounts';
import { authorizeLogin } from './authorize';
import type { ResultKind } from './fields';
import type { ConnectItemSettings } from './settings';
import type { ConnectItem } from './polling';
import { fetchResult } from './polling';

/**
 * Authorize → GetAccountsDetail/Summary → polling, for one login. A requestId that expired on
 * the way (SESSION_NONEXISTENT) is replaced once by a new Authorize; a second expiry is an error.
 */
export async function collectForLogin(
	client: KeyedFlinksClient,
	item: ConnectItem,
	loginId: string,
	settings: ConnectItemSettings,
	kind: ResultKind,
	request: IDataObject,
): Promise<IDataObject[]> {
	for (let authorizations = 1; ; authorizations++) {
		const { requestId } = await authorizeLogin(client, item, loginId, settings.refreshFromBank);
		const origin = { loginId, requestId, resultOf: kind };
		const outcome = await fetchResult(client, item, kind, requestId, request);
		if (outcome.status === 'pending') return [pendingItem(origin)];
		if (outcome.status === 'complete') return answerItems(outcome.body, origin, settings.output);
		if (authorizations > 1) throw outcome.error;
	}
}
