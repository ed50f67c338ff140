import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../../nodes/Flinks/api/credential';

/** In flight at once: the adaptive window's ceiling, so the baseline never waits on a smaller window. */
const BASELINE_CONCURRENCY = 32;

/**
 * The least a cancel node must do per item: read the session ID expression, send the POST with
 * n8n's authenticated request helper, emit the parsed body. No retries, window, validation or
 * output shaping: the Flinks Session node's time minus this node's time is its own overhead.
 */
export class BaselineCancel implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Baseline Cancel',
		name: 'baselineCancel',
		group: ['transform'],
		version: 1,
		description: 'Bare cancel requests, the benchmark baseline',
		defaults: { name: 'Baseline Cancel' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
			{ displayName: 'Session ID', name: 'sessionId', type: 'string', default: '' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const baseUrl = this.getNodeParameter('baseUrl', 0) as string;
		const output: INodeExecutionData[] = new Array(items.length);
		const cancelOne = async (itemIndex: number) => {
			const sessionId = this.getNodeParameter('sessionId', itemIndex) as string;
			const body = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, {
				method: 'POST',
				url: `${baseUrl}/api/v2/sessions/${sessionId}/cancel`,
				json: true,
			})) as IDataObject;
			output[itemIndex] = { json: body, pairedItem: { item: itemIndex } };
		};
		// One request alone first, so that n8n exchanges the token once.
		if (items.length > 0) await cancelOne(0);
		let next = 1;
		const worker = async () => {
			while (next < items.length) await cancelOne(next++);
		};
		await Promise.all(Array.from({ length: BASELINE_CONCURRENCY }, worker));
		return [output];
	}
}
