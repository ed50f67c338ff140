import { Places } from './places';

/** What a congestion signal (a 429, a 5xx, a lost answer) says about where Flinks' limit is. */
export interface CongestionSignal {
	/** When the congested request was sent. */
	startedAt: number;
	/** This window's requests in flight when it was sent, itself included. */
	inFlightAtSend?: number;
	/** The wait Flinks asked for (Retry-After), in ms. */
	retryAfterMs?: number;
}

/**
 * How many requests may be in flight, and who waits for a place. Fixed, or adaptive: until the
 * first congestion it doubles per round trip (TCP's slow start), growing only while it is full;
 * on 429/5xx/network failure it shrinks to 70 % of where the congested request met the limit,
 * once per round trip. Like CUBIC it remembers where congestion began, regrows quickly to just
 * below that point and holds there, probing above it again after a while: less often each time
 * the probe meets the same limit, and put off while less work is left than two of Flinks'
 * Retry-After waits (the item that meets the limit sits one out) — though never for longer than
 * twice MAX_HOLD_WINDOWS more windows, so that one n8n instance always takes back room another
 * one has left, also when its executions come one small batch after another. An adaptive window is shared by every execution that talks to
 * the same Flinks instance with the same credential in this n8n instance (see sharedState.ts).
 * Creates' own tokens have places of their own, as many as the window's: a token keeps its place
 * from its exchange until its create is sent, so exchanges overlap the creates without outrunning
 * them and no token waits longer than a round of creates. The exchanges themselves have a window
 * of their own (`exchanges`), as wide as this one until the token endpoint first pushes back: its
 * own signals (TOO_MANY_REQUESTS, 5xx, lost answers) narrow only that one, as Flinks limits token
 * requests apart from API calls; a 429 there (a limit in front of both) narrows this one too.
 */
export class ConcurrencyWindow {
	static readonly ADAPTIVE_START = 4;

	static readonly ADAPTIVE_CEILING = 32;

	/** What is left of the window after a congestion episode. */
	static readonly DECREASE_FACTOR = 0.7;

	/** Windows of clean answers spent just below the last congestion point before probing above it. */
	static readonly HOLD_WINDOWS = 8;

	/**
	 * The hold doubles each time a probe meets the same limit, up to this many windows: short
	 * enough that a window left low by a competing worker reclaims the room once that one is done.
	 */
	static readonly MAX_HOLD_WINDOWS = 32;

	/** A probe that meets the limit costs its item one Retry-After wait: hold at least this many of them. */
	static readonly HOLD_RETRY_AFTERS = 2;

	/** After this long with nothing in flight the window restarts low, as TCP's does after idle. */
	static readonly IDLE_RESTART_MS = 60_000;

	private window: number;

	/** Doubling per round trip until Flinks first signals congestion. */
	private slowStart: boolean;

	/** The most requests in flight at the sending of one answered cleanly during slow start. */
	private cleanInFlightPeak = 0;

	/** The window when slow start ended, while that congestion episode lasts. */
	private windowWhenSlowStartEnded: number | undefined;

	/** Items of the executions sharing this window that have not started yet. */
	private backlog = 0;

	/**
	 * Congestion signals from requests sent before the last decrease, or within one round trip
	 * after it (while the requests from before still fill the server), belong to the same episode.
	 */
	private lastDecreaseAt = -Infinity;

	/** Smoothed duration of a clean request (RFC 6298's SRTT), in ms. */
	private smoothedRoundTripMs: number | undefined;

	/** Where congestion last began (CUBIC's W_max); undefined until the first episode. */
	private congestedWindow: number | undefined;

	private holdWindows = ConcurrencyWindow.HOLD_WINDOWS;

	/** Clean answers since the window came back up to just below congestedWindow. */
	private cleanAtPlateau = 0;

	/** The last Retry-After Flinks sent with a congestion signal, in ms. */
	private retryAfterMs = 0;

	/** Calls on the wire. */
	private readonly calls = new Places(() => this.limit);

	/** Creates' own tokens being exchanged, or obtained and not yet sent with their create. */
	private readonly ownTokens = new Places(() => this.limit);

	/**
	 * Creates' own token requests on the wire (adaptive windows only): a window of their own, never
	 * wider than this one and as wide until the token endpoint pushes back, which then narrows it.
	 */
	readonly exchanges: ConcurrencyWindow | undefined;

	/** When the last item in flight finished, while none is. */
	private idleSince: number | undefined;

	constructor(
		private readonly fixed?: number,
		/**
		 * For `exchanges`, the calls' window: never wider than it, as wide until the token endpoint
		 * first signals congestion, and weighing probes by its backlog.
		 */
		private readonly above?: ConcurrencyWindow,
	) {
		// `exchanges` has no size of its own until the token endpoint first pushes back.
		this.window = fixed ?? (above ? Infinity : ConcurrencyWindow.ADAPTIVE_START);
		this.slowStart = fixed === undefined && above === undefined;
		this.exchanges =
			fixed === undefined && above === undefined
				? new ConcurrencyWindow(undefined, this)
				: undefined;
	}

