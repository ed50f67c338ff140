import { mintAuthorizeToken } from './authorize';
import { connectError, flinksCodeOf } from './codes';
import { readText } from './settings';
import type { ConnectOperation } from './operation';
import { connectItem } from './polling';

/**
 * DeleteCard: Flinks forgets the connection and its data (the right-to-be-forgotten step). Which
 * key DeleteCard checks is not documented clearly, so it carries both: the API key (added by the
 * credential) and a fresh authorize token.
 */
export const deleteConnection: ConnectOperation = async (ctx, client, itemIndex) => {
	const loginId = readText(ctx, itemIndex, 'loginId', 'Login ID');
	const item = connectItem(itemIndex, 0, 0);
	const action = `Deleting item ${itemIndex}'s connection`;
	const response = await client.send(
		{
			method: 'DELETE',
			path: `/DeleteCard/${encodeURIComponent(loginId)}`,
			action,
			headersForAttempt: async () => ({
				'flinks-auth-key': await mintAuthorizeToken(client, item),
			}),
			unanswered: {
				consequence: 'the connection may have been deleted',
				advice: 'Run the item again: deleting a connection twice does no harm.',
			},
		},
		item,
	);
	if (response.statusCode === 200) return [{ loginId, deleted: true }];
	// An earlier attempt whose answer was lost deleted it: Flinks no longer knows the login.
	if (response.earlierAttemptMayHaveActed && flinksCodeOf(response.body) === 'INVALID_LOGIN') {
		return [{ loginId, deleted: true }];
	}
	throw connectError(
		client.node,
		response,
		action,
		item,
		flinksCodeOf(response.body) === 'INVALID_LOGIN'
			? 'Flinks does not know this Login ID: it may have been deleted already, or belong to another instance or customer ID.'
			: undefined,
	);
};
