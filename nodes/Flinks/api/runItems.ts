import { sleep } from 'n8n-workflow';

/**
 * Runs task(0..count-1) in input order with at most `maxInProgress` at once. `shouldStart` is
 * asked before each start: once it says no (the execution stopped, or an earlier item failed for
 * good), no more items start. `backlog` counts the items not started yet. Resolves when every
 * started task has settled; tasks settle their own items.
 *
 * The items in progress start one per turn of the event loop, not all in one: an item reads its
 * parameters (expressions) before its first request, and sixty of them read in one go would hold
 * the first requests back by as long (80–140 ms in real n8n 2.8.4), while one per turn lets each
 * request go out as soon as its item has read them.
 */
export async function runItems(
	count: number,
	maxInProgress: number,
	task: (index: number) => Promise<void>,
	shouldStart: (index: number) => boolean,
	backlog?: { addBacklog(count: number): void },
): Promise<void> {
	let next = 0;
	let failure: { error: unknown } | undefined;
	// A task that throws ends the run: no further item starts.
	const mayStart = () => next < count && failure === undefined && shouldStart(next);
	const worker = async () => {
		while (mayStart()) {
			backlog?.addBacklog(-1);
			await task(next++);
		}
	};
	const workers: Array<Promise<void>> = [];
	backlog?.addBacklog(count);
	try {
		const wanted = Math.max(1, Math.min(maxInProgress, count));
		while (workers.length < wanted && mayStart()) {
			if (workers.length > 0) await sleep(0);
			workers.push(worker().catch((error: unknown) => void (failure ??= { error })));
		}
		await Promise.all(workers);
	} finally {
		// Items that never started (a stop, a failure in "Stop Workflow" mode) leave the backlog.
		backlog?.addBacklog(-(count - next));
	}
	if (failure) throw failure.error;
}
