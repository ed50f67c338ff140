import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { redirectOrigin } from '../../../credentials/FlinksPayApi.credentials';
import type { FailureKind } from './failures';
import { isPlainObject } from './guards';
import { shorten } from './values';

/** How much of Flinks' own words (a title, a detail, a field's message) an error repeats. */
const SHOWN_FLINKS_TEXT = 300;
/** How many refused fields an error lists. */
const SHOWN_FIELD_ERRORS = 10;

/** Which input item a call serves, and what it concerns: both end up on its errors. */
export interface ItemContext {
	itemIndex: number;
	sessionId?: string;
	/** For a create: the reference to look for when its answer was lost. */
	referenceId?: string;
}

/** An HTTP answer from Flinks; `attempts` counts every try including retries. */
export interface FlinksResponse {
	statusCode: number;
	body: unknown;
	attempts: number;
	/** The Location header of a redirect. */
	location?: string;
}

/** RFC 7807 ProblemDetails as Flinks returns them. */
interface FlinksProblem {
	type?: string;
	title?: string;
	status?: number;
	detail?: string;
	traceId?: string;
}

/** What an operation expected in a 2xx answer, and what a user should know when it is not there. */
export interface ExpectedAnswer {
	/** e.g. "a session status": the answer reads "a JSON body without a session status". */
	missing: string;
	/** What may have happened on Flinks' side, since the request itself went through. */
	consequence: string;
}

/** A token exchange that failed, as every item waiting on it reports it. */
export interface TokenFailure {
	message: string;
	description?: string;
	/** Tries the exchange took, retries included. */
	attempts: number;
}

/** What a user can do about a refusal, by status; Flinks' own words are in the message. */
function adviceFor(statusCode: number): string {
	if (statusCode === 400 || statusCode === 422) {
		return "Flinks refused the request as sent: correct the fields it names, or the item's values, and run it again.";
	}
	if (statusCode === 401) {
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
	if (statusCode === 429 || statusCode >= 500) {
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
		advice ?? adviceFor(response.statusCode),
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

/** A redirect is never followed (credentials would go with it): it is an error naming where it pointed. */
export function redirectError(
	node: INode,
	response: FlinksResponse,
	action: string,
	item: ItemContext,
	baseUrl: string,
): NodeApiError {
	return itemError(
		node,
		item,
		`${action}: Flinks answered HTTP ${response.statusCode}, a redirect to ${redirectOrigin(response.location, baseUrl)}`,
		{
			description: `The node never follows redirects, so the access token stays with ${originOf(baseUrl)}. Set the credential's 'Environment' or 'Base URL' to the exact address Flinks gave you.`,
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

/** A call that got no HTTP answer after its retries: what happened, and whether Flinks may have acted. */
export function noAnswerError(
	node: INode,
	failure: NodeApiError,
	kind: FailureKind,
	action: string,
	item: ItemContext,
	details: {
		attempts: number;
		timeoutMs: number;
		idempotent: boolean;
		unanswered?: { consequence: string; advice: string };
	},
): NodeApiError {
	const reason =
		kind === 'timeout'
			? `no answer within ${details.timeoutMs} ms`
			: `the ${kind === 'tls' ? 'secure ' : ''}connection broke off or was refused (${String(failure.httpCode ?? 'network error')})`;
	const tries = details.attempts > 1 ? ` (after ${details.attempts} attempts)` : '';
	if (!details.idempotent) {
		const { consequence, advice } = details.unanswered ?? {
			consequence: 'the session may have been created',
			advice: mayHaveBeenCreated(item.referenceId),
		};
		return itemError(node, item, `${action}: ${reason}${tries}; ${consequence}`, {
			description: advice,
		});
	}
	return itemError(
		node,
		item,
		`Could not reach Flinks${item.sessionId ? ` for session ${item.sessionId}` : ''}: ${reason}${tries}`,
		{
			description:
				"Flinks or the network between did not answer. Running the item again later is safe; if it keeps happening, raise 'Timeout' or 'Max Retries' in the node's options, or check the credential's 'Base URL'.",
		},
	);
}

/** The token exchange failed: every item that waited on it says so, with the attempts it took. */
export function tokenError(node: INode, failure: TokenFailure, item: ItemContext): NodeApiError {
	const tries = failure.attempts > 1 ? ` (after ${failure.attempts} attempts)` : '';
	return itemError(node, item, `${failure.message}${tries}`, {
		description:
			failure.description ??
			"No request was sent for this item. If this persists, check the credential's 'Environment' and 'Base URL'; otherwise run the item again later.",
	});
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

/** Reads a ProblemDetails body if the answer carries one. */
function problemOf(body: unknown): FlinksProblem | undefined {
	if (!isPlainObject(body)) return undefined;
	const { type, title, status, detail, traceId } = body;
	if (title === undefined && detail === undefined) return undefined;
	const text = (value: unknown, max = SHOWN_FLINKS_TEXT) =>
		typeof value === 'string' ? shorten(value, max) : undefined;
	return {
		type: text(type),
		title: text(title),
		status: typeof status === 'number' ? status : undefined,
		detail: text(detail),
		traceId: text(traceId, 100),
	};
}

function describeBody(body: unknown): string {
	if (body === undefined || body === null || body === '') return 'empty body';
	if (typeof body === 'string') {
		return /^\s*</.test(body) ? 'an HTML page instead of JSON' : 'a body that is not valid JSON';
	}
	return '';
}

/** `field: message` lines from a ProblemDetails `errors` map; empty when there is none. */
function fieldErrorsOf(body: unknown): string[] {
	const errors = isPlainObject(body) ? body.errors : undefined;
	if (!isPlainObject(errors)) return [];
	const entries = Object.entries(errors);
	const shown = entries.slice(0, SHOWN_FIELD_ERRORS).map(([field, messages]) => {
		const text = Array.isArray(messages) ? messages.map(String).join(' ') : String(messages);
		return `${shorten(field)}: ${shorten(text, SHOWN_FLINKS_TEXT)}`;
	});
	const more = entries.length - shown.length;
	return more > 0 ? [...shown, `and ${more} more`] : shown;
}
