/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs in plain Node, never inside n8n */
import { runItems } from '../nodes/Flinks/api/runItems';

/** A request leaving: the socket work Node does in a later turn of the event loop. */
const sendLater = async () => await new Promise<void>((resolve) => setImmediate(resolve));

const wait = async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, ms));

function backlogCounter() {
	let count = 0;
	return {
		addBacklog: (change: number) => (count += change),
		get count() {
			return count;
		},
	};
}

describe('runItems', () => {
	it("lets the first item's request leave before the later items in progress read their parameters", async () => {
		const events: string[] = [];
		await runItems(
			6,
			6,
			async (index) => {
				events.push(`read ${index}`);
				await sendLater();
				events.push(`sent ${index}`);
			},
			() => true,
		);
		// All six at once would read every item's parameters before the first request left.
		expect(events.indexOf('sent 0')).toBeLessThan(events.indexOf('read 5'));
		expect(events.filter((event) => event.startsWith('sent'))).toHaveLength(6);
	});

	it('runs every item once, in input order, never more than maxInProgress at once', async () => {
		let inProgress = 0;
		let most = 0;
		const started: number[] = [];
		const backlog = backlogCounter();
		await runItems(
			25,
			4,
			async (index) => {
				started.push(index);
				most = Math.max(most, ++inProgress);
				await wait(1 + (index % 3));
				inProgress--;
			},
			() => true,
			backlog,
		);
		expect(started).toEqual(Array.from({ length: 25 }, (_, index) => index));
		expect(most).toBe(4);
		expect(backlog.count).toBe(0);
	});

	it('starts nothing after shouldStart says no, and the items never started leave the backlog', async () => {
		const started: number[] = [];
		const backlog = backlogCounter();
		await runItems(
			30,
			5,
			async (index) => {
				started.push(index);
				await sendLater();
			},
			(index) => index < 7,
			backlog,
		);
		expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
		expect(backlog.count).toBe(0);
	});

	it('a task that throws: the items already in progress settle first, then its error is thrown', async () => {
		const settled: number[] = [];
		const run = runItems(
			4,
			4,
			async (index) => {
				await wait(index === 0 ? 10 : 30);
				if (index === 0) throw new Error('item 0 broke');
				settled.push(index);
			},
			(index) => index < 4,
		);
		await expect(run).rejects.toThrow('item 0 broke');
		expect(settled.sort()).toEqual([1, 2, 3]);
	});

	it('a task that throws: no item starts after it', async () => {
		const started: number[] = [];
		const run = runItems(
			10,
			2,
			async (index) => {
				started.push(index);
				await wait(index === 0 ? 15 : 2);
				if (index === 0) throw new Error('item 0 broke');
			},
			() => true,
		);
		await expect(run).rejects.toThrow('item 0 broke');
		// The second worker ran items while item 0 was in progress, and started none after it threw.
		expect(started.length).toBeGreaterThan(1);
		expect(started.length).toBeLessThan(10);
		expect(started).toEqual(Array.from({ length: started.length }, (_, index) => index));
	});
});
