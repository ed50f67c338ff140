import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { TokenFailure } from './errors';
import { untilAborted } from './abort';

/** The credential data one request is sent with, and whether that request obtains a new token. */
export interface TokenTicket {
	credentials: ICredentialDataDecryptedObject;
	/** True for the one request that exchanges the client credentials for a token (n8n's preAuthentication). */
	exchanges: boolean;
	/** The token the request carries; empty for the exchanging request until n8n has obtained one. */
	token: string;
	/** The exchange this ticket holds, while it holds it. */
	exchange?: Deferred;
}

/**
 * One token for every request that uses the same credential in this n8n instance. Requests carry the
 * current token; once none is known (or Flinks answered 401 to it), exactly one request is sent
 * with the token emptied, so that n8n runs the credential's preAuthentication, stores the new token
 * and sends the call with it; the others wait for that request and then use its token.
 */
export class TokenGate {
	private token: string;

	/** When the current token was set here (0: read from n8n's store). */
	private tokenSetAt = 0;

	/** True once the current token is known to be missing or refused. */
	private stale: boolean;

	private exchanging: Deferred | undefined;

	constructor(private readonly shared: ICredentialDataDecryptedObject) {
		this.token = accessTokenOf(shared);
		this.stale = this.token === '';
	}

	/**
	 * Takes the token n8n had stored when an execution read the credential, unless ours is newer:
	 * another n8n instance may have refreshed it meanwhile.
	 */
	adoptStored(stored: ICredentialDataDecryptedObject, readStartedAt: number): void {
		const token = accessTokenOf(stored);
		if (this.exchanging || token === '' || token === this.token) return;
		if (readStartedAt < this.tokenSetAt) return;
		this.setToken(token, 0);
	}

	/** Resolves once the request may be sent; throws the failure of an exchange it waited for. */
	async acquire(signal?: AbortSignal): Promise<TokenTicket> {
		for (;;) {
			if (!this.stale) return { credentials: this.shared, exchanges: false, token: this.token };
			if (!this.exchanging) {
				this.exchanging = deferred();
				const credentials = { ...this.shared, accessToken: '' };
				return { credentials, exchanges: true, token: '', exchange: this.exchanging };
			}
			await untilAborted(this.exchanging.promise, signal);
		}
	}

	/** Whether the ticket may still be sent: it holds the exchange, or its token is still the one in use. */
	isCurrent(ticket: TokenTicket): boolean {
		return ticket.exchanges || (!this.stale && ticket.token === this.token);
	}

	/** Whether the exchanging request's preAuthentication obtained a token. */
	obtained(ticket: TokenTicket): boolean {
		return accessTokenOf(ticket.credentials) !== '';
	}

	/** The exchanging request obtained a token: everybody uses it now. */
	publish(ticket: TokenTicket): void {
		if (!this.holds(ticket)) return;
		this.setToken(accessTokenOf(ticket.credentials), Date.now());
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
		if (token === this.token) this.stale = true;
	}

	private setToken(token: string, at: number): void {
		this.token = token;
		this.shared.accessToken = token;
		this.tokenSetAt = at;
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
