/**
 * Reads of something that may change at any moment (the stored credential), shared by callers
 * that ask at the same time: a caller gets the result of a read that started after it asked,
 * never an older one, so sharing loses nothing; while a read is on its way, everyone who asks
 * meanwhile waits for it and then shares the next one. With many creates checking the
 * credential at once, each read (a database query and a decryption in n8n) serves all of them.
 */
export class FreshReads<T> {
	/** The last read started (on its way or done). */
	private latest: Promise<T> | undefined;

	/** The read that starts once `latest` is done, shared by everyone who asked after `latest` started. */
	private next: Promise<T> | undefined;

	constructor(private readonly read: () => Promise<T>) {}

	async get(): Promise<T> {
		if (!this.latest) return await this.start();
		const startNext = async () => await this.start();
		this.next ??= this.latest.then(startNext, startNext);
		return await this.next;
	}

	private async start(): Promise<T> {
		this.next = undefined;
		this.latest = this.read();
		return await this.latest;
	}
}
