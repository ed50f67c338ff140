import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { sessionDescription, sessionOperations } from './resources/session';
import { runInWindow } from './shared/concurrency';
import { CREDENTIAL_TYPE, FlinksClient } from './shared/transport';

export class FlinksSession implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Flinks Session',
		name: 'flinksSession',
		icon: { light: 'file:flinks.svg', dark: 'file:flinks.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Manage Flinks Pay e-Transfer sessions',
		defaults: { name: 'Flinks Session' },
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
				options: [{ name: 'Session', value: 'session' }],
				default: 'session',
			},
			...sessionDescription,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const client = await FlinksClient.create(this);
		const returnData: INodeExecutionData[] = new Array(items.length);

		// Items run concurrently; each result lands at its own index, so order and pairing hold.
		const failure = await runInWindow(items.length, client.window, async (itemIndex) => {
			try {
				const operation = this.getNodeParameter('operation', itemIndex) as string;
				const run = sessionOperations[operation];
				if (!run) {
					throw new NodeOperationError(this.getNode(), `Unsupported operation "${operation}"`, {
						itemIndex,
					});
				}
				const json = (await run(this, client, itemIndex)) as IDataObject;
				returnData[itemIndex] = { json, pairedItem: { item: itemIndex } };
			} catch (error) {
				const failure = asNodeError(this, error, itemIndex);
				if (!this.continueOnFail()) throw failure;
				// Exactly { error }: n8n routes it to the error output and merges the input item's fields in.
				returnData[itemIndex] = { json: { error: failure.message }, pairedItem: { item: itemIndex } };
			}
		});
		if (failure) throw stoppedAt(failure.error as NodeApiError | NodeOperationError, returnData);
		return [returnData];
	}
}

/** Items already finished when one failed were done at Flinks too: say which, for the audit trail. */
function stoppedAt(
	error: NodeApiError | NodeOperationError,
	returnData: INodeExecutionData[],
): NodeApiError | NodeOperationError {
	const finished = returnData.flatMap((item, index) => (item ? [index] : []));
	if (finished.length > 0) {
		const note = `Before the workflow stopped, ${finished.length} other item(s) had already been processed at Flinks: ${describeIndexes(finished)}. Set On Error to Continue to see every item's result.`;
		error.description = error.description ? `${error.description} — ${note}` : note;
	}
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
