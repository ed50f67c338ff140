/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs in plain Node, never inside n8n */
import { ConcurrencyWindow } from '../nodes/Flinks/api/concurrency';
import { answerClean, rejected } from './helpers/window-steps';
import type { FlinksTestBed } from './helpers/flinks-test-bed';
import { createParameters, customers, useTestBed } from './helpers/flinks-test-bed';
import { atNthRequest, AUTHORIZE, CREATES } from './helpers/fault-matrix';
import { FreshReads } from '../nodes/Flinks/api/freshReads';
import { expectEveryPlaceGivenBack, placeLedger } from './helpers/place-ledger';

let bed: FlinksTestBed;

useTestBed((started) => (bed = started));

describe('creates and the Concurrency option', () => {
	it('Concurrency 10 keeps creates (and their token requests) to 10 requests at once at Flinks', async () => {
		bed.server.setLatency(20);
		const run = await bed.engine.run({
			items: customers(60),
			parameters: createParameters({ options: { concurrency: 10 } }),
			onError: 'continueRegularOutput',
		});
		expect(run.items.filter((item) => 'error' in item.json)).toEqual([]);
		// "How many requests to send at once": a user sets Flinks' limit here to avoid 429s.
		expect(bed.server.peakInFlight).toBeLessThanOrEqual(10);
	});
});

describe('ConcurrencyWindow', () => {
	it('takes back room another worker left even when each execution is small (one Retry-After seen once)', () => {
		const now = jest.spyOn(Date, 'now');
		try {
			now.mockReturnValue(1_000);
			const window = new ConcurrencyWindow();
			for (let i = 0; i < 4; i++) answerClean(window, 50);
			expect(window.limit).toBe(8);
			// Another worker shared Flinks' 10 places: this one met the limit at 4, with Retry-After: 1.
			window.recordCongestion(rejected(999, 4, 1_000));
			// The other worker is done. Month-end in queue mode: executions of 50 items, one after another.
			for (let execution = 0; execution < 60; execution++) {
				window.addBacklog(50);
				for (let item = 0; item < 50; item++) {
					window.addBacklog(-1);
					answerClean(window, 50);
				}
			}
			// 3,000 clean answers later the window has never tried above 3.
			expect(window.limit).toBeGreaterThan(3);
		} finally {
			now.mockRestore();
		}
	});

	it('ends slow start below the limit a later signal of the same episode located', () => {
		const now = jest.spyOn(Date, 'now');
		try {
			now.mockReturnValue(1_000);
			const window = new ConcurrencyWindow();
			for (let i = 0; i < 12; i++) answerClean(window, 40);
			expect(window.limit).toBe(16);
			// The first signal to arrive came from a request sent with 16 in flight (a reset, a 5xx,
			// or a token request whose count is token places); then the 429 of the 11th.
			expect(window.recordCongestion(rejected(990, 16))).toBe(true);
			expect(window.recordCongestion(rejected(991, 11))).toBe(false);
			// The limit is now located at 11: 70 % of it is 7, yet the window stays at 11.
			expect(window.limit).toBeLessThan(11);
		} finally {
			now.mockRestore();
		}
	});
});

