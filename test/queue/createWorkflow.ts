import { CREDENTIAL_TYPE, NODE_TYPE } from '../e2e/package-tarball';
import type { WorkflowFile } from '../e2e/workflows';
import { QUEUE_CREDENTIAL, splitOutNode, webhookNode } from './workflow';

export const CREATE_WORKFLOW_ID = 'queueModeCreate';
export const CREATE_WEBHOOK_PATH = 'flinks-queue-mode/create';

const WEBHOOK_NODE = 'Create these sessions';
const SPLIT_NODE = 'One item per customer';
const CREATE_NODE = 'Create session';

/**
 * POST `{ "customers": [{ amount, firstName, lastName, email, orderId }, …] }` → one item per
 * customer → Flinks Session › Create (failures become items). The webhook answers with all items.
 */
export function queueModeCreateWorkflow(): WorkflowFile {
	const field = (name: string) => `={{ $json.customer.${name} }}`;
	return {
		id: CREATE_WORKFLOW_ID,
		name: 'Queue mode: create the posted sessions',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			webhookNode(WEBHOOK_NODE, CREATE_WEBHOOK_PATH, 'b'),
			splitOutNode(SPLIT_NODE, 'body.customers', 'customer', 'b'),
			{
				id: '00000000-0000-4000-8000-00000000b003',
				name: CREATE_NODE,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [440, 0],
				onError: 'continueRegularOutput',
				parameters: {
					resource: 'session',
					operation: 'create',
					amount: field('amount'),
					direction: 'DEBIT',
					payorFirstName: field('firstName'),
					payorLastName: field('lastName'),
					payorEmail: field('email'),
					referenceId: field('orderId'),
					notificationLanguage: 'EN',
					sendInteracLink: true,
					additionalFields: {},
					options: {},
				},
				credentials: { [CREDENTIAL_TYPE]: QUEUE_CREDENTIAL },
			},
		],
		connections: {
			[WEBHOOK_NODE]: { main: [[{ node: SPLIT_NODE, type: 'main', index: 0 }]] },
			[SPLIT_NODE]: { main: [[{ node: CREATE_NODE, type: 'main', index: 0 }]] },
		},
	};
}
