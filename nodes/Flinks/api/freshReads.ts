/**
 * Reads of something that may change at any moment (the stored credential), shared by callers
 * that ask at the same time: a caller gets the result of a read that started after it asked,
 * never an older one, so sharing loses nothing; while a read is on its way, everyone who asks
 * meanwhile waits for it and then shares the next one. With many creates checking the
 * credential at once, each read (a database query and a decryption in n8n) serves all of them.
 */
export class FreshReads<T> {
	/** Reads started so far; a read's number is its place in that count. */
	private started = 0;

	private latest: { number: number; result: Promise<T> } | undefined;

	private next: Promise<T> | undefined;

	constructor(private readonly read: () => Promise<T>) {}

	async get(): Promise<T> {
		const askedAfter = this.started;
		const latest = this.latest;
		if (!latest) return await this.start();
		if (latest.number > askedAfter) return await latest.result;
		// The read on its way started before this call: the one after it serves this caller.
		this.next ??= latest.result.then(
			() => this.start(),
			() => this.start(),
		);
		return await this.next;
	}

	private async start(): Promise<T> {
		this.next = undefined;
		const number = ++this.started;
		const result = this.read();
		this.latest = { number, result };
		return await result;
	}
}
