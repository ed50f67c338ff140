import type { ICredentialDataDecryptedObject, IExecuteFunctions, NodeApiError } from 'n8n-workflow';

import { flinksBaseUrl } from '../../../credentials/flinksPayToken';
import type { Attempt } from './attempt';
import type { ItemContext } from './errors';
import { CREDENTIAL_TYPE } from './credential';
import { classifyFailure } from './failures';
import type { TokenFailure } from './noAnswerErrors';
import {
	CREDENTIAL_CHANGED_FAILURE,
	credentialChangedError,
	notSentError,
	tokenError,
	tokenWaitError,
} from './noAnswerErrors';
import type { RetryBudget } from './retry';
import { Deadline } from './send';
import { credentialKey } from './sharedState';
import type { TokenGate, TokenTicket } from './tokenGate';
import type { SpareTokens } from './ownTokens';
import { exchangeOwnToken } from './ownTokens';
import { FreshReads } from './freshReads';

/** Enough for a token another instance stored that went bad too, then one of our own. */
const MAX_TOKEN_RENEWALS = 3;

/**
 * Where every request gets its token: the one shared by this credential's executions (Cancel,
 * Get), the one exchange everybody waits for after a 401, or, for a call that initiates a
 * session, a token of its own that no other call has used. Also decides what a failed exchange
 * and a refused token mean. The client only sends: n8n exchanges with the request it is handed.
 */
export class TokenSource {
	/** This execution's failed token exchange: its later items fail the same way without asking again. */
	private failure: TokenFailure | undefined;

