import { ManualExecutionCancelledError } from 'n8n-workflow';

import { untilAborted } from './abort';

/**
 * How many items may be in flight, and who waits for a place. Fixed, or adaptive: grows by about
 * one per window of clean answers and halves on 429/5xx/network failure, as TCP does; like CUBIC
 * it remembers where congestion began, regrows quickly to just below that point and holds there,
 * probing above it again only after a while, and more rarely each time the probe meets the same
 * limit. An adaptive window is shared by every execution that talks to the same Flinks instance
 * with the same credential in this process (see sharedState.ts).
 */
export class ConcurrencyWindow {
	static readonly ADAPTIVE_START = 4;

	static readonly ADAPTIVE_CEILING = 32;

	/** Windows of clean answers spent just below the last congestion point before probing above it. */
	static readonly HOLD_WINDOWS = 16;

	/** The hold doubles each time a probe meets the same limit, up to this many windows. */
	static readonly MAX_HOLD_WINDOWS = 512;

	/** After this long with nothing in flight the window restarts low, as TCP's does after idle. */
	static readonly IDLE_RESTART_MS = 60_000;

	private window: number;

	/** Congestion signals from requests sent before the last decrease belong to the same episode. */
	private lastDecreaseAt = -Infinity;

	/** The window when congestion last began (CUBIC's W_max); undefined until the first episode. */
	private congestedWindow: number | undefined;

	private holdWindows = ConcurrencyWindow.HOLD_WINDOWS;

	/** Clean answers since the window came back up to just below congestedWindow. */
	private cleanAtPlateau = 0;

	private running = 0;

	/** When the last item in flight finished, while none is. */
	private idleSince: number | undefined;

	private readonly waiting: Array<() => void> = [];

	constructor(private readonly fixed?: number) {
		this.window = fixed ?? ConcurrencyWindow.ADAPTIVE_START;
	}

	get limit(): number {
		return Math.max(1, Math.floor(this.window));
	}

	get adaptive(): boolean {
		return this.fixed === undefined;
	}

	/** Items in flight now. */
	get inFlight(): number {
		return this.running;
	}

	/** Waits for a place in the window (in arrival order); call release() when the item is done. */
	async acquire(signal?: AbortSignal): Promise<void> {
		this.restartAfterIdle();
		if (this.running < this.limit && this.waiting.length === 0) {
			this.running++;
			return;
		}
		let admit!: () => void;
		const admitted = new Promise<void>((resolve) => (admit = resolve));
		this.waiting.push(admit);
		const stillWanted = await untilAborted(admitted, signal).then(
			() => true,
			() => false,
		);
		if (stillWanted) return;
		const index = this.waiting.indexOf(admit);
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

	recordClean(): void {
		if (!this.adaptive) return;
		this.grow();
		this.admitWaiting();
	}

	recordCongestion(requestStartedAt: number): void {
		if (!this.adaptive || requestStartedAt <= this.lastDecreaseAt) return;
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
		this.window = Math.max(1, this.window / 2);
		this.lastDecreaseAt = Date.now();
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
			(this.waiting.shift() as () => void)();
		}
	}
}

/**
 * Runs task(0..count-1) in order, each once it has a place in the window. `shouldStart` is asked
 * before each start: once it says no (the execution stopped or an item failed for good), no more
 * items start. Resolves when every started task has settled; tasks settle their own items.
 */
export async function runInWindow(
	count: number,
	window: ConcurrencyWindow,
	task: (index: number) => Promise<void>,
	shouldStart: () => boolean,
	signal?: AbortSignal,
): Promise<void> {
	const running = new Set<Promise<void>>();
	for (let index = 0; index < count && shouldStart(); index++) {
		try {
			await window.acquire(signal);
		} catch {
			break; // The execution was stopped while waiting.
		}
		if (!shouldStart()) {
			window.release();
			break;
		}
		const settled = task(index)
			.catch(() => undefined)
			.finally(() => {
				window.release();
				running.delete(settled);
			});
		running.add(settled);
	}
	await Promise.all([...running]);
}
