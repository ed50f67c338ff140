/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs in plain Node, never inside n8n */
// Creates' token requests in their own window (issue 25): how wide it gets, where it narrows, and
// every place given back on every path. Written by the hostile review of 505c6b4; the tests on
// the window's width and on tokens in hand failed on that commit.
import { ConcurrencyWindow } from '../nodes/Flinks/api/concurrency';
import { answerClean, rejected } from './helpers/window-steps';
import type { FlinksTestBed } from './helpers/flinks-test-bed';
import { createParameters, customers, useTestBed } from './helpers/flinks-test-bed';
import type { RecordedRequest } from './helpers/fake-flinks-server';
import { atNthRequest, AUTHORIZE, CREATES } from './helpers/fault-matrix';
import { expectEveryPlaceGivenBack, placeLedger } from './helpers/place-ledger';

let bed: FlinksTestBed;

useTestBed((started) => (bed = started));

/** Most requests matching `path` open at one time at the fake server. */
function peakOpen(requests: RecordedRequest[], path: string): number {
	const edges: Array<[number, number]> = [];
	for (const request of requests.filter((r) => r.path === path)) {
		edges.push([request.at, 1], [request.answeredAt ?? Infinity, -1]);
	}
	edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let open = 0;
	let peak = 0;
	for (const [, step] of edges) peak = Math.max(peak, (open += step));
	return peak;
}

describe("creates' token requests in a window of their own", () => {
	// The calls' window grows while creates wait for their tokens, and the token requests' window
	// follows it: a slow but wide token endpoint is not held to a handful of token requests.
	it('a slow token endpoint that admits everything gets 16 or more token requests at once', async () => {
		bed.server.setLatency(5);
		bed.server.injectFault({ ...AUTHORIZE, kind: 'delay', ms: 300, times: 200 });
		const run = await bed.engine.run({
			items: customers(64),
			parameters: createParameters(),
			onError: 'continueRegularOutput',
		});
		expect(run.items.filter((item) => 'error' in item.json)).toEqual([]);
		expect(bed.server.allSessions()).toHaveLength(64);
		const peak = peakOpen(bed.server.requests, AUTHORIZE.path as string);
		expect(peak).toBeGreaterThanOrEqual(16);
	}, 60_000);

	// Following a wide calls' window says nothing about the token endpoint's limit: its first
	// refusal is located where the token requests on the wire met it.
	it("narrows below where the token endpoint first refused, however wide the calls' window", () => {
		const now = jest.spyOn(Date, 'now');
		try {
			now.mockReturnValue(1_000);
			const window = new ConcurrencyWindow();
			for (let i = 0; i < 28; i++) answerClean(window, 50);
			expect(window.limit).toBe(32);
			const lane = window.exchanges as ConcurrencyWindow;
			expect(lane.limit).toBe(32);
			// The token endpoint refused a request sent with 4 token requests open.
			expect(lane.recordCongestion(rejected(999, 4))).toBe(true);
			expect(lane.limit).toBeLessThan(4);
		} finally {
			now.mockRestore();
		}
	});

	// Creates take their token places before any call takes a place: after an idle minute the
	// window restarts there too, and the token endpoint does not meet a burst as wide as before.
	it('starts token requests again from the adaptive start after an idle minute', async () => {
		const now = jest.spyOn(Date, 'now');
		try {
			now.mockReturnValue(1_000);
			const window = new ConcurrencyWindow();
			for (let i = 0; i < 28; i++) answerClean(window, 50);
			while (window.inFlight > 0) window.release();
			expect(window.limit).toBe(32);
			const lane = window.exchanges as ConcurrencyWindow;
			now.mockReturnValue(1_000 + ConcurrencyWindow.IDLE_RESTART_MS + 1);
			// 20 creates start: each takes a token place, then a place in the lane (as exchangeOwnToken does).
			const controller = new AbortController();
			const taken: Array<Promise<unknown>> = [];
			for (let i = 0; i < 20; i++) {
				taken.push(
					window
						.acquireTokenPlace(controller.signal)
						.then(async () => await lane.acquire(controller.signal))
						.catch(() => undefined),
				);
			}
			await new Promise((resolve) => setImmediate(resolve));
			const onTheWire = lane.inFlight;
			controller.abort();
			await Promise.all(taken);
			expect(onTheWire).toBeLessThanOrEqual(ConcurrencyWindow.ADAPTIVE_START);
		} finally {
			now.mockRestore();
		}
	});
});