	/** Reads of the stored credential, shared by the items that ask at the same time. */
	private readonly storedReads = new FreshReads(async () => {
		try {
			return await this.ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPE);
		} catch {
			return undefined;
		}
	});

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly credentialId: string,
		private readonly gate: TokenGate,
		private readonly executionSignal: AbortSignal | undefined,
		private readonly spares: SpareTokens,
	) {}

	/**
	 * The token for one call. A waiter on another request's exchange gives up after `waitTimeoutMs`
	 * (its own deadline); a call that initiates a session gets an exchange of its own.
	 */
	async ticketFor(
		item: ItemContext,
		{
			initiatesSession,
			waitTimeoutMs,
			unused,
		}: { initiatesSession?: boolean; waitTimeoutMs?: number; unused?: TokenTicket },
	): Promise<TokenTicket> {
		if (this.failure) throw tokenError(this.ctx.getNode(), this.failure, item);
		if (initiatesSession && unused) return ownTokenAgain(unused);
		if (initiatesSession) {
			// A spare token, too, is only for the credential as it was when it was issued.
			await this.checkCredentialUnchanged(item);
			const spare = this.spares.take();
			if (spare) return this.gate.exclusiveTicket(spare.token, spare.obtainedAt);
			return this.gate.exclusiveTicket();
		}
		let wait: Deadline | undefined;
		const waitSignal = () => {
			if (waitTimeoutMs === undefined) return this.executionSignal;
			wait ??= new Deadline(waitTimeoutMs, this.executionSignal);
			return wait.signal;
		};
		for (;;) {
			let ticket: TokenTicket;
			try {
				ticket = await this.gate.acquire(waitSignal);
			} catch (failure) {
				if (this.executionSignal?.aborted) throw notSentError(this.ctx.getNode(), item);
				if (wait?.expired) throw tokenWaitError(this.ctx.getNode(), item, wait.timeoutMs);
				this.failure = failure as TokenFailure;
				throw tokenError(this.ctx.getNode(), this.failure, item);
			}
			if (ticket.exchanges && (await this.tookStoredToken(ticket, item))) continue;
			return ticket;
		}
	}

	/**
	 * Before a retried exchange: the token another execution or worker stored meanwhile, if any
	 * (a new ticket), else the same ticket.
	 */
	async beforeRetry(ticket: TokenTicket, item: ItemContext): Promise<TokenTicket> {
		if (ticket.exclusive || !(await this.tookStoredToken(ticket, item))) return ticket;
		return await this.ticketFor(item, {});
	}

	/**
	 * After a request sent with `ticket`: undefined when the call itself went out (with the token
	 * it had, or one n8n just obtained for it); else how long to wait before exchanging again.
	 * Throws when the exchange failed for good, failing every request waiting on it.
	 */
	afterRequest(
		ticket: TokenTicket,
		attempt: Attempt,
		budget: RetryBudget,
		item: ItemContext,
	): number | undefined {
		if (!ticket.exchanges) return undefined;
		if (this.gate.obtained(ticket)) {
			if (!ticket.exclusive) this.gate.publish(ticket);
			return undefined;
		}
		// n8n's token exchange failed, so the call itself was not sent.
		const retryable = attempt.failure && classifyFailure(attempt.failure) === 'tokenUnavailable';
		const delayMs = retryable ? budget.nextDelay() : undefined;
		if (delayMs === undefined)
			throw this.failExchange(ticket, attempt.failure, item, budget.attempts);
		return delayMs;
	}

	/**
	 * Flinks answered 401 to the token `ticket` carried: true when a new token is worth asking
	 * for (the token is then marked refused), false when the credential itself does not work.
	 */
	renewsAfterRefusal(ticket: TokenTicket, renewals: number): boolean {
		if (!renewsToken(ticket, renewals)) return false;
		this.gate.invalidate(ticket.token);
		return true;
	}

	/**
	 * Exchanges `ticket`'s own token (a call that initiates a session): the ticket that carries it,
	 * or the failed exchange's attempt. The caller holds a place in the window: `answered` is
	 * called once Flinks' answer is in, before the credential is read again.
	 */
	async exchangeOwn(
		ticket: TokenTicket,
		deadline: Deadline,
		item: ItemContext,
		answered: (exchange: { token?: string; attempt: Attempt }) => void,
	): Promise<{ ticket?: TokenTicket; attempt: Attempt }> {
		const exchange = await exchangeOwnToken(this.ctx, ticket.credentials, deadline);
		answered(exchange);
		const { token, attempt } = exchange;
		if (token === undefined) return { attempt };
		// Edited while the token was on its way: no create goes to the old settings after the edit.
		await this.checkCredentialUnchanged(item);
		return { ticket: this.gate.exclusiveTicket(token, Date.now()), attempt };
	}

	/** A call's own token that never reached Flinks: the next call that initiates a session takes it. */
	spare(ticket: TokenTicket): void {
		if (ticket.exclusive && !ticket.exchanges) {
			this.spares.giveBack(ticket.token, ticket.obtainedAt ?? Date.now());
		}
	}

	/** Whether the ticket may still be sent: it exchanges, or its token is still the one in use. */
	isCurrent(ticket: TokenTicket): boolean {
		return this.gate.isCurrent(ticket);
	}

	/** The request gave up while holding the exchange (stopped, or an unexpected error): a waiter takes over. */
	release(ticket: TokenTicket): void {
		this.gate.release(ticket);
	}

	/**
	 * Before each token request: reads the credential again, and takes the token another n8n
	 * instance (a queue-mode worker) or execution stored meanwhile, so that instances which all
	 * saw the old token refused do not each exchange one. A failed read just means exchanging;
	 * a credential edited meanwhile fails the item rather than exchange with what it was.
	 */
	private async tookStoredToken(ticket: TokenTicket, item: ItemContext): Promise<boolean> {
		const stored = await this.readStored();
		if (!stored) return false;
		this.refuseIfChanged(stored, ticket, item);
		return this.gate.takeStoredInstead(ticket, stored);
	}

	/**
	 * Whether the stored credential is still the one this execution's token is for: asked again
	 * once a token arrives, as n8n then saves the object it was handed. A failed read says yes.
	 */
	async credentialUnchanged(): Promise<boolean> {
		const stored = await this.readStored();
		return !stored || this.isSameCredential(stored);
	}

	private async checkCredentialUnchanged(item: ItemContext): Promise<void> {
		const stored = await this.readStored();
		if (stored) this.refuseIfChanged(stored, undefined, item);
	}

	private isSameCredential(stored: ICredentialDataDecryptedObject): boolean {
		return (
			credentialKey(this.credentialId, stored, flinksBaseUrl(stored)) === this.gate.credentialKey
		);
	}

	private refuseIfChanged(
		stored: ICredentialDataDecryptedObject,
		ticket: TokenTicket | undefined,
		item: ItemContext,
	): void {
		if (this.isSameCredential(stored)) return;
		if (ticket) this.gate.release(ticket);
		throw credentialChangedError(this.ctx.getNode(), item);
	}

	/** The credential as stored now (a read started after this call); undefined when it cannot be read. */
	private async readStored(): Promise<ICredentialDataDecryptedObject | undefined> {
		return await this.storedReads.get();
	}

	/** Ends the exchange for every request waiting on it; returns this item's error. */
	private failExchange(
		ticket: TokenTicket,
		error: NodeApiError | undefined,
		item: ItemContext,
		attempts: number,
	): NodeApiError {
		const failure: TokenFailure =
			error && classifyFailure(error) === 'credentialChanged'
				? { ...CREDENTIAL_CHANGED_FAILURE, message: error.message }
				: {
						message: error?.message ?? 'Flinks did not issue an access token',
						description: error?.description ?? undefined,
						attempts,
					};
		this.failure = failure;
		this.gate.fail(ticket, failure);
		return tokenError(this.ctx.getNode(), failure, item);
	}
}

/** A rate limit came before Flinks acted, so the call's own token initiated nothing: it is sent again. */
function ownTokenAgain(ticket: TokenTicket): TokenTicket {
	const token = String(ticket.credentials.accessToken ?? '');
	const { credentials, obtainedAt } = ticket;
	return { credentials, exchanges: false, token, fresh: true, exclusive: true, obtainedAt };
}

/**
 * Whether a 401 to an item is worth a new token: the first time, and again only while the refused
 * token came from n8n's store (another instance's, perhaps revoked too). A token just obtained from
 * Flinks and refused again means the credential does not work.
 */
function renewsToken(ticket: TokenTicket, renewals: number): boolean {
	if (ticket.exchanges) return false;
	// A call's own token may have been spent or revoked meanwhile: one new one, like any other.
	if (ticket.exclusive) return renewals === 0;
	if (renewals === 0) return true;
	return !ticket.fresh && renewals < MAX_TOKEN_RENEWALS;
}
