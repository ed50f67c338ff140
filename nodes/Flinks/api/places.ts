import { ManualExecutionCancelledError } from 'n8n-workflow';

import { untilAborted } from './abort';

/**
 * Places handed out up to a limit that may change, in arrival order, those asked for as `urgent`
 * before the others. Whoever takes a place gives it back once.
 */
export class Places {
	private held = 0;

	private readonly waiting: Array<{ admit: (inUse: number) => void; urgent: boolean }> = [];

	constructor(private readonly limit: () => number) {}

	/** Places taken now. */
	get inUse(): number {
		return this.held;
	}

	/** Takers waiting for a place. */
	get queued(): number {
		return this.waiting.length;
	}

	/** Resolves with the number of places in use, this one included, once one is this taker's. */
	async take(signal?: AbortSignal, urgent = false): Promise<number> {
		if (this.held < this.limit() && this.waiting.length === 0) return ++this.held;
		let admit!: (inUse: number) => void;
		const admitted = new Promise<number>((resolve) => (admit = resolve));
		const waiter = { admit, urgent };
		const firstNotUrgent = urgent ? this.waiting.findIndex((other) => !other.urgent) : -1;
		if (firstNotUrgent === -1) this.waiting.push(waiter);
		else this.waiting.splice(firstNotUrgent, 0, waiter);
		const inUse = await untilAborted(admitted, signal).catch(() => undefined);
		if (inUse !== undefined) return inUse;
		const index = this.waiting.indexOf(waiter);
		// Admitted in the same tick as the abort: give the place back.
		if (index === -1) this.giveBack();
		else this.waiting.splice(index, 1);
		throw new ManualExecutionCancelledError('');
	}

	giveBack(): void {
		this.held--;
		this.admitWaiting();
	}

	/** Lets waiters in while there is room (after a place was given back or the limit grew). */
	admitWaiting(): void {
		while (this.held < this.limit() && this.waiting.length > 0) {
			(this.waiting.shift() as { admit: (inUse: number) => void }).admit(++this.held);
		}
	}
}

/** One create's token place: taken before its exchange, given back once (when its call is sent). */
export class TokenPlace {
	private held = false;

	constructor(
		private readonly window: {
			acquireTokenPlace(signal?: AbortSignal): Promise<number>;
			releaseTokenPlace(): void;
		},
	) {}

	/** Resolves with the token places in use, this one included (what the exchange meets at Flinks). */
	async take(signal?: AbortSignal): Promise<number | undefined> {
		if (this.held) return undefined;
		const inUse = await this.window.acquireTokenPlace(signal);
		this.held = true;
		return inUse;
	}

	giveBack(): void {
		if (!this.held) return;
		this.held = false;
		this.window.releaseTokenPlace();
	}
}
