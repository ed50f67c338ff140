import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { withTokenRequestSettings } from '../../../credentials/flinksPayToken';
import type { Attempt } from './attempt';
import type { FlinksCall, RequestPolicy } from './call';
import { CREDENTIAL_TYPE } from './credential';
import type { ConcurrencyWindow } from './concurrency';
import type { ItemContext } from './errors';
import { notSentError } from './noAnswerErrors';
import type { TokenPlace } from './places';
import { Deadline, flinksRequest, sendThroughN8n } from './send';
import type { TokenTicket } from './tokenGate';
import type { TokenSource } from './tokenSource';

/**
 * Flinks Session's requests inside the adaptive window: a call takes a place for as long as it is
 * on the wire, a create's own token exchange a token place until its create is sent. Each
 * attempt carries how many were in flight when it was sent, which is where the window locates
 * Flinks' limit. Never throws for a failed request; "not sent" when the item may no longer send.
 */
export class WindowedRequests {
	private readonly headers: IDataObject;

	/** With On Error set to continue, a failed item stops nothing: no answer needs judging first. */
	private readonly continuesOnFail: boolean;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly window: ConcurrencyWindow,
		private readonly tokens: TokenSource,
		private readonly target: {
			baseUrl: string;
			credentialsRef: { id: string; name: string };
			xClientId: string;
		},
		private readonly policy: RequestPolicy,
		private readonly signal: AbortSignal | undefined,
		/** Whether item `itemIndex` may still send requests. */
		private readonly maySend: (itemIndex: number) => boolean,
	) {
		this.continuesOnFail = ctx.continueOnFail();
		this.headers = {
			Accept: 'application/json',
			...(target.xClientId ? { 'x-client-id': target.xClientId } : {}),
		};
	}

	/**
	 * A call that initiates a session exchanges its own token in one of the window's token places
	 * (exchanges count against the window), kept until its call is sent, and on the wire in a place
	 * of the exchanges' own window: exchanges overlap the calls, and no more tokens wait unsent than
	 * the next round of calls will use. The exchanges' window hears how the exchange went.
	 */
	async exchangeOwnToken(
		ticket: TokenTicket,
		item: ItemContext,
		tokenPlace: TokenPlace,
	): Promise<{ ticket?: TokenTicket; attempt: Attempt }> {
		const { exchanges } = this.window;
		let inFlightAtSend: number | undefined;
		try {
			inFlightAtSend = await tokenPlace.take(this.signal);
			if (exchanges) inFlightAtSend = await exchanges.acquire(this.signal);
		} catch {
			throw notSentError(this.ctx.getNode(), item);
		}
		const callsInFlightAtSend = this.window.inFlight;
		// The exchange's place is free once Flinks answered, not after the credential is read again.
		let onTheWire = true;
		const answered = (exchange?: { token?: string; attempt: Attempt }) => {
			if (!onTheWire) return;
			onTheWire = false;
			if (!this.window.tokenPlaceKeptUntilSent) tokenPlace.giveBack();
			exchanges?.release();
			if (exchange?.token !== undefined)
				exchanges?.recordClean(exchange.attempt.durationMs, inFlightAtSend);
		};
		let exchanged: { ticket?: TokenTicket; attempt: Attempt };
		try {
			if (!this.maySend(item.itemIndex)) throw notSentError(this.ctx.getNode(), item);
			const deadline = new Deadline(this.policy.timeoutMs, this.signal);
			exchanged = await this.tokens.exchangeOwn(ticket, deadline, item, answered);
		} finally {
			answered();
		}
		if (!exchanged.ticket) tokenPlace.giveBack();
		const requestsInFlightAtSend = exchanges
			? callsInFlightAtSend + (inFlightAtSend ?? 0)
			: undefined;
		return {
			...exchanged,
			attempt: { ...exchanged.attempt, inFlightAtSend, requestsInFlightAtSend },
		};
	}

	/**
	 * Waits for a place in the window; throws "not sent" when the item may no longer send. A call
	 * that must not take effect twice first lets the answer that freed the place be judged
	 * (`judgeFreedAnswer`): in "Stop Workflow" mode, no create or decision leaves after another one failed.
	 */
	private async takePlace(
		item: ItemContext,
		judgeFreedAnswer: boolean,
		holdsOwnToken: boolean,
	): Promise<number> {
		let inFlight: number;
		try {
			// A call holding its own token goes before the others: few tokens wait unused.
			inFlight = await this.window.acquire(this.signal, holdsOwnToken);
			if (judgeFreedAnswer) await sleep(0);
		} catch {
			throw notSentError(this.ctx.getNode(), item);
		}
		if (this.maySend(item.itemIndex)) return inFlight;
		this.window.release();
		throw notSentError(this.ctx.getNode(), item);
	}

	/**
	 * One HTTP request inside the window, never throwing for a failed request. Only requests on the
	 * wire hold a place; undefined when the ticket's token went bad while waiting for one.
	 */
	async request(
		call: FlinksCall,
		ticket: TokenTicket,
		item: ItemContext,
		tokenPlace: TokenPlace,
	): Promise<Attempt | undefined> {
		const inFlightAtSend = await this.takePlace(
			item,
			call.idempotent === false && !this.continuesOnFail,
			ticket.exclusive === true,
		);
		// The call is on its way: its token no longer waits, so another create may exchange one.
		tokenPlace.giveBack();
		if (!this.tokens.isCurrent(ticket)) {
			this.window.release();
			return undefined;
		}
		const deadline = new Deadline(this.policy.timeoutMs, this.signal);
		const credentials = ticket.exchanges
			? withTokenRequestSettings(ticket.credentials, {
					timeoutMs: this.policy.timeoutMs,
					abortSignal: deadline.signal,
					credentialUnchanged: async () => await this.tokens.credentialUnchanged(),
				})
			: ticket.credentials;
		try {
			const attempt = await sendThroughN8n(this.ctx, deadline, {
				request: flinksRequest(call, this.target.baseUrl, this.headers, this.policy.timeoutMs),
				credentials: { ...this.target.credentialsRef, type: CREDENTIAL_TYPE, data: credentials },
			});
			return { ...attempt, inFlightAtSend };
		} finally {
			this.window.release();
		}
	}
}