	get limit(): number {
		return Math.max(1, Math.floor(Math.min(this.window, this.above?.limit ?? Infinity)));
	}

	get adaptive(): boolean {
		return this.fixed === undefined;
	}

	/** Requests in flight now. */
	get inFlight(): number {
		return this.calls.inUse;
	}

	/**
	 * Waits for a place in the window (in arrival order; an `urgent` call, one holding a token
	 * that only it may use, before the others); call release() when the answer is in. Resolves
	 * with the number of requests in flight, this one included.
	 */
	async acquire(signal?: AbortSignal, urgent = false): Promise<number> {
		this.restartAfterIdle();
		return await this.calls.take(signal, urgent);
	}

	release(): void {
		this.calls.giveBack();
		if (this.calls.inUse === 0) this.idleSince = Date.now();
	}

	/**
	 * A place for a create's own token. Adaptive: a token place, kept until the create is sent (or
	 * gives up); its exchange also waits for a place in `exchanges`. Fixed (the Concurrency option):
	 * a place among the calls, for the exchange only, so that no more requests than the number set
	 * are ever open at Flinks.
	 */
	async acquireTokenPlace(signal?: AbortSignal): Promise<number> {
		if (!this.adaptive) return await this.acquire(signal);
		// Token requests go out before their calls: after an idle minute, they too start low.
		this.restartAfterIdle({ takingCallPlace: false });
		return await this.ownTokens.take(signal);
	}

	releaseTokenPlace(): void {
		if (this.adaptive) this.ownTokens.giveBack();
		else this.release();
	}

	/** Whether a create keeps its token place until its call is sent (else only for the exchange). */
	get tokenPlaceKeptUntilSent(): boolean {
		return this.adaptive;
	}

	/** `count` more items (negative: fewer) will ask for places: what probing above the limit weighs. */
	addBacklog(count: number): void {
		this.backlog = Math.max(0, this.backlog + count);
	}

	/**
	 * Calls on the wire or waiting for a place, and creates exchanging a token for one, unless the
	 * token endpoint holds them back (creates wait for a place in `exchanges`): a wider window for
	 * calls would then go untried, to be met later all at once (RFC 7661).
	 */
	private get demand(): number {
		const calls = this.calls.inUse + this.calls.queued;
		if ((this.exchanges?.calls.queued ?? 0) > 0) return calls;
		return calls + this.ownTokens.inUse + this.ownTokens.queued;
	}

	/** A request answered without congestion, after `durationMs` on the wire. */
	recordClean(durationMs?: number, inFlightAtSend?: number): void {
		if (!this.adaptive) return;
		if (this.slowStart && inFlightAtSend !== undefined)
			this.cleanInFlightPeak = Math.max(this.cleanInFlightPeak, inFlightAtSend);
		if (durationMs !== undefined) {
			const previous = this.smoothedRoundTripMs ?? durationMs;
			this.smoothedRoundTripMs = previous + (durationMs - previous) / 8;
		}
		// A window that was not full says nothing about whether a larger one would fit (RFC 7661).
		if (this.demand + 1 >= this.limit) this.grow();
		this.calls.admitWaiting();
		this.ownTokens.admitWaiting();
	}

	/** Returns true when this signal began a new congestion episode (the window was reduced). */
	recordCongestion({ startedAt, inFlightAtSend, retryAfterMs }: CongestionSignal): boolean {
		if (!this.adaptive) return false;
		if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
		if (startedAt <= this.lastDecreaseAt + (this.smoothedRoundTripMs ?? 0)) {
			// Slow start overshot by up to twice the limit: the request that met it with fewest in flight locates it.
			if (this.windowWhenSlowStartEnded !== undefined && this.congestedWindow !== undefined) {
				this.congestedWindow = this.slowStartLimit(
					Math.min(this.congestedWindow, inFlightAtSend ?? Infinity),
				);
				this.window = Math.min(
					this.window,
					this.congestedWindow * ConcurrencyWindow.DECREASE_FACTOR,
				);
			}
			return false;
		}
		this.windowWhenSlowStartEnded = this.slowStart ? this.window : undefined;
		// Where this request met the limit: in slow start, what was in flight when it was sent.
		const metAt = this.slowStart
			? this.slowStartLimit(inFlightAtSend ?? Infinity)
			: this.limitMetAt(inFlightAtSend);
		const { HOLD_WINDOWS, MAX_HOLD_WINDOWS, DECREASE_FACTOR } = ConcurrencyWindow;
		const previous = this.congestedWindow;
		if (previous !== undefined && metAt >= previous - 1) {
			// The probe met the same limit again: wait longer before the next one.
			this.holdWindows = Math.min(MAX_HOLD_WINDOWS, this.holdWindows * 2);
		} else {
			this.holdWindows = HOLD_WINDOWS;
		}
		this.slowStart = false;
		this.congestedWindow = metAt;
		this.cleanAtPlateau = 0;
		this.window = Math.max(1, metAt * DECREASE_FACTOR);
		this.lastDecreaseAt = Date.now();
		return true;
	}

