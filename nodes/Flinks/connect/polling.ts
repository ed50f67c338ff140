import type { IDataObject, NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FlinksResponse, ItemContext } from '../api/errors';
import { itemError, unreadableAnswerError, withItem } from '../api/errors';
import { isPlainObject } from '../api/guards';
import type { KeyedFlinksClient } from '../api/keyedClient';
import { connectError, flinksCodeOf, isBusyAnswer, isPendingAnswer, stillBusyError } from './codes';
import type { ResultKind } from './fields';

/** One input item's call, with how long it may wait for Flinks and how often it asks. */
export interface ConnectItem extends ItemContext {
	/** When the item's wait (Wait Up To) runs out, in ms since the epoch. */
	waitUntil: number;
	pollIntervalMs: number;
	waitedSeconds(): number;
}

export function connectItem(
	itemIndex: number,
	waitUpToMs: number,
	pollIntervalMs: number,
): ConnectItem {
	const startedAt = Date.now();
	return {
		itemIndex,
		waitUntil: startedAt + waitUpToMs,
		pollIntervalMs,
		waitedSeconds: () => Math.round((Date.now() - startedAt) / 1000),
	};
}

/**
 * The answer; "still collecting" when the item's wait ran out first; or "expired" when Flinks no
 * longer knows the requestId (SESSION_NONEXISTENT): a caller with a loginId authorizes again.
 */
export type ResultOutcome =
	| { status: 'complete'; body: IDataObject }
	| { status: 'pending' }
	| { status: 'expired'; error: NodeApiError };

const PATHS: Record<ResultKind, { start: string; poll: string; what: string }> = {
	accountsDetail: {
		start: '/GetAccountsDetail',
		poll: '/GetAccountsDetailAsync/',
		what: 'accounts detail',
	},
	accountsSummary: {
		start: '/GetAccountsSummary',
		poll: '/GetAccountsSummaryAsync/',
		what: 'accounts summary',
	},
};

/** Whether the item's wait leaves room for another poll interval. */
export function hasTimeForAnotherTry(item: ConnectItem): boolean {
	return Date.now() + item.pollIntervalMs <= item.waitUntil;
}

/**
 * Starts collecting (`start`: the GetAccountsDetail/Summary body) or, without it, asks for a result
 * already under way; then polls the *Async endpoint until the answer is in or the item's wait runs out.
 */
export async function fetchResult(
	client: KeyedFlinksClient,
	item: ConnectItem,
	kind: ResultKind,
	requestId: string,
	start?: IDataObject,
): Promise<ResultOutcome> {
	const { what, ...paths } = PATHS[kind];
	const ask = async (poll: boolean) =>
		await client.send(
			poll
				? {
						method: 'GET',
						path: `${paths.poll}${encodeURIComponent(requestId)}`,
						action: `Polling Flinks for item ${item.itemIndex}'s ${what}`,
					}
				: {
						method: 'POST',
						path: paths.start,
						body: { ...start, RequestId: requestId },
						action: `Asking Flinks for item ${item.itemIndex}'s ${what}`,
					},
			item,
		);
	let response = await ask(start === undefined);
	for (;;) {
		const action = `Getting item ${item.itemIndex}'s ${what}`;
		if (response.statusCode === 200) {
			return { status: 'complete', body: checkedAnswer(client, response, action, item, requestId) };
		}
		const pending = isPendingAnswer(response);
		if (flinksCodeOf(response.body) === 'SESSION_NONEXISTENT') {
			return { status: 'expired', error: connectError(client.node, response, action, item) };
		}
		if (!pending && !isBusyAnswer(response))
			throw connectError(client.node, response, action, item);
		if (!hasTimeForAnotherTry(item)) {
			if (pending) return { status: 'pending' };
			throw stillBusyError(client.node, response, action, item, item.waitedSeconds());
		}
		await waitForAnotherPoll(client, item, requestId);
		// A busy login is asked again as it was; a pending answer is polled.
		response = await ask(pending || start === undefined);
	}
}

/** Waits one poll interval with n8n's sleep; Stop ends it at once, and the item says where it was. */
async function waitForAnotherPoll(client: KeyedFlinksClient, item: ConnectItem, requestId: string) {
	if (await client.sleepUnlessStopped(item.pollIntervalMs)) return;
	throw new NodeOperationError(
		client.node,
		withItem(
			`Stopped while waiting for Flinks to collect item ${item.itemIndex}'s data (Request ID ${requestId})`,
			item.itemIndex,
		),
		{
			itemIndex: item.itemIndex,
			description: 'Get Pending Result with this Request ID picks the answer up within 30 minutes.',
		},
	);
}

/** A 200 must carry accounts, and be about the request asked for. */
function checkedAnswer(
	client: KeyedFlinksClient,
	response: FlinksResponse,
	action: string,
	item: ConnectItem,
	requestId: string,
): IDataObject {
	const body = response.body;
	if (!isPlainObject(body) || !Array.isArray(body.Accounts)) {
		throw unreadableAnswerError(client.node, response, action, item, {
			missing: 'Accounts',
			consequence: 'Flinks said the data is ready but sent no accounts. Run the item again.',
		});
	}
	const answered = body.RequestId;
	if (typeof answered === 'string' && answered.toLowerCase() !== requestId.toLowerCase()) {
		throw itemError(client.node, item, `${action}: Flinks answered about another request`, {
			description:
				'The answer does not belong to this request, so the node does not trust it. Run the item again.',
			httpCode: String(response.statusCode),
		});
	}
	return body;
}
