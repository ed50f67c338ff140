import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { isTokenFor } from '../../../credentials/flinksPayToken';
import type { TokenFailure } from './noAnswerErrors';
import { untilAborted } from './abort';

/** The credential data one request is sent with, and whether that request obtains a new token. */
export interface TokenTicket {
	credentials: ICredentialDataDecryptedObject;
	/** True for the one request that exchanges the client credentials for a token (n8n's preAuthentication). */
	exchanges: boolean;
	/** The token the request carries; empty for the exchanging request until n8n has obtained one. */
	token: string;
	/** True when that token was obtained by an exchange in this n8n instance, not read from n8n's store. */
	fresh: boolean;
	/** The exchange this ticket holds, while it holds it. */
	exchange?: Deferred;
	/** An exchange of its own, for a call that initiates a session: its token is never shared. */
	exclusive?: boolean;
	/** When an exclusive ticket's token was issued. */
	obtainedAt?: number;
}

/**
 * The token shared by the calls that use the same credential in this n8n instance (a call that
 * initiates a session gets one of its own: exclusiveTicket). Requests carry the current token;
 * once none is known (or Flinks answered 401 to it), exactly one request is sent with the token
 * emptied, so that n8n runs the credential's preAuthentication, stores the new token and sends the
 * call with it; the others wait for that request and then use its token. TokenSource decides
 * which ticket a call gets.
 */
export class TokenGate {
	private token: string;

	/** When the current token was set here (0: read from n8n's store). */
	private tokenSetAt = 0;

	/** Whether the current token was obtained by an exchange here rather than read from n8n's store. */
	private fresh = false;

	/** True once the current token is known to be missing or refused. */
	private stale: boolean;

	/** Tokens Flinks answered 401 to, newest last: never taken from n8n's store again. */
	private readonly refused: string[] = [];

	private exchanging: Deferred | undefined;

	constructor(
		private readonly shared: ICredentialDataDecryptedObject,
		/** The credential, as stored, this token is for (`credentialKey`). */
		readonly credentialKey: string,
	) {
		// A token stored for another base URL or client (the credential was edited) is never sent.
		this.token = isTokenFor(shared) ? accessTokenOf(shared) : '';
		this.shared.accessToken = this.token;
		this.stale = this.token === '';
	}

	/**
	 * Takes the token n8n had stored when an execution read the credential, unless ours is newer:
	 * another n8n instance may have refreshed it meanwhile.
	 */
	adoptStored(stored: ICredentialDataDecryptedObject, readStartedAt: number): void {
		const token = accessTokenOf(stored);
		if (this.exchanging || !isTokenFor(stored) || !this.isNewStoredToken(token)) return;
		if (readStartedAt < this.tokenSetAt) return;
		this.setToken(token, 0, false);
	}

	/**
	 * The request about to exchange read the credential again and found a token that another n8n
	 * instance (a queue-mode worker) or execution stored since ours went bad: everybody uses that
	 * one instead, and no token is requested. False when there is none. The caller checks that
	 * `stored` is still this credential.
	 */
	takeStoredInstead(ticket: TokenTicket, stored: ICredentialDataDecryptedObject): boolean {
		const token = accessTokenOf(stored);
		if (!this.holds(ticket) || !isTokenFor(stored) || !this.isNewStoredToken(token)) return false;
		this.setToken(token, Date.now(), false);
		this.finishExchange(ticket).resolve();
		return true;
	}

	/** Resolves once the request may be sent; throws the failure of an exchange it waited for. */
	async acquire(waitSignal?: () => AbortSignal | undefined): Promise<TokenTicket> {
		for (;;) {
			if (!this.stale) {
				return { credentials: this.shared, exchanges: false, token: this.token, fresh: this.fresh };
			}
			if (!this.exchanging) {
				this.exchanging = deferred();
				const credentials = { ...this.shared, accessToken: '' };
				return { credentials, exchanges: true, token: '', fresh: true, exchange: this.exchanging };
			}
			// Only a request that has to wait pays for a signal to end its wait.
			await untilAborted(this.exchanging.promise, waitSignal?.());
		}
	}

	/**
	 * A request that exchanges for itself alone (or carries the unused `token` another such request
	 * obtained): no call that initiates a session ever takes the shared or stored token.
	 */
	exclusiveTicket(token = '', obtainedAt?: number): TokenTicket {
		const credentials = { ...this.shared, accessToken: token };
		return {
			credentials,
			exchanges: token === '',
			token,
			fresh: true,
			exclusive: true,
			obtainedAt,
		};
	}

	/** Whether the ticket may still be sent: it holds the exchange, or its token is still the one in use. */
	isCurrent(ticket: TokenTicket): boolean {
		if (ticket.exchanges || ticket.exclusive) return true;
		return !this.stale && ticket.token === this.token;
	}

	/** Whether the exchanging request's preAuthentication obtained a token. */
	obtained(ticket: TokenTicket): boolean {
		return accessTokenOf(ticket.credentials) !== '';
	}

	/** The exchanging request obtained a token: everybody uses it now. */
	publish(ticket: TokenTicket): void {
		if (!this.holds(ticket)) return;
		this.setToken(accessTokenOf(ticket.credentials), Date.now(), true);
		this.finishExchange(ticket).resolve();
	}

	/** The exchanging request gave up without a result (its execution stopped): a waiter takes over. */
	release(ticket: TokenTicket): void {
		if (this.holds(ticket)) this.finishExchange(ticket).resolve();
	}

	/** The exchange failed for good: every request waiting on it fails the same way. */
	fail(ticket: TokenTicket, failure: TokenFailure): void {
		if (this.holds(ticket)) this.finishExchange(ticket).reject(failure);
	}

	/** Flinks answered 401 to `token`: the next request obtains a new one, unless that already happened. */
	invalidate(token: string): void {
		if (token !== '' && !this.refused.includes(token)) {
			this.refused.push(token);
			if (this.refused.length > REFUSED_KEPT) this.refused.shift();
		}
		if (token === this.token) this.stale = true;
	}

	private isNewStoredToken(token: string): boolean {
		return token !== '' && token !== this.token && !this.refused.includes(token);
	}

	private setToken(token: string, at: number, fresh: boolean): void {
		this.token = token;
		this.shared.accessToken = token;
		this.tokenSetAt = at;
		this.fresh = fresh;
		this.stale = false;
	}

	private holds(ticket: TokenTicket): boolean {
		return ticket.exchange !== undefined && ticket.exchange === this.exchanging;
	}

	private finishExchange(ticket: TokenTicket): Deferred {
		const exchange = ticket.exchange as Deferred;
		this.exchanging = undefined;
		ticket.exchange = undefined;
		return exchange;
	}
}

/** Enough to recognise the tokens other instances may still have stored. */
const REFUSED_KEPT = 16;

function accessTokenOf(credentials: ICredentialDataDecryptedObject): string {
	return typeof credentials.accessToken === 'string' ? credentials.accessToken : '';
}

interface Deferred {
	promise: Promise<void>;
	resolve(): void;
	reject(failure: TokenFailure): void;
}

function deferred(): Deferred {
	let resolve!: () => void;
	let reject!: (failure: TokenFailure) => void;
	const promise = new Promise<void>((onResolve, onReject) => {
		resolve = onResolve;
		reject = onReject;
	});
	// Nobody may be waiting when an exchange fails: that is not an unhandled rejection.
	promise.catch(() => undefined);
	return { promise, resolve, reject };
}