	/**
	 * Where a limit was met after slow start: the window, which is full then. `exchanges` (whose
	 * size may be the calls' window's, or none yet) counts what was on the wire when the refused request
	 * was sent.
	 */
	private limitMetAt(inFlightAtSend: number | undefined): number {
		if (!this.above) return this.window;
		return Math.max(1, Math.min(this.window, this.above.limit, inFlightAtSend ?? Infinity));
	}

	/**
	 * Where slow start met the limit: what was in flight when a congested request was sent, or
	 * one more than a clean answer had when sent if that is more (answers overtake each other);
	 * at least half the window then, as it doubled in the last round trip without congestion.
	 */
	private slowStartLimit(inFlightAtSend: number): number {
		const windowThen = this.windowWhenSlowStartEnded ?? this.window;
		const metAt = Math.max(inFlightAtSend, this.cleanInFlightPeak + 1);
		return Math.max(1, windowThen / 2, Math.min(windowThen, metAt));
	}

	private grow(): void {
		const { ADAPTIVE_CEILING, HOLD_WINDOWS } = ConcurrencyWindow;
		// Held down by the window above: growing further would say nothing about this limit.
		if (this.above && this.window >= this.above.limit) return;
		if (this.congestedWindow === undefined) {
			// Slow start doubles per round trip; once a limit has lifted, one more per window.
			const step = this.slowStart ? 1 : 1 / this.window;
			this.window = Math.min(ADAPTIVE_CEILING, this.window + step);
			return;
		}
		const plateau = Math.max(1, this.congestedWindow - 1);
		if (this.window < plateau) {
			// Below a limit already met: regrow one per answer (doubling per round trip), up to the plateau.
			this.window = Math.min(plateau, this.window + 1);
			return;
		}
		const held = ++this.cleanAtPlateau;
		if (held < this.holdWindows * this.window) return;
		// Put off while too little work is left, but never for good: executions may keep coming.
		const putOffLongEnough =
			held >= (this.holdWindows + 2 * ConcurrencyWindow.MAX_HOLD_WINDOWS) * this.window;
		if (!putOffLongEnough && !this.probeWorthIt()) return;
		// Held long enough: probe above the old limit, one per window again.
		this.window = Math.min(ADAPTIVE_CEILING, this.window + 1 / this.window);
		if (this.window >= this.congestedWindow + 1) {
			// Clean beyond the old limit: it has lifted, so forget it (`exchanges` follows the calls' window again).
			this.congestedWindow = undefined;
			this.holdWindows = HOLD_WINDOWS;
			if (this.above) this.window = Infinity;
		}
	}

	/**
	 * A probe that meets the limit again costs its item one Retry-After wait: worth it only while
	 * the work left (items not started, and calls waiting for a place) takes longer than
	 * HOLD_RETRY_AFTERS such waits at the present pace.
	 */
	private probeWorthIt(): boolean {
		const roundTripMs = this.smoothedRoundTripMs;
		if (this.retryAfterMs === 0 || roundTripMs === undefined) return true;
		// `exchanges` weighs the items its calls' window still has to start.
		const backlog = (this.above ?? this).backlog;
		const workLeftMs = ((backlog + this.calls.queued) * roundTripMs) / this.window;
		return workLeftMs > ConcurrencyWindow.HOLD_RETRY_AFTERS * this.retryAfterMs;
	}

	/**
	 * A window learned long ago may no longer fit (another load, another limit): start again from
	 * the adaptive start, keeping where congestion began so that regrowth up to it stays quick.
	 */
	private restartAfterIdle({ takingCallPlace } = { takingCallPlace: true }): void {
		const { idleSince } = this;
		// A call taking a place ends the idle time; a token place may never lead to a call.
		if (takingCallPlace) this.idleSince = undefined;
		// `exchanges` is never wider than the calls' window, which restarts.
		if (!this.adaptive || this.above || this.calls.inUse > 0 || idleSince === undefined) return;
		if (Date.now() - idleSince < ConcurrencyWindow.IDLE_RESTART_MS) return;
		this.idleSince = undefined;
		this.window = Math.min(this.window, ConcurrencyWindow.ADAPTIVE_START);
		this.slowStart = this.congestedWindow === undefined;
		this.cleanInFlightPeak = 0;
		this.cleanAtPlateau = 0;
	}
}
