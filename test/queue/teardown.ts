import type { Log } from '../e2e/n8n-install';

interface Step {
	what: string;
	undo: () => Promise<void> | void;
}

/**
 * What a run started, undone in reverse order exactly once: at the end, on an error, on Ctrl-C
 * or when the run's deadline passes. Each step is registered the moment its thing exists.
 */
export class Teardown {
	private readonly steps: Step[] = [];
	private running: Promise<void> | undefined;

	constructor(private readonly log: Log) {}

	add(what: string, undo: Step['undo']): void {
		if (this.running) throw new Error(`Teardown already started; cannot add "${what}"`);
		this.steps.push({ what, undo });
	}

	/** Runs every step even when one fails; later calls wait for the first. */
	run(): Promise<void> {
		this.running ??= this.undoAll();
		return this.running;
	}

	private async undoAll(): Promise<void> {
		for (const step of this.steps.reverse()) {
			try {
				await step.undo();
			} catch (error) {
				this.log(
					`Teardown: ${step.what} failed: ${error instanceof Error ? error.message : String(error)}`,
				);
			}
		}
	}
}
