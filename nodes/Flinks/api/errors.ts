import type { IExecuteFunctions, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { redirectOrigin } from '../../../credentials/flinksPayToken';
import type { UnansweredCall } from './call';
import { describeBody, fieldErrorsOf, isRateLimitAnswer, problemOf } from './problemDetails';
import { shorten } from './values';

/** Which input item a call serves, and what it concerns: both end up on its errors. */
export interface ItemContext {
	itemIndex: number;
	sessionId?: string;
	/** For a create: the reference to look for when its answer was lost. */
	referenceId?: string;
}

/** An HTTP answer from Flinks; `attempts` counts the requests that carried the call, retries included. */
export interface FlinksResponse {
	statusCode: number;
	body: unknown;
	attempts: number;
	/**
	 * True when an earlier attempt could have taken effect before its answer was lost (a 5xx, a
	 * timeout or a broken connection after it was sent); never for a 429 or a failed token request.
	 */
	earlierAttemptMayHaveActed?: boolean;
	/** The Location header of a redirect. */
	location?: string;
}

/** What an operation expected in a 2xx answer, and what a user should know when it is not there. */
export interface ExpectedAnswer {
	/** e.g. "a session status": the answer reads "a JSON body without a session status". */
	missing: string;
	/** What may have happened on Flinks' side, since the request itself went through. */
	consequence: string;
}

/** What a user can do about a refusal, by status; Flinks' own words are in the message. */
function adviceFor(statusCode: number, rateLimited: boolean): string {
	if (statusCode === 400 || statusCode === 422) {
		return "Flinks refused the request as sent: correct the fields it names, or the item's values, and run it again.";
	}
	if (statusCode === 401 && !rateLimited) {
		return "Flinks refused a fresh access token too. Check that the credential's 'Environment' is the one its client ID belongs to.";
	}
	if (statusCode === 403) {
		return 'These client credentials may not do this. Ask Flinks to enable Pay e-Transfer for them.';
	}
	if (statusCode === 404) {
		return "Flinks does not know this session. Check the 'Session ID', and that the credential's 'Environment' is the one the session was created in.";
	}
	if (statusCode === 409) {
		return 'The session is not in a state that allows this. Look it up with Get to see its status.';
	}
	if (statusCode === 429 || statusCode >= 500 || rateLimited) {
		return "Flinks is busy or unavailable. Run the item again later, or raise 'Max Retries' in the node's options.";
	}
	return "Flinks' answer is in the message; quote the trace ID below when you ask Flinks support.";
}

/**
 * A non-2xx answer: names the action, the status, Flinks' own words and any refused fields; the
 * description says what to do. `consequence` ends the message (e.g. what may have happened), and
 * `advice` replaces the usual advice where an operation knows better.
 */
export function flinksHttpError(
	node: INode,
	response: FlinksResponse,
	action: string,
	item: ItemContext,
	{ consequence, advice }: { consequence?: string; advice?: string } = {},
): NodeApiError {
	const problem = problemOf(response.body);
	const reason = problem
		? [problem.title, problem.detail].filter(Boolean).join(': ')
		: describeBody(response.body);
	const fields = fieldErrorsOf(response.body);
	const message = `${action}: Flinks answered HTTP ${response.statusCode}${reason ? ` (${reason})` : ''}${fields.length > 0 ? `: ${fields.join('; ')}` : ''}${consequence ? `; ${consequence}` : ''}`;
	const description = [
		advice ?? adviceFor(response.statusCode, isRateLimitAnswer(response.statusCode, response.body)),
		problem?.type,
		problem?.traceId ? `Flinks trace ID: ${problem.traceId}` : undefined,
		response.attempts > 1 ? `Attempts: ${response.attempts}` : undefined,
	]
		.filter(Boolean)
		.join(' — ');
	return itemError(node, item, message, {
		description,
		httpCode: String(response.statusCode),
		data: (problem ?? { status: response.statusCode }) as JsonObject,
	});
}

/** A 2xx answer the node cannot read: HTML, empty, or JSON without what the operation needs. */
export function unreadableAnswerError(
	node: INode,
	response: FlinksResponse,
	action: string,
	item: ItemContext,
	expected: ExpectedAnswer,
): NodeApiError {
	const body = describeBody(response.body) || `a JSON body without ${expected.missing}`;
	return itemError(
		node,
		item,
		`${action}: Flinks answered HTTP ${response.statusCode} with ${body}`,
		{
			description: expected.consequence,
			httpCode: String(response.statusCode),
		},
	);
}

/** A 2xx answer about a session other than the one asked for. */
export function otherSessionError(
	node: INode,
	response: FlinksResponse,
	action: string,
	item: ItemContext,
	answeredSessionId: string,
): NodeApiError {
	return itemError(
		node,
		item,
		`${action}: Flinks answered HTTP ${response.statusCode} about another session (${shorten(answeredSessionId)})`,
		{
			description:
				'The answer does not belong to this request, so the node does not trust it. Check the session with Get Details.',
			httpCode: String(response.statusCode),
		},
	);
}

/**
 * A redirect is never followed (credentials would go with it): it is an error naming where it
 * pointed. For a call that must not take effect twice, `mayHaveActed` says what may have happened
 * (a 303 comes after the server acted), rather than inviting a rerun.
 */
export function redirectError(
	node: INode,
	response: FlinksResponse,
	action: string,
	item: ItemContext,
	{ baseUrl, mayHaveActed }: { baseUrl: string; mayHaveActed?: UnansweredCall },
): NodeApiError {
	const kept = `The node never follows redirects, so the access token stays with ${originOf(baseUrl)}.`;
	return itemError(
		node,
		item,
		`${action}: Flinks answered HTTP ${response.statusCode}, a redirect to ${redirectOrigin(response.location, baseUrl)}${mayHaveActed ? `; ${mayHaveActed.consequence}` : ''}`,
		{
			description: mayHaveActed
				? `${mayHaveActed.advice} ${kept}`
				: `${kept} Set the credential's 'Environment' or 'Base URL' to the exact address Flinks gave you.`,
			httpCode: String(response.statusCode),
		},
	);
}

function originOf(url: string): string {
	try {
		return new URL(url).origin;
	} catch {
		return url;
	}
}

/** What to say when a create got no answer, or a failing one: it may have happened anyway. */
export function mayHaveBeenCreated(referenceId: string | undefined): string {
	const lookFor = referenceId
		? `look for Reference ID ${referenceId}`
		: 'this item has no Reference ID: look for the payor and amount';
	return `The session may have been created without its ID reaching n8n. Check the Flinks dashboard before creating it again (${lookFor}); running the item again may ask the customer twice.`;
}

/** A message about one item ends with the item it concerns, as n8n's own messages do. */
export function withItem(message: string, itemIndex: number): string {
	return `${message} [item ${itemIndex}]`;
}

/** An error about one item's call, carrying its item index and session. */
export function itemError(
	node: INode,
	item: ItemContext,
	what: string,
	options: { description?: string; httpCode?: string; data?: JsonObject },
): NodeApiError {
	const message = withItem(what, item.itemIndex);
	const error = new NodeApiError(node, options.data ?? ({ message } as JsonObject), {
		message,
		description: options.description,
		httpCode: options.httpCode,
		itemIndex: item.itemIndex,
	});
	// NodeApiError rewrites messages that mention error codes (ECONNRESET…) into generic text: keep ours.
	error.message = message;
	if (item.sessionId) error.context.sessionId = item.sessionId;
	return error;
}

/** Any error of one item's run as n8n's own error kind, naming that item. */
export function asNodeError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}
