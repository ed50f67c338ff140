import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import type { SessionChange } from './actions';
import { isSessionOperation, sessionDescription, sessionOperations } from './actions';
import type { SessionOptions } from './actions/fields';
import { readSessionOptions } from './actions/fields';
import { runItems } from './api/concurrency';
import { FlinksClient } from './api/client';
import { CREDENTIAL_TYPE } from './api/credential';
import { NotSentError } from './api/noAnswerErrors';

export class FlinksSession implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Flinks Session',
		name: 'flinksSession',
		icon: { light: 'file:flinks.svg', dark: 'file:flinks.dark.svg' },
		group: ['transform'],
		// 1.1: Get Details simplifies its item by default (Simplify); version 1 keeps the full item.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle:
			'={{ { cancel: "Cancel", confirmGuarantee: "Confirm Guarantee", create: "Create", getDetails: "Get", getStatus: "Get Status" }[$parameter["operation"]] + ": Payment Session" }}',
		description:
			'Create, check and cancel Interac e-Transfer, EFT and Guaranteed EFT payment sessions with Flinks Pay',
		defaults: { name: 'Flinks Session' },
		// The editor's Docs link: used as is (from the codex it would get a query after the #anchor).
		documentationUrl: 'https://github.com/n8n-nodes-flinks/n8n-nodes-flinks#operations',
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Payment Session', value: 'session' }],
				default: 'session',
			},
			...sessionDescription,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operationName: unknown = this.getNodeParameter('operation', 0);
		if (!isSessionOperation(operationName)) {
			throw new NodeOperationError(
				this.getNode(),
				`Unsupported operation "${String(operationName)}"`,
			);
		}
		const operation = sessionOperations[operationName];
		const continueOnFail = this.continueOnFail();
		let options: SessionOptions;
		let client: FlinksClient;
		try {
			options = readSessionOptions(this);
			client = await FlinksClient.open(this, options.request, operation.oneAtATime);
		} catch (error) {
			// Options and credential apply to every item: with Continue On Fail, every item says so.
			if (!continueOnFail) throw new NodeOperationError(this.getNode(), error as Error);
			const message = (error as Error).message;
			return [items.map((_item, item) => ({ json: { error: message }, pairedItem: { item } }))];
		}
		const results: Array<INodeExecutionData | undefined> = new Array(items.length);
		let failure: ItemFailure | undefined;

		// Items run concurrently; each result lands at its own index, so order and pairing hold.
		await runItems(
			items.length,
			client.itemsInProgress,
			async (itemIndex) => {
				try {
					const json = await operation.run(this, client, itemIndex, options);
					results[itemIndex] = { json, pairedItem: { item: itemIndex } };
				} catch (error) {
					if (error instanceof NotSentError && !client.maySend(itemIndex)) return;
					const nodeError = asNodeError(this, error, itemIndex);
					if (continueOnFail) {
						// Exactly { error }: n8n routes it to the error output and merges the input item's fields in.
						results[itemIndex] = {
							json: { error: nodeError.message },
							pairedItem: { item: itemIndex },
						};
						return;
					}
					client.stopAfter(itemIndex);
					if (!failure || itemIndex < failure.itemIndex) failure = { itemIndex, error: nodeError };
				}
			},
			(itemIndex) => client.maySend(itemIndex),
		);
		failure ??= unsentItemFailure(this, results, client.aborted);
		if (failure) {
			const error = stoppedAt(failure.error, results, operation.changes);
			// After a Stop nobody may see the node's output: n8n's log keeps what Flinks now holds.
			if (client.aborted && error.description) {
				this.logger.warn(`Flinks Session stopped: ${error.message}. ${error.description}`);
			}
			throw error;
		}
		return [results as INodeExecutionData[]];
	}
}

/** The first item that failed, which stops the execution when Continue On Fail is off. */
type ItemFailure = { itemIndex: number; error: NodeApiError | NodeOperationError };

/** Only a stopped execution leaves items unsent; either way no item may go missing silently. */
function unsentItemFailure(
	ctx: IExecuteFunctions,
	results: Array<INodeExecutionData | undefined>,
	aborted: boolean,
): ItemFailure | undefined {
	const missing = results.findIndex((result) => result === undefined);
	if (!aborted && missing === -1) return undefined;
	const itemIndex = Math.max(0, missing);
	const error = new NodeOperationError(
		ctx.getNode(),
		`The execution was stopped before item ${missing} was sent`,
		{ itemIndex },
	);
	return { itemIndex, error };
}

/** Items already finished when one failed were done at Flinks too: say which, for the audit trail. */
function stoppedAt(
	error: NodeApiError | NodeOperationError,
	results: Array<INodeExecutionData | undefined>,
	changes: SessionChange | undefined,
): NodeApiError | NodeOperationError {
	const finished = results.flatMap((result, index) =>
		result && !('error' in result.json) ? [{ index, json: result.json }] : [],
	);
	if (finished.length === 0) return error;
	const sessions = finished.map(({ json }) =>
		json.referenceId
			? `${String(json.sessionId)} (reference ${String(json.referenceId)})`
			: String(json.sessionId),
	);
	const note = [
		`Before the workflow stopped, ${finished.length} other item(s) had already been processed at Flinks: ${describeIndexes(finished.map(({ index }) => index))}.`,
		changes ? `Sessions ${changes}: ${sessions.join(', ')}.` : undefined,
		"Set On Error to Continue to see every item's result.",
	]
		.filter(Boolean)
		.join(' ');
	error.description = error.description ? `${error.description} — ${note}` : note;
	return error;
}

function describeIndexes(indexes: number[]): string {
	const shown = indexes.slice(0, 20).join(', ');
	return `item${indexes.length > 1 ? 's' : ''} ${shown}${indexes.length > 20 ? ', …' : ''}`;
}

function asNodeError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}