describe('places given back on every path', () => {
	it.each([
		{ waiting: 'token requests hang', path: AUTHORIZE, ms: 3000, onError: 'continueRegularOutput' },
		{ waiting: 'creates are slow', path: CREATES, ms: 2000, onError: undefined },
	] as const)(
		'Stop in the middle of a bulk create while $waiting',
		async ({ path, ms, onError }) => {
			const ledger = placeLedger();
			try {
				bed.server.setLatency(30);
				bed.server.injectFault({ ...path, kind: 'delay', ms, times: 40 });
				await bed.engine.run({
					items: customers(40),
					parameters: createParameters(),
					onError,
					onStarted: (execution) => atNthRequest(bed.server, path, 6, () => execution.cancel()),
				});
				await new Promise((resolve) => setTimeout(resolve, 100));
				expect(ledger.taken.tokens).toBeGreaterThan(0);
				expectEveryPlaceGivenBack(ledger);
			} finally {
				ledger.restore();
			}
		},
		30_000,
	);

	it('token endpoint faults (503, 429, TOO_MANY_REQUESTS, reset) with continue', async () => {
		const ledger = placeLedger();
		try {
			bed.server.setLatency(10);
			bed.server.injectFault({ ...AUTHORIZE, kind: 'status', status: 503, times: 4 });
			bed.server.injectFault({
				...AUTHORIZE,
				kind: 'status',
				status: 429,
				retryAfter: '0',
				times: 4,
			});
			bed.server.injectFault({ ...AUTHORIZE, kind: 'tooManyRequests401', times: 4 });
			bed.server.injectFault({ ...AUTHORIZE, kind: 'reset', times: 3 });
			bed.server.injectFault({
				...CREATES,
				kind: 'status',
				status: 429,
				retryAfter: '0',
				times: 5,
			});
			bed.server.injectFault({ ...CREATES, kind: 'tooManyRequests401', times: 3 });
			const run = await bed.engine.run({
				items: customers(40),
				parameters: createParameters(),
				onError: 'continueRegularOutput',
			});
			expect(run.items).toHaveLength(40);
			expect(ledger.taken.tokens).toBeGreaterThan(0);
			expectEveryPlaceGivenBack(ledger);
		} finally {
			ledger.restore();
		}
	}, 60_000);

	it('Stop Workflow mode: a create refused with 400 stops the rest', async () => {
		const ledger = placeLedger();
		try {
			bed.server.setLatency(20);
			bed.server.injectFault({ ...CREATES, kind: 'status', status: 400, times: 1 });
			const run = await bed.engine.run({ items: customers(40), parameters: createParameters() });
			expect(run.error).toBeDefined();
			expect(ledger.taken.tokens).toBeGreaterThan(0);
			expectEveryPlaceGivenBack(ledger);
		} finally {
			ledger.restore();
		}
	}, 30_000);
});

describe('FreshReads when the read fails', () => {
	it('hands each caller the failure of its own read, leaves no rejection unhandled, and reads again after', async () => {
		const unhandled: unknown[] = [];
		const onUnhandled = (reason: unknown) => unhandled.push(reason);
		process.on('unhandledRejection', onUnhandled);
		try {
			let reads = 0;
			const fresh = new FreshReads(async () => {
				reads++;
				await new Promise((resolve) => setTimeout(resolve, 5));
				if (reads <= 2) throw new Error(`read ${reads} failed`);
				return reads;
			});
			const first = fresh.get();
			const second = fresh.get();
			const third = fresh.get();
			await expect(first).rejects.toThrow('read 1 failed');
			await expect(second).rejects.toThrow('read 2 failed');
			await expect(third).rejects.toThrow('read 2 failed');
			await expect(fresh.get()).resolves.toBe(3);
			await new Promise((resolve) => setTimeout(resolve, 20));
			expect(unhandled).toEqual([]);
		} finally {
			process.off('unhandledRejection', onUnhandled);
		}
	});
});

describe('nothing twice under create faults at concurrency', () => {
	it('60 creates with spent-token 401s, 429s and TOO_MANY_REQUESTS: sessions = successes, no reference twice', async () => {
		bed.server.setLatency(15);
		bed.server.injectFault({ ...CREATES, kind: 'status', status: 401, times: 6 });
		bed.server.injectFault({
			...CREATES,
			kind: 'status',
			status: 429,
			retryAfter: '0',
			times: 6,
		});
		bed.server.injectFault({ ...CREATES, kind: 'tooManyRequests401', times: 6 });
		const run = await bed.engine.run({
			items: customers(60),
			parameters: createParameters(),
			onError: 'continueRegularOutput',
		});
		const sessions = bed.server.allSessions();
		const references = sessions.map((s) => (s as unknown as { referenceId?: string }).referenceId);
		expect(new Set(references).size).toBe(sessions.length);
		expect(run.items.filter((item) => !('error' in item.json))).toHaveLength(sessions.length);
		expect(run.items.map((item) => item.pairedItem)).toEqual(
			run.items.map((_, item) => ({ item })),
		);
	}, 60_000);
});

