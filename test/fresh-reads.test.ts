/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs in plain Node, never inside n8n */
import { FreshReads } from '../nodes/Flinks/api/freshReads';

/** A stored value with controllable reads: each read sees the value as it is when the read starts. */
function store() {
	let value = 'v1';
	const pending: Array<() => void> = [];
	let reads = 0;
	const reads$ = new FreshReads(async () => {
		reads++;
		const seen = value;
		await new Promise<void>((resolve) => pending.push(resolve));
		return seen;
	});
	return {
		reads$,
		set: (next: string) => (value = next),
		finishRead: async () => {
			(pending.shift() as () => void)();
			await new Promise((resolve) => setImmediate(resolve));
		},
		get reads() {
			return reads;
		},
	};
}

describe('FreshReads', () => {
	it('gives everyone who asks while a read is on its way one shared next read', async () => {
		const stored = store();
		const first = stored.reads$.get();
		const waiting = Array.from({ length: 5 }, () => stored.reads$.get());
		expect(stored.reads).toBe(1);
		await stored.finishRead();
		await expect(first).resolves.toBe('v1');
		expect(stored.reads).toBe(2);
		await stored.finishRead();
		await expect(Promise.all(waiting)).resolves.toEqual(['v1', 'v1', 'v1', 'v1', 'v1']);
		expect(stored.reads).toBe(2);
	});

	it('never answers with a read that started before the call: an edit made meanwhile is seen', async () => {
		const stored = store();
		const before = stored.reads$.get();
		// Edited after the first read started: a caller asking now must see the edit.
		stored.set('v2');
		const after = stored.reads$.get();
		await stored.finishRead();
		await expect(before).resolves.toBe('v1');
		await stored.finishRead();
		await expect(after).resolves.toBe('v2');
	});

	it('does not let a caller join a read that started before it asked, even one started for others', async () => {
		const stored = store();
		const first = stored.reads$.get();
		const second = stored.reads$.get();
		await stored.finishRead();
		await first;
		// The read serving `second` is on its way now; a third caller asking now waits for the one after.
		const third = stored.reads$.get();
		expect(stored.reads).toBe(2);
		await stored.finishRead();
		await expect(second).resolves.toBe('v1');
		expect(stored.reads).toBe(3);
		await stored.finishRead();
		await expect(third).resolves.toBe('v1');
	});
});
