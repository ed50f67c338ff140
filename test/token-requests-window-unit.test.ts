/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs in plain Node, never inside n8n */
import { ConcurrencyWindow } from '../nodes/Flinks/api/concurrency';
import { answerClean, rejected } from './helpers/window-steps';

/** The token requests' window and the calls' window beside it (from the second review of issue 25's token window). */
describe("ConcurrencyWindow: the token requests' window", () => {
	let now: jest.SpyInstance<number, []>;
	beforeEach(() => {
		now = jest.spyOn(Date, 'now');
		now.mockReturnValue(1_000_000);
	});
	afterEach(() => now.mockRestore());

	const grownTo10 = () => {
		const window = new ConcurrencyWindow();
		for (let i = 0; i < 6; i++) answerClean(window, 50);
		expect(window.limit).toBe(10);
		while (window.inFlight > 0) window.release();
		return window;
	};

	it('a token place taken and given back without a call (its exchange failed) does not cancel the idle restart', async () => {
		const window = grownTo10();
		// A second later one create takes a token place; its exchange fails, so no call is ever sent.
		now.mockReturnValue(1_001_000);
		await window.acquireTokenPlace();
		window.releaseTokenPlace();
		// Hours later a burst: the window has been idle since 1_000_000 and should restart low.
		now.mockReturnValue(1_000_000 + 120 * ConcurrencyWindow.IDLE_RESTART_MS);
		await window.acquireTokenPlace();
		expect(window.limit).toBe(ConcurrencyWindow.ADAPTIVE_START);
	});

	it('restarts low through a token place after an idle minute, not while a call is in flight', async () => {
		const window = grownTo10();
		await window.acquire();
		now.mockReturnValue(1_000_000 + 2 * ConcurrencyWindow.IDLE_RESTART_MS);
		await window.acquireTokenPlace();
		expect(window.limit).toBe(10);
		window.release();
		now.mockReturnValue(1_000_000 + 4 * ConcurrencyWindow.IDLE_RESTART_MS);
		await window.acquireTokenPlace();
		expect(window.limit).toBe(ConcurrencyWindow.ADAPTIVE_START);
		expect(window.exchanges?.limit).toBe(ConcurrencyWindow.ADAPTIVE_START);
	});

	it('exchanges: a refusal with no count on the wire narrows to 70 % of the calls window, finite', () => {
		const window = grownTo10();
		const exchanges = window.exchanges as ConcurrencyWindow;
		expect(exchanges.recordCongestion(rejected(999_999))).toBe(true);
		expect(exchanges.limit).toBe(7);
		// Clean token answers: regrows to just below where it met the limit, never NaN/Infinity.
		for (let i = 0; i < 10; i++) answerClean(exchanges, 50);
		expect(exchanges.limit).toBe(9);
		expect(Number.isFinite(exchanges.limit)).toBe(true);
	});

	it('exchanges: once the limit lifts, follows the calls window again (back to none of its own)', () => {
		const window = grownTo10();
		const exchanges = window.exchanges as ConcurrencyWindow;
		exchanges.recordCongestion(rejected(999_999, 6));
		expect(exchanges.limit).toBe(4);
		for (let i = 0; i < 40; i++) answerClean(window, 50);
		expect(window.limit).toBe(ConcurrencyWindow.ADAPTIVE_CEILING);
		let answers = 0;
		while (exchanges.limit < 8 && answers < 10_000) {
			answerClean(exchanges, 50);
			answers++;
		}
		expect(exchanges.limit).toBe(ConcurrencyWindow.ADAPTIVE_CEILING);
	});

	it('exchanges: a calls window shrinking below a congested exchanges window holds it, and it never exceeds the calls window', () => {
		const window = grownTo10();
		const exchanges = window.exchanges as ConcurrencyWindow;
		exchanges.recordCongestion(rejected(999_999, 10));
		for (let i = 0; i < 10; i++) answerClean(exchanges, 50);
		expect(exchanges.limit).toBe(9);
		window.recordCongestion(rejected(999_999, 10));
		expect(window.limit).toBe(7);
		expect(exchanges.limit).toBe(7);
		for (let i = 0; i < 200; i++) answerClean(exchanges, 50);
		expect(exchanges.limit).toBe(7);
	});

	it('exchanges probe above a token endpoint limit as soon as the calls window would, with thousands of items still to go', () => {
		// The same congestion (Retry-After 1 s, 50 ms round trips) on the calls' window and on
		// `exchanges`, with 10 000 items not started: count clean answers until each probes.
		const answersToProbe = (probed: ConcurrencyWindow, retryAfterMs?: number) => {
			probed.recordCongestion(rejected(999_999, 10, retryAfterMs));
			expect(probed.limit).toBe(7);
			const plateau = 9;
			let answers = 0;
			while (probed.limit <= plateau && answers < 20_000) {
				answerClean(probed, 50);
				answers++;
			}
			return answers;
		};
		const withExchanges = (retryAfterMs?: number) => {
			const window = grownTo10();
			window.addBacklog(10_000);
			for (let i = 0; i < 40; i++) answerClean(window, 50);
			return answersToProbe(window.exchanges as ConcurrencyWindow, retryAfterMs);
		};
		const callsOnly = grownTo10();
		callsOnly.addBacklog(10_000);
		const calls = answersToProbe(callsOnly, 1_000);
		// Without a Retry-After (probing always worth it) both windows probe alike...
		expect(withExchanges()).toBe(calls);
		// ...with one, `exchanges` weighs a backlog of 0 (addBacklog reaches the calls' window only)
		// and sits out the longest put-off, (HOLD + 2 * MAX_HOLD) windows.
		expect(withExchanges(1_000)).toBe(calls);
	});
	it("does not grow the calls' window on creates queued behind a narrowed token requests' window while calls stay few", async () => {
		const window = new ConcurrencyWindow();
		const exchanges = window.exchanges as ConcurrencyWindow;
		// The token endpoint admits 2 token requests: its window narrows below 3.
		exchanges.recordCongestion(rejected(999_999, 3));
		expect(exchanges.limit).toBe(2);
		const settle = async () => await new Promise((resolve) => setImmediate(resolve));
		// 100 creates: each takes a token place, then a place for its token request (as
		// WindowedRequests.exchangeOwnToken does); most wait for one.
		for (let i = 0; i < 100; i++) {
			void window.acquireTokenPlace().then(async () => await exchanges.acquire());
		}
		await settle();
		let callsPeak = 0;
		for (let round = 0; round < 40; round++) {
			// A token request is answered; its create is sent (its token place freed) and answered cleanly.
			exchanges.release();
			window.releaseTokenPlace();
			callsPeak = Math.max(callsPeak, await window.acquire(undefined, true));
			window.release();
			window.recordClean(50, 1);
			await settle();
		}
		expect(callsPeak).toBe(1);
		// Never more than one call was on the wire: a window of 32 for calls was never tried.
		expect(window.limit).toBeLessThanOrEqual(2 * ConcurrencyWindow.ADAPTIVE_START);
	});
});
