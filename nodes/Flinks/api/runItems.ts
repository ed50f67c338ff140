/**
 * Runs task(0..count-1) in input order with at most `maxInProgress` at once. `shouldStart` is
 * asked before each start: once it says no (the execution stopped, or an earlier item failed for
 * good), no more items start. `backlog` counts the items not started yet. Resolves when every started task has settled; tasks settle their own items.
 */
export async function runItems(
	count: number,
	maxInProgress: number,
	task: (index: number) => Promise<void>,
	shouldStart: (index: number) => boolean,
	backlog?: { addBacklog(count: number): void },
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < count && shouldStart(next)) {
			backlog?.addBacklog(-1);
			await task(next++);
		}
	};
	backlog?.addBacklog(count);
	try {
		await Promise.all(Array.from({ length: Math.max(1, Math.min(maxInProgress, count)) }, worker));
	} finally {
		// Items that never started (a stop, a failure in "Stop Workflow" mode) leave the backlog.
		backlog?.addBacklog(-(count - next));
	}
}
