import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ItemContext } from '../api/errors';
import { uncertainItemOf } from '../api/noAnswerErrors';
import type { SessionChange } from './index';

/** The first item that failed, which stops the execution when Continue On Fail is off. */
type ItemFailure = { itemIndex: number; error: NodeApiError | NodeOperationError };

/**
 * Every item's outcome in one execution, and the error that stops it: after a failure in "Stop
 * Workflow" mode, or after a Stop (when n8n discards the node's output, whatever On Error says),
 * the error names every session Flinks now holds and every call Flinks may have acted on.
 */
export class RunReport {
	readonly results: Array<INodeExecutionData | undefined>;

	private failure: ItemFailure | undefined;

	/** Items whose call Flinks may have acted on without its answer reaching n8n. */
	private readonly uncertain: ItemContext[] = [];

	constructor(
		private readonly ctx: IExecuteFunctions,
		itemCount: number,
		private readonly changes: SessionChange | undefined,
	) {
		this.results = new Array(itemCount);
	}

	succeeded(itemIndex: number, json: INodeExecutionData['json']): void {
		this.results[itemIndex] = { json, pairedItem: { item: itemIndex } };
	}

	/** An item's error: its own output item with Continue On Fail, else the execution's failure. */
	failed(
		itemIndex: number,
		error: NodeApiError | NodeOperationError,
		cause: unknown,
		continueOnFail: boolean,
	): void {
		const uncertain = uncertainItemOf(cause);
		if (uncertain) this.uncertain.push(uncertain);
		if (continueOnFail) {
			// Exactly { error }: n8n routes it to the error output and merges the input item's fields in.
			this.results[itemIndex] = { json: { error: error.message }, pairedItem: { item: itemIndex } };
			return;
		}
		if (!this.failure || itemIndex < this.failure.itemIndex) this.failure = { itemIndex, error };
	}

	/** The error that ends the execution, or undefined when every item has its outcome. */
	finalError(
		aborted: boolean,
		continueOnFail: boolean,
	): NodeApiError | NodeOperationError | undefined {
		const failure = this.failure ?? this.stopFailure(aborted);
		if (!failure) return undefined;
		const { error } = failure;
		const facts = [this.finishedNote(), this.uncertainNote(error)].filter(Boolean);
		if (facts.length === 0) return error;
		if (!continueOnFail) facts.push("Set On Error to Continue to see every item's result.");
		const note = facts.join(' ');
		error.description = error.description ? `${error.description} — ${note}` : note;
		return error;
	}

	/** Only a stopped execution leaves items unsent; either way no item may go missing silently. */
	private stopFailure(aborted: boolean): ItemFailure | undefined {
		const missing = this.results.findIndex((result) => result === undefined);
		if (!aborted && missing === -1) return undefined;
		const itemIndex = missing !== -1 ? missing : (this.uncertain[0]?.itemIndex ?? 0);
		const message =
			missing !== -1
				? `The execution was stopped before item ${missing} was sent`
				: 'The execution was stopped before the node could return its items';
		return { itemIndex, error: new NodeOperationError(this.ctx.getNode(), message, { itemIndex }) };
	}

	/** Items already finished were done at Flinks too: say which, for the audit trail. */
	private finishedNote(): string | undefined {
		const finished = this.results.flatMap((result, index) =>
			result && !('error' in result.json) ? [{ index, json: result.json }] : [],
		);
		if (finished.length === 0) return undefined;
		const sessions = finished.map(({ json }) =>
			json.referenceId
				? `${String(json.sessionId)} (reference ${String(json.referenceId)})`
				: String(json.sessionId),
		);
		return [
			`Before the workflow stopped, ${finished.length} other item(s) had already been processed at Flinks: ${describeIndexes(finished.map(({ index }) => index))}.`,
			this.changes ? `Sessions ${this.changes}: ${sessions.join(', ')}.` : undefined,
		]
			.filter(Boolean)
			.join(' ');
	}

	/** Items whose answer was lost, other than the failure itself: what to look for before a rerun. */
	private uncertainNote(failure: NodeApiError | NodeOperationError): string | undefined {
		const failedItem = uncertainItemOf(failure);
		const others = this.uncertain.filter((item) => item !== failedItem);
		if (others.length === 0) return undefined;
		const named = others
			.sort((a, b) => a.itemIndex - b.itemIndex)
			.map((item) => `item ${item.itemIndex} (${identify(item)})`);
		const what = this.changes ? `${this.changes} at Flinks` : 'acted on at Flinks';
		return `These may have been ${what} without the answer reaching n8n; check each before running it again: ${named.join(', ')}.`;
	}
}

function identify(item: ItemContext): string {
	if (item.sessionId) return `session ${item.sessionId}`;
	if (item.referenceId) return `Reference ID ${item.referenceId}`;
	return 'no Reference ID: look for the payor and amount';
}

function describeIndexes(indexes: number[]): string {
	const shown = indexes.slice(0, 20).join(', ');
	return `item${indexes.length > 1 ? 's' : ''} ${shown}${indexes.length > 20 ? ', …' : ''}`;
}
