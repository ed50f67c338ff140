import { ManualExecutionCancelledError, sleep } from 'n8n-workflow';

/** Waits for `promise`, or rejects as soon as the execution is stopped. */
export async function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
	if (!signal) return await promise;
	if (signal.aborted) throw new ManualExecutionCancelledError('');
	let onAbort!: () => void;
	const aborted = new Promise<never>((_resolve, reject) => {
		onAbort = () => reject(new ManualExecutionCancelledError(''));
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		return await Promise.race([promise, aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

/** n8n's sleep, ended at once by the stop signal (n8n-workflow's sleepWithAbort is gone in 2.41). */
export async function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
	await untilAborted(sleep(ms), signal);
}
