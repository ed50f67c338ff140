import { ConcurrencyWindow } from '../../nodes/Flinks/api/concurrency';

/**
 * A discrete-event simulation, in virtual time, of n8n processes (clients) that each run one
 * adaptive ConcurrencyWindow against one Flinks that admits `capacity` requests at once and
 * answers 429 at once above that. It drives the window's control law (limit, recordClean,
 * recordCongestion) exactly as FlinksClient does; the clock the window reads is the virtual one.
 */
export interface SimulationSetup {
	clients: number;
	itemsPerClient: number;
	capacity: number;
	/** Time Flinks holds an admitted request. */
	serviceMs: number;
	/** A client's own time per request on top (n8n's request path, the network). */
	clientOverheadMs: number;
	/** How long a 429'd item waits before it is sent again (Flinks' Retry-After). */
	retryAfterMs: number;
	/** Up to this much more client overhead per request, spread evenly (seeded, repeatable). */
	jitterMs?: number;
	/** Seed of the jitter: another seed, another interleaving of the same setup. */
	seed?: number;
}

export interface SimulationResult {
	/** When the last item of all clients was done. */
	finishedAtMs: number;
	/** When each client's last item was done. */
	clientFinishedAtMs: number[];
	/** capacity × serviceMs physics: items × serviceMs ÷ capacity. */
	physicalLimitMs: number;
	rejected: number;
	/** Each client's limit, sampled every 100 ms while it had items left. */
	limits: number[][];
}

interface Event {
	at: number;
	run: () => void;
}

export function simulateWindows(setup: SimulationSetup): SimulationResult {
	if (!Number.isInteger(setup.itemsPerClient))
		throw new Error('itemsPerClient must be a whole number');
	let now = 0;
	const events: Event[] = [];
	const schedule = (at: number, run: () => void) => {
		// Kept sorted by time; ties run in the order they were scheduled.
		let index = events.length;
		while (index > 0 && events[index - 1].at > at) index--;
		events.splice(index, 0, { at, run });
	};
	const clock = jestClock(() => now);
	let seed = setup.seed ?? 42;
	// A small linear congruential generator: the same run every time.
	const jitter = () => {
		seed = (seed * 1103515245 + 12345) % 2147483648;
		return ((setup.jitterMs ?? 0) * seed) / 2147483648;
	};
	let admitted = 0;
	let rejected = 0;
	let finishedAtMs = 0;
	const clientFinishedAtMs: number[] = [];
	const limits: number[][] = [];

	try {
		for (let client = 0; client < setup.clients; client++) {
			const window = new ConcurrencyWindow();
			const trace: number[] = [];
			limits.push(trace);
			let waiting = setup.itemsPerClient;
			window.addBacklog(waiting);
			let done = 0;
			const startMore = () => {
				while (waiting > 0 && window.inFlight < window.limit) {
					waiting--;
					window.addBacklog(-1);
					// A free place is taken at once, before acquire's promise settles.
					void window.acquire();
					send(now, window.inFlight);
				}
			};
			const send = (startedAt: number, inFlightAtSend: number) => {
				// The request reaches Flinks after half the client's overhead, the answer returns after the rest.
				schedule(startedAt + setup.clientOverheadMs / 2 + jitter(), () => {
					if (admitted >= setup.capacity) {
						rejected++;
						schedule(now + setup.clientOverheadMs / 2, () => {
							window.release();
							window.recordCongestion({
								startedAt,
								inFlightAtSend,
								retryAfterMs: setup.retryAfterMs,
							});
							schedule(now + setup.retryAfterMs, () => {
								waiting++;
								window.addBacklog(1);
								startMore();
							});
							startMore();
						});
						return;
					}
					admitted++;
					schedule(now + setup.serviceMs, () => {
						admitted--;
						schedule(now + setup.clientOverheadMs / 2, () => {
							window.release();
							done++;
							window.recordClean(now - startedAt, inFlightAtSend);
							if (done === setup.itemsPerClient) {
								clientFinishedAtMs[client] = now;
								finishedAtMs = Math.max(finishedAtMs, now);
							}
							startMore();
						});
					});
				});
			};
			const sample = () => {
				if (done === setup.itemsPerClient) return;
				trace.push(window.limit);
				schedule(now + 100, sample);
			};
			schedule(0, () => {
				startMore();
				sample();
			});
		}
		while (events.length > 0) {
			const event = events.shift() as Event;
			now = event.at;
			event.run();
		}
	} finally {
		clock.restore();
	}
	return {
		finishedAtMs,
		clientFinishedAtMs,
		physicalLimitMs: (setup.clients * setup.itemsPerClient * setup.serviceMs) / setup.capacity,
		rejected,
		limits,
	};
}

/** Makes Date.now() read the simulation's clock until restored. */
function jestClock(read: () => number) {
	const spy = jest.spyOn(Date, 'now').mockImplementation(read);
	return { restore: () => spy.mockRestore() };
}
