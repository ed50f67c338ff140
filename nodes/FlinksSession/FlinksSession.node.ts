import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { sessionDescription, sessionOperations } from './resources/session';
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
		const returnData: INodeExecutionData[] = [];

		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const operation = this.getNodeParameter('operation', itemIndex) as string;
				const run = sessionOperations[operation];
				if (!run) {
					throw new NodeOperationError(this.getNode(), `Unsupported operation "${operation}"`, {
						itemIndex,
					});
				}
				const json = (await run(this, client, itemIndex)) as IDataObject;
				returnData.push({ json, pairedItem: { item: itemIndex } });
			} catch (error) {
				const failure = asNodeError(this, error, itemIndex);
				if (!this.continueOnFail()) throw failure;
				// Exactly { error }: n8n routes it to the error output and merges the input item's fields in.
				returnData.push({ json: { error: failure.message }, pairedItem: { item: itemIndex } });
			}
		}
		return [returnData];
	}
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
