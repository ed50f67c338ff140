import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { ConcurrencyWindow } from './concurrency';
import { SpareTokens } from './ownTokens';
import { TokenGate } from './tokenGate';

/**
 * What every execution of the node in this n8n instance shares per credential and Flinks instance:
 * one token (and so one token exchange at a time) and one adaptive window, so that executions
 * running at the same time in one n8n worker neither exchange a token each nor each start their
 * own window. Other processes (queue-mode workers) share only the token n8n stores.
 */
export interface SharedFlinksState {
	tokenGate: TokenGate;
	window: ConcurrencyWindow;
	/** Creates' own tokens that were never sent, for the next create. */
	spareTokens: SpareTokens;
}

/** Enough for every credential a worker uses at once; the least recently used goes first. */
const MAX_ENTRIES = 32;

const states = new Map<string, SharedFlinksState>();

/**
 * The state for this credential as stored now. Any change to the credential (another secret,
 * environment or base URL) gives a new entry, so an edited credential never reuses an old token.
 */
export function sharedStateFor(
	credentialId: string,
	credentials: ICredentialDataDecryptedObject,
	baseUrl: string,
	readStartedAt: number,
): SharedFlinksState {
	const key = credentialKey(credentialId, credentials, baseUrl);
	let state = states.get(key);
	if (state) {
		states.delete(key);
		state.tokenGate.adoptStored(credentials, readStartedAt);
	} else {
		state = {
			tokenGate: new TokenGate({ ...credentials }, key),
			window: new ConcurrencyWindow(),
			spareTokens: new SpareTokens(),
		};
	}
	states.set(key, state);
	if (states.size > MAX_ENTRIES) states.delete(states.keys().next().value as string);
	return state;
}

/** Which credential, as stored, a token belongs to: another secret, X-Client-ID or base URL is another. */
export function credentialKey(
	credentialId: string,
	credentials: ICredentialDataDecryptedObject,
	baseUrl: string,
): string {
	return JSON.stringify([
		credentialId,
		baseUrl,
		credentials.clientId,
		credentials.clientSecret,
		credentials.xClientId,
	]);
}
