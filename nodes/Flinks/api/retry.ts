/** How a call is retried: from the node's Options, read once per execution. */
export interface RetryPolicy {
	maxRetries: number;
	/** Upper bound on the total time spent waiting between attempts of one call. */
	maxTotalWaitMs: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** How long one request (the token request included) may wait for an answer. */
	timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 3,
	maxTotalWaitMs: 60_000,
	baseDelayMs: 500,
	maxDelayMs: 20_000,
	timeoutMs: 30_000,
};

/**
 * Full-jitter exponential backoff, never shorter than Retry-After; undefined when no attempt is
 * left or the wait would exceed what is left of the total cap.
 */
function nextRetryDelay(
	policy: RetryPolicy,
	attempts: number,
	waitedMs: number,
	retryAfter?: string,
): number | undefined {
	if (attempts > policy.maxRetries) return undefined;
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempts - 1));
	const delay = Math.max(parseRetryAfter(retryAfter) ?? 0, Math.floor(Math.random() * ceiling));
	return delay <= policy.maxTotalWaitMs - waitedMs ? delay : undefined;
}

/** Retry-After in seconds or as an HTTP-date, in milliseconds from now. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The attempts and waiting one call has used, counted against the policy. */
export class RetryBudget {
	/** Every try, a failed token request included: what Max Retries counts. */
	attempts = 0;

	/** Requests that carried the call to Flinks, a 401-and-resend counted once: the item's `attempts`. */
	sent = 0;

	/** Whether an attempt already retried could have taken effect at Flinks. */
	earlierAttemptMayHaveActed = false;

	private waitedMs = 0;

	constructor(private readonly policy: RetryPolicy) {}

	/** Counts the attempt about to be sent. */
	countAttempt(): void {
		this.attempts++;
	}

	/** The last attempt is sent again as part of itself (after a token renewal), not as a retry. */
	uncountAttempt(): void {
		this.attempts--;
	}

	/** How long to wait before the next attempt; undefined when the budget is spent. */
	nextDelay(retryAfter?: string): number | undefined {
		const delayMs = nextRetryDelay(this.policy, this.attempts, this.waitedMs, retryAfter);
		if (delayMs !== undefined) this.waitedMs += delayMs;
		return delayMs;
	}
}
