import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { FlinksResponse, ItemContext } from './transport';
import { describeBody, flinksHttpError } from './transport';

/** What an operation expected in a 2xx answer, and what a user should know when it is not there. */
export interface ExpectedAnswer {
	/** e.g. "a session status": the answer reads "a JSON body without a session status". */
	missing: string;
	/** What may have happened on Flinks' side, since the request itself went through. */
	consequence: string;
}

/** A 2xx answer the node cannot read: HTML, empty, or JSON without what the operation needs. */
export function unreadableAnswerError(
	ctx: IExecuteFunctions,
	response: FlinksResponse,
	what: string,
	at: ItemContext,
	expected: ExpectedAnswer,
): NodeApiError {
	const body = describeBody(response.body) || `a JSON body without ${expected.missing}`;
	const error = new NodeApiError(
		ctx.getNode(),
		{ status: response.statusCode },
		{
			message: `${what}: Flinks answered HTTP ${response.statusCode} with ${body}`,
			description: expected.consequence,
			httpCode: String(response.statusCode),
			itemIndex: at.itemIndex,
		},
	);
	if (at.sessionId) error.context.sessionId = at.sessionId;
	return error;
}

/**
 * flinksHttpError plus the per-field messages of a validation ProblemDetails
 * (`errors: {"payor.email": ["…"]}`), so the user sees which field Flinks refused.
 */
export function flinksRequestError(
	ctx: IExecuteFunctions,
	response: FlinksResponse,
	what: string,
	at: ItemContext,
): NodeApiError {
	const error = flinksHttpError(ctx, response, what, at);
	const fields = fieldErrorsOf(response.body);
	if (fields.length > 0) error.message = `${error.message}: ${fields.join('; ')}`;
	return error;
}

/** `field: message` lines from a ProblemDetails `errors` map; empty when there is none. */
export function fieldErrorsOf(body: unknown): string[] {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return [];
	const errors = (body as IDataObject).errors;
	if (typeof errors !== 'object' || errors === null || Array.isArray(errors)) return [];
	return Object.entries(errors as IDataObject).map(([field, messages]) => {
		const text = Array.isArray(messages) ? messages.map(String).join(' ') : String(messages);
		return `${field}: ${text}`;
	});
}
