import type { IDataObject, NodeApiError } from 'n8n-workflow';

import type { FlinksResponse } from '../api/errors';
import { itemError } from '../api/errors';
import { isPlainObject } from '../api/guards';
import type { KeyedFlinksClient } from '../api/keyedClient';
import { connectError, flinksCodeOf, isBusyAnswer, stillBusyError } from './codes';
import type { ConnectItem } from './polling';
import { hasTimeForAnotherTry } from './polling';
import { notSentError } from '../api/noAnswerErrors';

/** A requestId Authorize issued for a login, with what Flinks said about the login. */
export interface Authorization {
	requestId: string;
	institution: string | null;
	lastRefresh: string | null;
}

/**
 * Trades the credential's Secret Key (added by the credential to this path only) for a single-use
 * authorize token, valid 30 minutes.
 */
export async function mintAuthorizeToken(
	client: KeyedFlinksClient,
	item: ConnectItem,
): Promise<string> {
	const action = 'Getting an authorize token from Flinks';
	const response = await client.send(
		{ method: 'POST', path: '/GenerateAuthorizeToken', body: {}, action },
		item,
	);
	const token = isPlainObject(response.body) ? response.body.Token : undefined;
	if (response.statusCode === 200 && typeof token === 'string' && token !== '') return token;
	const refused =
		response.statusCode === 401 && flinksCodeOf(response.body) !== 'TOO_MANY_REQUESTS';
	throw connectError(
		client.node,
		response,
		action,
		item,
		refused
			? "Flinks refused the credential's Secret Key. Check 'Secret Key' and 'Environment' in the Flinks Connect API credential."
			: undefined,
	);
}

/**
 * Authorize for the item's login: cached data (MostRecentCached) unless `live`. Every attempt
 * carries a token of its own (a token is good once), so resends after a lost answer are safe.
 * RETRY_LATER and CARD_IN_USE are waited out within the item's wait; 203 (the bank asks a
 * security question) is an error, since a workflow cannot answer it.
 */
export async function authorizeLogin(
	client: KeyedFlinksClient,
	item: ConnectItem,
	loginId: string,
	live: boolean,
): Promise<Authorization> {
	const action = `Authorizing item ${item.itemIndex}'s Login ID${live ? ' with the bank (live)' : ''}`;
	for (;;) {
		const response = await client.send(
			{
				method: 'POST',
				path: '/Authorize',
				body: { LoginId: loginId, MostRecentCached: !live },
				action,
				headersForAttempt: async () => ({
					'flinks-auth-key': await mintAuthorizeToken(client, item),
				}),
			},
			item,
		);
		const body = isPlainObject(response.body) ? response.body : {};
		if (response.statusCode === 203) throw securityQuestionError(client, response, action, item);
		if (
			response.statusCode === 200 &&
			typeof body.RequestId === 'string' &&
			body.RequestId !== ''
		) {
			return checkedAuthorization(client, response, action, item, loginId);
		}
		if (!isBusyAnswer(response)) throw connectError(client.node, response, action, item);
		if (!hasTimeForAnotherTry(item)) {
			throw stillBusyError(client.node, response, action, item, item.waitedSeconds());
		}
		// Nothing was started for this login yet: a Stop here leaves nothing behind.
		if (!(await client.sleepUnlessStopped(item.pollIntervalMs)))
			throw notSentError(client.node, item);
	}
}

/** A 200 about another login would put that person's data under this item's Login ID: refused. */
function checkedAuthorization(
	client: KeyedFlinksClient,
	response: FlinksResponse,
	action: string,
	item: ConnectItem,
	loginId: string,
): Authorization {
	const body = response.body as IDataObject;
	const login = isPlainObject(body.Login) ? body.Login : {};
	if (typeof login.Id === 'string' && login.Id.toLowerCase() !== loginId.toLowerCase()) {
		throw itemError(client.node, item, `${action}: Flinks answered about another login`, {
			description:
				'The answer does not belong to this Login ID, so the node does not trust it. Run the item again; if it persists, check the credential points at the right instance.',
			httpCode: String(response.statusCode),
		});
	}
	return authorizationOf(body, login);
}

function authorizationOf(body: IDataObject, login: IDataObject): Authorization {
	const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
	return {
		requestId: body.RequestId as string,
		institution: text(body.Institution) ?? text(body.InstitutionName),
		lastRefresh: text(login.LastRefresh),
	};
}

function securityQuestionError(
	client: KeyedFlinksClient,
	response: Parameters<typeof connectError>[1],
	action: string,
	item: ConnectItem,
): NodeApiError {
	const error = connectError(
		client.node,
		response,
		action,
		item,
		"The bank asked a security question (multi-factor authentication), which a workflow can't answer. Turn off 'Refresh From the Bank' to read the data Flinks fetched last, or ask the customer to reconnect through Flinks Connect.",
	);
	error.message = `${action}: the bank asked a security question (MFA, HTTP 203) [item ${item.itemIndex}]`;
	return error;
}
