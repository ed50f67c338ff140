import type { ConcurrencyWindow } from '../../nodes/Flinks/api/concurrency';

/**
 * One clean answer while the window is full: the places are taken up to its limit, one is given
 * back, and the answer is recorded (as FlinksClient does after each request).
 */
export function answerClean(window: ConcurrencyWindow, durationMs?: number): void {
	while (window.inFlight < window.limit) void window.acquire();
	window.release();
	window.recordClean(durationMs);
}

/** A 429 to a request sent with `inFlightAtSend` in flight. */
export const rejected = (startedAt: number, inFlightAtSend?: number, retryAfterMs?: number) => ({
	startedAt,
	inFlightAtSend,
	retryAfterMs,
});
