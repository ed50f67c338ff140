import type { SimulationResult } from './helpers/window-simulation';
import { simulateWindows } from './helpers/window-simulation';

/**
 * Flinks admitting 10 requests at once, 25 ms each, 429 at once above that with Retry-After 1 s;
 * each n8n process spends 12–17 ms of its own per request. Virtual time; each process's jitter
 * comes from a seeded generator, and every property is checked over twelve seeds (twelve
 * different interleavings), since one interleaving says little about a control law.
 */
const FLINKS = {
	capacity: 10,
	serviceMs: 25,
	clientOverheadMs: 12,
	jitterMs: 5,
	retryAfterMs: 1000,
};
const ITEMS = 5000;
const SEEDS = Array.from({ length: 12 }, (_, n) => (n + 1) * 7919);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

describe.each([1, 2, 3, 4])('%i n8n process(es), each with its own adaptive window', (clients) => {
	let runs: SimulationResult[];

	beforeAll(() => {
		runs = SEEDS.map((seed) =>
			simulateWindows({ ...FLINKS, clients, itemsPerClient: Math.floor(ITEMS / clients), seed }),
		);
	});

	it('keep Flinks busy: the items are done within 1.8 × the physical limit', () => {
		for (const { finishedAtMs, physicalLimitMs } of runs) {
			expect(finishedAtMs / physicalLimitMs).toBeLessThan(1.8);
		}
	});

	it('share the room: no process is left behind at a small window after the others are done', () => {
		const spreads = runs.map(
			({ clientFinishedAtMs }) => Math.max(...clientFinishedAtMs) / Math.min(...clientFinishedAtMs),
		);
		expect(median(spreads)).toBeLessThan(1.5);
		for (const spread of spreads) expect(spread).toBeLessThan(2);
	});

	it('settle around the limit instead of swinging: together they stay between half and twice it', () => {
		for (const { limits } of runs) {
			const settled = limits.map((trace) => trace.slice(Math.floor(trace.length / 2)));
			const samples = Math.min(...settled.map((trace) => trace.length));
			let outside = 0;
			for (let sample = 0; sample < samples; sample++) {
				const together = settled.reduce((sum, trace) => sum + trace[sample], 0);
				if (together < FLINKS.capacity / 2 || together > FLINKS.capacity * 2) outside++;
			}
			// At most one sample in twenty (a sample is 100 ms) outside the band.
			expect(outside).toBeLessThanOrEqual(samples / 20);
		}
	});
});

describe('one n8n process with a month-end batch', () => {
	it('finds the limit early and does not probe it again near the end: 200 items at 50 ms near the physical limit', () => {
		const runs = SEEDS.map((seed) =>
			simulateWindows({
				capacity: 10,
				serviceMs: 50,
				clientOverheadMs: 2,
				jitterMs: 1,
				retryAfterMs: 1000,
				clients: 1,
				itemsPerClient: 200,
				seed,
			}),
		);
		const ratios = runs.map(({ finishedAtMs, physicalLimitMs }) => finishedAtMs / physicalLimitMs);
		expect(median(ratios)).toBeLessThan(1.25);
		for (const ratio of ratios) expect(ratio).toBeLessThan(1.4);
		// Slow start overshoots once, by less than the limit; no later probe costs a Retry-After.
		for (const { rejected } of runs) expect(rejected).toBeLessThan(20);
	});
});
