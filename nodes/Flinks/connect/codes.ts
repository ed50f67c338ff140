import type { INode, JsonObject, NodeApiError } from 'n8n-workflow';

import type { FlinksResponse, ItemContext } from '../api/errors';
import { itemError } from '../api/errors';
import { isPlainObject } from '../api/guards';
import { describeBody, isRateLimitAnswer } from '../api/problemDetails';
import { shorten } from '../api/values';

/** Flinks Connect's error codes, from the `FlinksCode` of an answer's body. */
export type ConnectCode =
	| 'OPERATION_PENDING'
	| 'OPERATION_DISPATCHED'
	| 'SESSION_NONEXISTENT'
	| 'CARD_IN_USE'
	| 'INVALID_LOGIN'
	| 'ACCESS_DENIED'
	| 'INVALID_REQUEST'
	| 'RETRY_LATER'
	| 'UNKNOWN_CHALLENGE_KEY'
	| 'TOO_MANY_REQUESTS'
	| 'AGGREGATION_ERROR'
	| 'DISABLED_INSTITUTION'
	| 'DISABLED_LOGIN'
	| 'NEW_ACCOUNT';

/** The code of an answer, upper case, whatever the case of its key; undefined when there is none. */
export function flinksCodeOf(body: unknown): string | undefined {
	if (!isPlainObject(body)) return undefined;
	const key = Object.keys(body).find((name) => name.toLowerCase() === 'flinkscode');
	const value = key === undefined ? undefined : body[key];
	return typeof value === 'string' && value.trim() !== '' ? value.trim().toUpperCase() : undefined;
}

/** Answers that say "not yet": keep polling. */
export function isPendingAnswer(response: FlinksResponse): boolean {
	const code = flinksCodeOf(response.body);
	return (
		response.statusCode === 202 || code === 'OPERATION_PENDING' || code === 'OPERATION_DISPATCHED'
	);
}

/** Answers that say "this login is busy, or its bank is unavailable, for now": wait and ask again. */
export function isBusyAnswer(response: FlinksResponse): boolean {
	const code = flinksCodeOf(response.body);
	return code === 'RETRY_LATER' || code === 'CARD_IN_USE';
}

/** What the user must do about each code; Flinks' own words go in the message. */
const ADVICE: Record<ConnectCode, string> = {
	OPERATION_PENDING:
		"Flinks is still collecting the data. Use Get Pending Result with this item's Request ID.",
	OPERATION_DISPATCHED:
		"Flinks is still collecting the data. Use Get Pending Result with this item's Request ID.",
	SESSION_NONEXISTENT:
		'The Request ID expired (8 minutes idle, 30 minutes once processing) or is unknown. Run Get Accounts Detail or Get Accounts Summary again with the Login ID.',
	CARD_IN_USE:
		"Another request is reading this connection right now. Run the item again in a few minutes, or raise 'Wait Up To'.",
	INVALID_LOGIN:
		'The bank no longer accepts the login behind this Login ID (for example the customer changed their password). Ask the customer to reconnect through Flinks Connect and use the new Login ID.',
	ACCESS_DENIED:
		"Flinks denied access to this connection. Check that the Login ID belongs to this credential's instance and customer ID; if it does, ask the customer to reconnect through Flinks Connect.",
	INVALID_REQUEST:
		"Flinks refused the request as sent. Check the item's Login ID or Request ID and the node's options.",
	RETRY_LATER:
		"The customer's bank is unavailable right now. Run the item again later, or raise 'Wait Up To'.",
	UNKNOWN_CHALLENGE_KEY:
		'The bank asked a security question Flinks has no answer for. Ask the customer to reconnect through Flinks Connect.',
	TOO_MANY_REQUESTS:
		"Flinks is limiting requests (HTTP 401 TOO_MANY_REQUESTS). Run the item again later, or lower 'Concurrency' in the node's options.",
	AGGREGATION_ERROR:
		'Flinks could not collect the data from the bank. Run the item again later; if it keeps failing, ask Flinks support.',
	DISABLED_INSTITUTION:
		"The customer's bank is not available through Flinks at the moment. Try again later, or ask Flinks support.",
	DISABLED_LOGIN:
		'Flinks disabled this connection. Ask the customer to reconnect through Flinks Connect and use the new Login ID.',
	NEW_ACCOUNT:
		'The bank shows an account Flinks has not linked yet. Ask the customer to reconnect through Flinks Connect.',
};

/** Advice for an answer without a documented code, by status. */
function adviceForStatus(statusCode: number, rateLimited: boolean): string {
	if (rateLimited || statusCode === 429 || statusCode >= 500) {
		return "Flinks is busy or unavailable. Run the item again later, or raise 'Max Retries' in the node's options.";
	}
	if (statusCode === 401 || statusCode === 403) {
		return "Flinks refused the credential's keys. Check 'API Key', 'Secret Key', 'Customer ID' and 'Environment' in the Flinks Connect API credential.";
	}
	if (statusCode === 404) {
		return "Flinks does not know this address. Check the credential's 'Environment', 'Instance' or 'Base URL', and 'Customer ID'.";
	}
	return "Flinks' answer is in the message.";
}

/**
 * A Flinks Connect answer that is not what the call needed: the action, the status, the code and
 * Flinks' own words; the description says what to do, by code (never by message text).
 */
export function connectError(
	node: INode,
	response: FlinksResponse,
	action: string,
	item: ItemContext,
	advice?: string,
): NodeApiError {
	const code = flinksCodeOf(response.body);
	const said = isPlainObject(response.body)
		? (response.body.Message ?? response.body.message)
		: undefined;
	const words =
		typeof said === 'string' && said !== '' ? shorten(said, 300) : describeBody(response.body);
	const detail = [code, words].filter(Boolean).join(': ');
	const known = code !== undefined && code in ADVICE ? ADVICE[code as ConnectCode] : undefined;
	const description = [
		advice ??
			known ??
			adviceForStatus(response.statusCode, isRateLimitAnswer(response.statusCode, response.body)),
		response.attempts > 1 ? `Attempts: ${response.attempts}` : undefined,
	]
		.filter(Boolean)
		.join(' — ');
	return itemError(
		node,
		item,
		`${action}: Flinks answered HTTP ${response.statusCode}${detail ? ` (${detail})` : ''}`,
		{
			description,
			httpCode: String(response.statusCode),
			data: { status: response.statusCode, ...(code ? { flinksCode: code } : {}) } as JsonObject,
		},
	);
}

/** The login is still busy (or its bank unavailable) when the wait ran out. */
export function stillBusyError(
	node: INode,
	response: FlinksResponse,
	action: string,
	item: ItemContext,
	waitedSeconds: number,
): NodeApiError {
	const error = connectError(node, response, action, item);
	error.description =
		`Still so after waiting ${waitedSeconds} s. ${error.description ?? ''}`.trim();
	return error;
}
