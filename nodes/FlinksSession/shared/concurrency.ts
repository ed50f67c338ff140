/**
 * How many requests may be in flight: fixed, or adaptive. Adaptive grows by about one per window
 * of clean answers and halves on 429/5xx/network failure, as TCP does; like CUBIC it remembers
 * where congestion began, regrows quickly to just below that point and holds there, probing
 * above it again only after a while, and more rarely each time the probe finds the same limit.
 */
export class ConcurrencyWindow {
	static readonly ADAPTIVE_START = 4;

	static readonly ADAPTIVE_CEILING = 32;

	/** Windows of clean answers spent just below the last congestion point before probing above it. */
	static readonly HOLD_WINDOWS = 16;

	/** The hold doubles each time a probe meets the same limit, up to this many windows. */
	static readonly MAX_HOLD_WINDOWS = 512;

	private window: number;

	/** Congestion signals from requests sent before the last decrease belong to the same episode. */
	private lastDecreaseAt = -Infinity;

	/** The window when congestion last began (CUBIC's W_max); undefined until the first episode. */
	private congestedWindow: number | undefined;

	private holdWindows = ConcurrencyWindow.HOLD_WINDOWS;

	/** Clean answers since the window came back up to just below congestedWindow. */
	private cleanAtPlateau = 0;

	constructor(private readonly fixed?: number) {
		this.window = fixed ?? ConcurrencyWindow.ADAPTIVE_START;
	}

	get limit(): number {
		return Math.max(1, Math.floor(this.window));
	}

	get adaptive(): boolean {
		return this.fixed === undefined;
	}

	recordClean(): void {
		if (!this.adaptive) return;
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
}

/**
 * Runs task(0..count-1) with at most `window.limit` running at once. Each task settles its own
 * item; a task that throws stops new starts, and the failure with the lowest item index is
 * returned once the running ones have finished.
 */
export async function runInWindow(
	count: number,
	window: ConcurrencyWindow,
	task: (index: number) => Promise<void>,
): Promise<{ index: number; error: unknown } | undefined> {
	let next = 0;
	let running = 0;
	let firstFailure: { index: number; error: unknown } | undefined;

	await new Promise<void>((resolve) => {
		const startMore = () => {
			while (firstFailure === undefined && next < count && running < window.limit) {
				const index = next++;
				running++;
				task(index)
					.catch((error: unknown) => {
						if (firstFailure === undefined || index < firstFailure.index) {
							firstFailure = { index, error };
						}
					})
					.finally(() => {
						running--;
						startMore();
					});
			}
			if (running === 0) resolve();
		};
		startMore();
	});
	return firstFailure;
}