describe('token request places given back on every path, per window', () => {
	const settle = async () => await new Promise((resolve) => setTimeout(resolve, 150));

	it.each([
		{
			name: 'Stop while most creates wait for a lane place (token requests hang)',
			fault: { ...AUTHORIZE, kind: 'hang' as const, times: 200 },
			onError: undefined,
			nth: 4,
		},
		{
			name: 'Stop while token requests trickle, continue',
			fault: { ...AUTHORIZE, kind: 'trickle' as const, everyMs: 100, padding: 30, times: 200 },
			onError: 'continueRegularOutput' as const,
			nth: 6,
		},
		{
			name: 'Stop while token requests reset, stop mode',
			fault: { ...AUTHORIZE, kind: 'reset' as const, times: 200 },
			onError: undefined,
			nth: 10,
		},
	])(
		'$name',
		async ({ fault, onError, nth }) => {
			const ledger = placeLedger();
			try {
				bed.server.setLatency(10);
				bed.server.injectFault(fault);
				await bed.engine.run({
					items: customers(30),
					parameters: createParameters(),
					onError,
					onStarted: (execution) =>
						atNthRequest(bed.server, AUTHORIZE, nth, () => execution.cancel()),
				});
				await settle();
				expect(ledger.held().length).toBeGreaterThanOrEqual(2);
				expectEveryPlaceGivenBack(ledger);
			} finally {
				ledger.restore();
			}
		},
		40_000,
	);

	it.each([
		{ concurrency: undefined, onError: 'continueRegularOutput' as const },
		{ concurrency: undefined, onError: undefined },
		{ concurrency: 3, onError: 'continueRegularOutput' as const },
		{ concurrency: 3, onError: undefined },
	])(
		'token requests time out, 503 and 429 (Concurrency $concurrency, onError $onError)',
		async ({ concurrency, onError }) => {
			const ledger = placeLedger();
			try {
				bed.server.setLatency(5);
				bed.server.injectFault({ ...AUTHORIZE, kind: 'delay', ms: 3000, times: 2 });
				bed.server.injectFault({ ...AUTHORIZE, kind: 'status', status: 503, times: 3 });
				bed.server.injectFault({
					...AUTHORIZE,
					kind: 'status',
					status: 429,
					retryAfter: '0',
					times: 3,
				});
				const run = await bed.engine.run({
					items: customers(20),
					parameters: createParameters({
						options: { timeout: 1000, ...(concurrency ? { concurrency } : {}) },
					}),
					onError,
				});
				await settle();
				expectEveryPlaceGivenBack(ledger);
				const sessions = bed.server.allSessions();
				if (onError) {
					expect(run.items).toHaveLength(20);
					expect(run.items.map((i) => i.pairedItem)).toEqual(
						run.items.map((_, item) => ({ item })),
					);
					expect(run.items.filter((i) => !('error' in i.json))).toHaveLength(sessions.length);
				}
				const refs = sessions.map((s) => (s as unknown as { referenceId?: string }).referenceId);
				expect(new Set(refs).size).toBe(sessions.length);
			} finally {
				ledger.restore();
			}
		},
		60_000,
	);
});

describe('token request places: credential edits, Stop Workflow mode', () => {
	const settle = async () => await new Promise((resolve) => setTimeout(resolve, 150));

	it('a credential edited while token requests are on the wire: places given back, one outcome each', async () => {
		const ledger = placeLedger();
		try {
			bed.server.setLatency(30);
			const edited = { ...bed.engine.storedCredentials(), clientSecret: bed.server.clientSecret };
			atNthRequest(bed.server, AUTHORIZE, 6, () =>
				bed.engine.setStoredCredentials({ ...edited, xClientId: 'edited' }),
			);
			const run = await bed.engine.run({
				items: customers(30),
				parameters: createParameters(),
				onError: 'continueRegularOutput',
			});
			await settle();
			expectEveryPlaceGivenBack(ledger);
			expect(run.items).toHaveLength(30);
			expect(run.items.map((i) => i.pairedItem)).toEqual(run.items.map((_, item) => ({ item })));
			const changed = run.items.filter((i) => /credential was changed/.test(String(i.json.error)));
			expect(changed.length).toBeGreaterThan(0);
			expect(run.items.filter((i) => !('error' in i.json))).toHaveLength(
				bed.server.allSessions().length,
			);
		} finally {
			ledger.restore();
		}
	}, 40_000);

	it('Stop Workflow mode, a create refused while tokens wait in the lane: places given back per window', async () => {
		const ledger = placeLedger();
		try {
			bed.server.setLatency(10);
			bed.server.setMaxTokenRequestsInFlight(2);
			bed.server.injectFault({ ...AUTHORIZE, kind: 'delay', ms: 100, times: 50 });
			bed.server.injectFault({ ...CREATES, kind: 'status', status: 400, times: 1 });
			const run = await bed.engine.run({ items: customers(40), parameters: createParameters() });
			expect(run.error).toBeDefined();
			await settle();
			expectEveryPlaceGivenBack(ledger);
			expect(bed.server.count(CREATES)).toBe(1 + bed.server.allSessions().length - 0);
		} finally {
			ledger.restore();
		}
	}, 40_000);
});

describe('tokens in hand when the calls narrow', () => {
	// Scaled down: tokens live 1 s here (299-599 s at Flinks), creates take 400 ms, and Flinks'
	// API admits 2 creates at once. A token waiting for its create longer than it lives is thrown
	// away (the create meets 401 and exchanges again): count those against the creates.
	it('tokens exchanged ahead do not expire while their creates wait behind a narrowed window', async () => {
		bed.server.setTokenLifetime(1);
		bed.server.setLatency(5);
		bed.server.setMaxInFlight(2, '0', 'api');
		bed.server.injectFault({ ...CREATES, kind: 'delay', ms: 400, times: 200 });
		const run = await bed.engine.run({
			items: customers(24),
			parameters: createParameters(),
			onError: 'continueRegularOutput',
		});
		// Twice the window's token places (a round of tokens ahead) failed 20 of 24 here.
		expect(run.items.filter((item) => 'error' in item.json)).toEqual([]);
		expect(bed.server.allSessions()).toHaveLength(24);
	}, 60_000);
});
