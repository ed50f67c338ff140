import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { isSessionOperation, sessionDescription, sessionOperations } from './actions';
import type { SessionOptions } from './actions/fields';
import { readSessionOptions } from './actions/fields';
import { RunReport } from './actions/runReport';
import { asNodeError } from './api/errors';
import { runItems } from './api/runItems';
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
			client = await FlinksClient.open(this, options.request);
		} catch (error) {
			// Options and credential apply to every item: with Continue On Fail, every item says so.
			if (!continueOnFail) throw new NodeOperationError(this.getNode(), error as Error);
			const message = (error as Error).message;
			return [items.map((_item, item) => ({ json: { error: message }, pairedItem: { item } }))];
		}
		const report = new RunReport(this, items.length, operation.changes);

		// Items run concurrently; each result lands at its own index, so order and pairing hold.
		await runItems(
			items.length,
			client.itemsInProgress,
			async (itemIndex) => {
				try {
					report.succeeded(itemIndex, await operation.run(this, client, itemIndex, options));
				} catch (error) {
					if (error instanceof NotSentError && !client.maySend(itemIndex)) return;
					report.failed(itemIndex, asNodeError(this, error, itemIndex), error, continueOnFail);
					if (!continueOnFail) client.stopAfter(itemIndex);
				}
			},
			(itemIndex) => client.maySend(itemIndex),
			client.backlog,
		);
		const error = report.finalError(client.aborted, continueOnFail);
		if (error) {
			// After a Stop nobody may see the node's output: n8n's log keeps what Flinks now holds.
			if (client.aborted && error.description) {
				this.logger.warn(`Flinks Session stopped: ${error.message}. ${error.description}`);
			}
			throw error;
		}
		return [report.results as INodeExecutionData[]];
	}
}
