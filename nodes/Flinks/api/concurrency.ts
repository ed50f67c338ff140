import { ManualExecutionCancelledError } from 'n8n-workflow';

import { untilAborted } from './abort';

/**
 * How many requests may be in flight, and who waits for a place. Fixed, or adaptive: grows by about
 * one per window of clean answers and shrinks to 70 % on 429/5xx/network failure, once per round
 * trip; like CUBIC it remembers where congestion began, regrows quickly to just below that point
 * and holds there, probing above it again after a while, less often each time the probe meets the
 * same limit, but never so rarely that one n8n instance cannot take back room another one has left. An adaptive window is shared by every execution that talks to the same Flinks instance
 * with the same credential in this n8n instance (see sharedState.ts).
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

	/** After this long with nothing in flight the window restarts low, as TCP's does after idle. */
	static readonly IDLE_RESTART_MS = 60_000;

	private window: number;

	/**
	 * Congestion signals from requests sent before the last decrease, or within one round trip
	 * after it (while the requests from before still fill the server), belong to the same episode.
	 */
	private lastDecreaseAt = -Infinity;

	/** Smoothed duration of a clean request (RFC 6298's SRTT), in ms. */
	private smoothedRoundTripMs: number | undefined;

	/** The window when congestion last began (CUBIC's W_max); undefined until the first episode. */
	private congestedWindow: number | undefined;

	private holdWindows = ConcurrencyWindow.HOLD_WINDOWS;

	/** Clean answers since the window came back up to just below congestedWindow. */
	private cleanAtPlateau = 0;

	private running = 0;

	/** When the last item in flight finished, while none is. */
	private idleSince: number | undefined;

	/** Waiters in arrival order, those with `urgent` places before the others. */
	private readonly waiting: Array<{ admit: () => void; urgent: boolean }> = [];

	constructor(private readonly fixed?: number) {
		this.window = fixed ?? ConcurrencyWindow.ADAPTIVE_START;
	}

	get limit(): number {
		return Math.max(1, Math.floor(this.window));
	}

	get adaptive(): boolean {
		return this.fixed === undefined;
	}

	/** Requests in flight now. */
	get inFlight(): number {
		return this.running;
	}

	/**
	 * Waits for a place in the window (in arrival order; an `urgent` call, one holding a token
	 * that only it may use, before the others); call release() when the answer is in.
	 */
	async acquire(signal?: AbortSignal, urgent = false): Promise<void> {
		this.restartAfterIdle();
		if (this.running < this.limit && this.waiting.length === 0) {
			this.running++;
			return;
		}
		let admit!: () => void;
		const admitted = new Promise<void>((resolve) => (admit = resolve));
		const waiter = { admit, urgent };
		const firstNotUrgent = urgent ? this.waiting.findIndex((other) => !other.urgent) : -1;
		if (firstNotUrgent === -1) this.waiting.push(waiter);
		else this.waiting.splice(firstNotUrgent, 0, waiter);
		const stillWanted = await untilAborted(admitted, signal).then(
			() => true,
			() => false,
		);
		if (stillWanted) return;
		const index = this.waiting.indexOf(waiter);
		// Admitted in the same tick as the abort: give the place back.
		if (index === -1) this.release();
		else this.waiting.splice(index, 1);
		throw new ManualExecutionCancelledError('');
	}

	release(): void {
		this.running--;
		this.admitWaiting();
		if (this.running === 0) this.idleSince = Date.now();
	}

	/** A request answered without congestion, after `durationMs` on the wire. */
	recordClean(durationMs?: number): void {
		if (!this.adaptive) return;
		if (durationMs !== undefined) {
			const previous = this.smoothedRoundTripMs ?? durationMs;
			this.smoothedRoundTripMs = previous + (durationMs - previous) / 8;
		}
		this.grow();
		this.admitWaiting();
	}

	/** Returns true when this signal began a new congestion episode (the window was halved). */
	recordCongestion(requestStartedAt: number): boolean {
		const episodeEnd = this.lastDecreaseAt + (this.smoothedRoundTripMs ?? 0);
		if (!this.adaptive || requestStartedAt <= episodeEnd) return false;
		const { HOLD_WINDOWS, MAX_HOLD_WINDOWS } = ConcurrencyWindow;
		const previous = this.congestedWindow;
		if (previous !== undefined && this.window >= previous - 1) {
			// The probe met the same limit again: wait longer before the next one.
			this.holdWindows = Math.min(MAX_HOLD_WINDOWS, this.holdWindows * 2);
		} else {
			this.holdWindows = HOLD_WINDOWS;
		}
		this.congestedWindow = this.window;
		this.cleanAtPlateau = 0;
		this.window = Math.max(1, this.window * ConcurrencyWindow.DECREASE_FACTOR);
		this.lastDecreaseAt = Date.now();
		return true;
	}

	private grow(): void {
		const { ADAPTIVE_CEILING, HOLD_WINDOWS } = ConcurrencyWindow;
		if (this.congestedWindow === undefined) {
			this.window = Math.min(ADAPTIVE_CEILING, this.window + 1 / this.window);
			return;
		}
		const plateau = Math.max(1, this.congestedWindow - 1);
		if (this.window < plateau) {
			// Below a limit already met: regrow one per answer (doubling per round trip), up to the plateau.
			this.window = Math.min(plateau, this.window + 1);
			return;
		}
		if (++this.cleanAtPlateau < this.holdWindows * this.window) return;
		// Held long enough: probe above the old limit, one per window again.
		this.window = Math.min(ADAPTIVE_CEILING, this.window + 1 / this.window);
		if (this.window >= this.congestedWindow + 1) {
			// Clean beyond the old limit: it has lifted, so forget it.
			this.congestedWindow = undefined;
			this.holdWindows = HOLD_WINDOWS;
		}
	}

	/**
	 * A window learned long ago may no longer fit (another load, another limit): start again from
	 * the adaptive start, keeping where congestion began so that regrowth up to it stays quick.
	 */
	private restartAfterIdle(): void {
		const { idleSince } = this;
		this.idleSince = undefined;
		if (!this.adaptive || this.running > 0 || idleSince === undefined) return;
		if (Date.now() - idleSince < ConcurrencyWindow.IDLE_RESTART_MS) return;
		this.window = Math.min(this.window, ConcurrencyWindow.ADAPTIVE_START);
		this.cleanAtPlateau = 0;
	}

	private admitWaiting(): void {
		while (this.running < this.limit && this.waiting.length > 0) {
			this.running++;
			(this.waiting.shift() as { admit: () => void }).admit();
		}
	}
}

/**
 * Runs task(0..count-1) in input order with at most `maxInProgress` at once. `shouldStart` is
 * asked before each start: once it says no (the execution stopped, or an earlier item failed for
 * good), no more items start. Resolves when every started task has settled; tasks settle their own items.
 */
export async function runItems(
	count: number,
	maxInProgress: number,
	task: (index: number) => Promise<void>,
	shouldStart: (index: number) => boolean,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < count && shouldStart(next)) await task(next++);
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(maxInProgress, count)) }, worker));
}
