/**
 * How many requests may be in flight: fixed, or adaptive with AIMD as TCP does it —
 * grow by about one per window of clean answers, halve on 429/5xx/network failure.
 */
export class ConcurrencyWindow {
	static readonly ADAPTIVE_START = 4;

	static readonly ADAPTIVE_CEILING = 32;

	private window: number;

	/** Congestion signals from requests sent before the last decrease belong to the same episode. */
	private lastDecreaseAt = -Infinity;

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
		this.window = Math.min(ConcurrencyWindow.ADAPTIVE_CEILING, this.window + 1 / this.window);
	}

	recordCongestion(requestStartedAt: number): void {
		if (!this.adaptive || requestStartedAt <= this.lastDecreaseAt) return;
		this.window = Math.max(1, this.window / 2);
		this.lastDecreaseAt = Date.now();
	}
}

/**
 * Runs task(0..count-1) with at most `window.limit` running at once. Each task settles its own
 * item; a task that throws stops new starts, and the error of the lowest item index is thrown
 * once the running ones have finished.
 */
export async function runInWindow(
	count: number,
	window: ConcurrencyWindow,
	task: (index: number) => Promise<void>,
): Promise<void> {
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
	if (firstFailure) throw firstFailure.error;
}
