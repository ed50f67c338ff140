import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { runItems } from './api/runItems';
import { asNodeError } from './api/errors';
import type { KeyedFlinksClient } from './api/keyedClient';
import { NotSentError } from './api/noAnswerErrors';
import { connectDescription, connectOperations, isConnectOperation } from './connect';
import { CONNECT_CREDENTIAL_TYPE, openConnectClient } from './connect/credential';
import { readConnectPolicy } from './connect/settings';

export class FlinksConnect implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Flinks Connect',
		name: 'flinksConnect',
		icon: { light: 'file:flinks.svg', dark: 'file:flinks.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ { deleteConnection: "Delete Connection", getAccountsDetail: "Get Accounts Detail", getAccountsSummary: "Get Accounts Summary", getPendingResult: "Get Pending Result" }[$parameter["operation"]] }}',
		description:
			"Read a connected customer's bank accounts, balances and transactions with Flinks Connect",
		documentationUrl: 'https://github.com/n8n-nodes-flinks/n8n-nodes-flinks#flinks-connect',
		defaults: { name: 'Flinks Connect' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CONNECT_CREDENTIAL_TYPE, required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Bank Connection', value: 'bankConnection' }],
				default: 'bankConnection',
			},
			...connectDescription,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operationName: unknown = this.getNodeParameter('operation', 0);
		if (!isConnectOperation(operationName)) {
			throw new NodeOperationError(
				this.getNode(),
				`Unsupported operation "${String(operationName)}"`,
			);
		}
		const operation = connectOperations[operationName];
		const continueOnFail = this.continueOnFail();
		let client: KeyedFlinksClient;
		try {
			client = await openConnectClient(this, readConnectPolicy(this));
		} catch (error) {
			// Options and credential apply to every item: with Continue On Fail, every item says so.
			if (!continueOnFail) throw new NodeOperationError(this.getNode(), error as Error);
			const message = (error as Error).message;
			return [items.map((_item, item) => ({ json: { error: message }, pairedItem: { item } }))];
		}
		const results: Array<INodeExecutionData[] | undefined> = new Array(items.length);
		let failure: { itemIndex: number; error: NodeApiError | NodeOperationError } | undefined;

		// Items run concurrently; each item's outputs land at its own index, so order and pairing hold.
		await runItems(
			items.length,
			client.itemsInProgress,
			async (itemIndex) => {
				try {
					const outputs = await operation(this, client, itemIndex);
					results[itemIndex] = outputs.map((json: IDataObject) => ({
						json,
						pairedItem: { item: itemIndex },
					}));
				} catch (error) {
					if (error instanceof NotSentError && !client.maySend(itemIndex)) return;
					const nodeError = asNodeError(this, error, itemIndex);
					if (continueOnFail) {
						results[itemIndex] = [
							{ json: { error: nodeError.message }, pairedItem: { item: itemIndex } },
						];
						return;
					}
					client.stopAfter(itemIndex);
					if (!failure || itemIndex < failure.itemIndex) failure = { itemIndex, error: nodeError };
				}
			},
			(itemIndex) => client.maySend(itemIndex),
			client.backlog,
		);
		const missing = results.findIndex((result) => result === undefined);
		if (!failure && (client.aborted || missing !== -1)) {
			const itemIndex = Math.max(0, missing);
			const message = `The execution was stopped before item ${itemIndex} was done`;
			failure = {
				itemIndex,
				error: new NodeOperationError(this.getNode(), message, { itemIndex }),
			};
		}
		if (failure) throw failure.error;
		return [(results as INodeExecutionData[][]).flat()];
	}
}