describe('a token endpoint stricter than the API', () => {
	it('admitting 3 token requests at once narrows the token requests, not the creates: tokens are exchanged ahead of slow creates', async () => {
		bed.server.setLatency(10);
		bed.server.setMaxTokenRequestsInFlight(3);
		bed.server.injectFault({ ...CREATES, kind: 'delay', ms: 150, times: 80 });
		const run = await bed.engine.run({
			items: customers(80),
			parameters: createParameters(),
			onError: 'continueRegularOutput',
		});
		expect(run.items.filter((item) => 'error' in item.json)).toEqual([]);
		const refused = bed.server.requests.filter(
			(request) => request.path === AUTHORIZE.path && request.status === 401,
		);
		// The token endpoint did turn some away (the window met its limit)…
		expect(refused.length).toBeGreaterThan(0);
		// …yet the creates' window grew past it, as Flinks' API allowed.
		expect(bed.server.peakApiCallsInFlight).toBeGreaterThanOrEqual(8);
		expect(bed.server.allSessions()).toHaveLength(80);
	}, 30_000);
});

describe('which window a failed token request narrows', () => {
	it.each([
		{ answer: '429 (a limit in front of the API too)', fault: 'status', narrowsCalls: true },
		{
			answer: '401 TOO_MANY_REQUESTS (its own limit)',
			fault: 'tooManyRequests401',
			narrowsCalls: false,
		},
	] as const)('a create token request answered $answer', async ({ fault, narrowsCalls }) => {
		const signals = { calls: 0, tokenRequests: 0 };
		const proto = ConcurrencyWindow.prototype;
		const recordCongestion = proto.recordCongestion;
		const spy = jest.spyOn(proto, 'recordCongestion').mockImplementation(function (
			this: ConcurrencyWindow,
			signal,
		) {
			// Only the calls' window has a window of its own for token requests.
			if (this.exchanges) signals.calls++;
			else signals.tokenRequests++;
			return recordCongestion.call(this, signal);
		});
		try {
			bed.server.setLatency(5);
			bed.server.injectFault(
				fault === 'status'
					? { ...AUTHORIZE, kind: 'status', status: 429, retryAfter: '0', times: 2 }
					: { ...AUTHORIZE, kind: 'tooManyRequests401', times: 2 },
			);
			const run = await bed.engine.run({
				items: customers(10),
				parameters: createParameters(),
				onError: 'continueRegularOutput',
			});
			expect(run.items.filter((item) => 'error' in item.json)).toEqual([]);
			expect(signals.tokenRequests).toBe(2);
			expect(signals.calls).toBe(narrowsCalls ? 2 : 0);
		} finally {
			spy.mockRestore();
		}
	});
});

describe('two executions on one window, one stopped', () => {
	it('the other finishes every create and no place stays taken', async () => {
		const ledger = placeLedger();
		try {
			bed.server.setLatency(25);
			const [, other] = await Promise.all([
				bed.engine.run({
					items: customers(40, 0),
					parameters: createParameters(),
					onError: 'continueRegularOutput',
					onStarted: (execution) => atNthRequest(bed.server, CREATES, 12, () => execution.cancel()),
				}),
				bed.engine.run({ items: customers(40, 100), parameters: createParameters() }),
			]);
			expect(other.error).toBeUndefined();
			expect(other.items.filter((item) => 'error' in item.json)).toEqual([]);
			await new Promise((resolve) => setTimeout(resolve, 100));
			expectEveryPlaceGivenBack(ledger);
		} finally {
			ledger.restore();
		}
	}, 60_000);
});
