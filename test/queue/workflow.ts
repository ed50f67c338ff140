import type { CredentialRef, WorkflowFile } from '../e2e/workflows';
import { cancelNode, FIXTURE_FLINKS_NODE } from '../e2e/workflows';

export const QUEUE_WORKFLOW_ID = 'queueModeCancel';
export const WEBHOOK_PATH = 'flinks-queue-mode/cancel';
export const QUEUE_CREDENTIAL: CredentialRef = {
	id: 'queueFlinks',
	name: 'Flinks Pay (queue mode)',
};

const WEBHOOK_NODE = 'Cancel these sessions';
const SPLIT_NODE = 'One item per session';
const TAG_NODE = 'Keep the input session ID';

/**
 * POST `{ "sessionIds": [...] }` → one item per ID → Flinks Session › Cancel (default options:
 * adaptive concurrency; failures become items) → each item tagged with the session ID it was
 * made from (`inputSessionId`, through n8n's item pairing, so error items carry it too). The
 * webhook answers when the last node has finished, with all its items.
 */
export function queueModeWorkflow(): WorkflowFile {
	const flinks = cancelNode(
		{ credential: QUEUE_CREDENTIAL, onError: 'continueRegularOutput' },
		[440, 0],
	);
	return {
		id: QUEUE_WORKFLOW_ID,
		name: 'Queue mode: cancel the posted sessions',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			webhookNode(WEBHOOK_NODE, WEBHOOK_PATH, 'a'),
			splitOutNode(SPLIT_NODE, 'body.sessionIds', 'sessionId', 'a'),
			flinks,
			{
				id: '00000000-0000-4000-8000-00000000a003',
				name: TAG_NODE,
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [660, 0],
				parameters: {
					mode: 'manual',
					includeOtherFields: true,
					assignments: {
						assignments: [
							{
								id: '00000000-0000-4000-8000-00000000a0c1',
								name: 'inputSessionId',
								value: `={{ $('${SPLIT_NODE}').item.json.sessionId }}`,
								type: 'string',
							},
						],
					},
					options: {},
				},
			},
		],
		connections: {
			[WEBHOOK_NODE]: { main: [[{ node: SPLIT_NODE, type: 'main', index: 0 }]] },
			[SPLIT_NODE]: { main: [[{ node: FIXTURE_FLINKS_NODE, type: 'main', index: 0 }]] },
			[FIXTURE_FLINKS_NODE]: { main: [[{ node: TAG_NODE, type: 'main', index: 0 }]] },
		},
	};
}

/** A production webhook answering with every item of the last node; `tag` keeps node IDs apart. */
export function webhookNode(
	name: string,
	path: string,
	tag: string,
): WorkflowFile['nodes'][number] {
	return {
		id: `00000000-0000-4000-8000-00000000${tag}001`,
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		position: [0, 0],
		webhookId: `00000000-0000-4000-8000-00000000${tag}0b1`,
		parameters: {
			httpMethod: 'POST',
			path,
			responseMode: 'lastNode',
			responseData: 'allEntries',
			options: {},
		},
	};
}

/** One item per entry of the posted list `field`, each under `destination`. */
export function splitOutNode(
	name: string,
	field: string,
	destination: string,
	tag: string,
): WorkflowFile['nodes'][number] {
	return {
		id: `00000000-0000-4000-8000-00000000${tag}002`,
		name,
		type: 'n8n-nodes-base.splitOut',
		typeVersion: 1,
		position: [220, 0],
		parameters: {
			fieldToSplitOut: field,
			include: 'noOtherFields',
			options: { destinationFieldName: destination },
		},
	};
}
