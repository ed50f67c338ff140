import { simulateWindows } from './helpers/window-simulation';

/**
 * Flinks admitting 10 requests at once, 25 ms each, 429 at once above that with Retry-After 1 s;
 * each n8n process spends 12–17 ms of its own per request. Virtual time: the same run every time.
 */
const FLINKS = {
	capacity: 10,
	serviceMs: 25,
	clientOverheadMs: 12,
	jitterMs: 5,
	retryAfterMs: 1000,
};
const ITEMS = 5000;

describe.each([1, 2, 3, 4])('%i n8n process(es), each with its own adaptive window', (clients) => {
	const result = () =>
		simulateWindows({ ...FLINKS, clients, itemsPerClient: Math.floor(ITEMS / clients) });

	it('keep Flinks busy: the items are done within 1.8 × the physical limit', () => {
		const { finishedAtMs, physicalLimitMs } = result();
		expect(finishedAtMs / physicalLimitMs).toBeLessThan(1.8);
	});

	it('share the room: no process is left behind at a small window after the others are done', () => {
		const finished = result().clientFinishedAtMs;
		expect(Math.max(...finished) / Math.min(...finished)).toBeLessThan(1.5);
	});

	it('settle around the limit instead of swinging: together they stay between half and twice it', () => {
		const { limits } = result();
		const settled = limits.map((trace) => trace.slice(Math.floor(trace.length / 2)));
		const samples = Math.min(...settled.map((trace) => trace.length));
		for (let sample = 0; sample < samples; sample++) {
			const together = settled.reduce((sum, trace) => sum + trace[sample], 0);
			expect(together).toBeGreaterThanOrEqual(FLINKS.capacity / 2);
			expect(together).toBeLessThanOrEqual(FLINKS.capacity * 2);
		}
	});
});
