import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import type { RetryPolicy } from './retry';

/** One Flinks API call an operation asks the client to send. */
export interface FlinksCall {
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	/** What the call does, for its errors: "Cancelling session …". */
	action: string;
	/**
	 * False for a call that must not take effect twice (creating a session): it is then retried
	 * only on a rate limit, which Flinks sends before doing anything, never on 5xx, timeouts or resets.
	 */
	idempotent?: boolean;
	/** For a non-idempotent call other than a create: what may have happened when no answer came. */
	unanswered?: UnansweredCall;
	/** True for a call that initiates a session: Flinks lets a token initiate one, so it gets its own. */
	initiatesSession?: boolean;
}

/** What a lost answer to a non-idempotent call means, and what to do before sending it again. */
export interface UnansweredCall {
	consequence: string;
	advice: string;
}

/** Retry and concurrency settings, read once per execution from the node's Options. */
export interface RequestPolicy extends RetryPolicy {
	/** A fixed number of items in flight; undefined adapts (a window shared in this n8n instance). */
	concurrency?: number;
}
