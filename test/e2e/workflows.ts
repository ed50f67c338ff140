/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
import { readFileSync } from 'fs';
import path from 'path';

import type { CredentialFile } from './n8n-sandbox';
import { CREDENTIAL_TYPE, NODE_TYPE, REPO_ROOT } from './package-tarball';

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	webhookId?: string;
}

interface Connection {
	node: string;
	type: 'main';
	index: number;
}

export interface WorkflowFile {
	id?: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, { main: Connection[][] }>;
	active?: boolean;
	settings?: Record<string, unknown>;
	pinData?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface CredentialRef {
	id: string;
	name: string;
}

export type PairedItem = { item: number; input?: number } | Array<{ item: number; input?: number }>;

export interface RunItem {
	json: Record<string, unknown>;
	pairedItem?: PairedItem;
	error?: { message: string; description?: string | null; name?: string; httpCode?: string };
}

export interface TaskData {
	/** Epoch ms when the node started, and how long it ran (n8n's own figures). */
	startTime?: number;
	executionTime?: number;
	executionStatus?: string;
	error?: { message: string; description?: string | null };
	data?: { main: Array<RunItem[] | null> };
}

/** What `n8n execute --rawOutput` prints: n8n's IRun. */
export interface ExecutionResult {
	status: string;
	finished: boolean;
	mode: string;
	data: {
		resultData: {
			runData: Record<string, TaskData[]>;
			error?: { message: string; description?: string | null; node?: { name: string } };
			lastNodeExecuted?: string;
		};
	};
}

/** The examples users import; README links these same files. */
export const EXAMPLES = {
	crm: 'crm-triggered-cancellation.json',
	scheduledCleanup: 'scheduled-stale-session-cleanup.json',
	abandonedFlow: 'abandoned-payment-flow-cleanup.json',
	paymentEnded: 'payment-ended-mark-paid-or-alert.json',
	requestCancelIfUnpaid: 'request-payment-cancel-if-unpaid.json',
	requestAndReact: 'request-payment-react-when-it-ends.json',
	reconcileMissedWebhooks: 'reconcile-missed-webhooks.json',
	connectCustomerConnected: 'connect-customer-connected-transactions.json',
	connectNightly: 'connect-nightly-low-balances.json',
} as const;

/** The Flinks Trigger's type once n8n loads the package, and its webhook credential. */
export const TRIGGER_TYPE = 'n8n-nodes-flinks.flinksTrigger';
export const WEBHOOK_CREDENTIAL_TYPE = 'flinksWebhookApi';
export const EXAMPLE_WEBHOOK_CREDENTIAL: CredentialRef = {
	id: 'flinksWebhookApiCredential',
	name: 'Flinks Webhook account',
};

/** Flinks Connect's node type once n8n loads the package, and the credential its examples reference. */
export const CONNECT_NODE_TYPE = 'n8n-nodes-flinks.flinksConnect';
export const EXAMPLE_CONNECT_CREDENTIAL: CredentialRef = {
	id: 'flinksConnectApiCredential',
	name: 'Flinks Connect account',
};

export function connectNodes(workflow: WorkflowFile): WorkflowNode[] {
	return workflow.nodes.filter((node) => node.type === CONNECT_NODE_TYPE);
}

/** The credential every example references until the user (or the suite) picks one. */
export const EXAMPLE_CREDENTIAL: CredentialRef = {
	id: 'flinksPayApiCredential',
	name: 'Flinks Pay account',
};

/** A Flinks Pay API credential for `n8n import:credentials`, pointing at a (fake) Flinks. */
export function credentialFile(
	ref: CredentialRef,
	server: { baseUrl: string; clientId: string; clientSecret: string },
	clientSecret = server.clientSecret,
): CredentialFile {
	return {
		...ref,
		type: CREDENTIAL_TYPE,
		data: {
			environment: 'custom',
			baseUrl: server.baseUrl,
			clientId: server.clientId,
			clientSecret,
			xClientId: '',
		},
	};
}

export function loadExample(file: string): WorkflowFile {
	return JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples', file), 'utf8')) as WorkflowFile;
}

/** Workflows as n8n exported them (`n8n export:workflow`), from test/e2e/fixtures. */
export function loadSavedWorkflow(file: string): WorkflowFile[] {
	const saved = path.join(REPO_ROOT, 'test', 'e2e', 'fixtures', file);
	return JSON.parse(readFileSync(saved, 'utf8')) as WorkflowFile[];
}

export function flinksNodes(workflow: WorkflowFile): WorkflowNode[] {
	return workflow.nodes.filter((node) => node.type === NODE_TYPE);
}

export function flinksTriggers(workflow: WorkflowFile): WorkflowNode[] {
	return workflow.nodes.filter((node) => node.type === TRIGGER_TYPE);
}

export function nodeNamed(workflow: WorkflowFile, name: string): WorkflowNode {
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	if (!node) throw new Error(`Workflow "${workflow.name}" has no node "${name}"`);
	return node;
}

export function triggerNodes(workflow: WorkflowFile): WorkflowNode[] {
	return workflow.nodes.filter(
		(node) => /trigger$/i.test(node.type) || node.type === 'n8n-nodes-base.webhook',
	);
}

/** The trigger a user's run starts from, in examples that have exactly one. */
export function triggerNode(workflow: WorkflowFile): WorkflowNode {
	const triggers = triggerNodes(workflow);
	if (triggers.length !== 1) {
		throw new Error(`Workflow "${workflow.name}" has ${triggers.length} triggers, expected one`);
	}
	return triggers[0];
}

/**
 * A copy with an id (n8n accepts up to 21 characters), every Flinks node on `credential`, and
 * every Flinks Trigger also on `webhookCredential`.
 */
export function prepared(
	workflow: WorkflowFile,
	id: string,
	credential: CredentialRef,
	webhookCredential?: CredentialRef,
): WorkflowFile {
	const copy = structuredClone(workflow);
	copy.id = id;
	copy.name = `${workflow.name} [${id}]`;
	for (const node of flinksNodes(copy)) {
		node.credentials = { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } };
	}
	for (const node of flinksTriggers(copy)) {
		node.credentials = {
			...(webhookCredential ? { [WEBHOOK_CREDENTIAL_TYPE]: webhookCredential } : {}),
			[CREDENTIAL_TYPE]: { id: credential.id, name: credential.name },
		};
	}
	return copy;
}

/**
 * The CLI twin of an example: `n8n execute` can only start from a manual trigger, so the
 * trigger becomes a Code node of the same name (expressions like `$('CRM asks to cancel')`
 * keep working) that emits `items` shaped like the trigger's output, fed by a manual trigger.
 */
export function manualTwin(
	workflow: WorkflowFile,
	items: Array<Record<string, unknown>>,
): WorkflowFile {
	const copy = structuredClone(workflow);
	const trigger = triggerNode(copy);
	const index = copy.nodes.indexOf(trigger);
	copy.nodes[index] = {
		id: trigger.id,
		name: trigger.name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: trigger.position,
		parameters: {
			jsCode: `return ${JSON.stringify(items.map((json) => ({ json })))};`,
		},
	};
	const manual = 'Run from the CLI';
	copy.nodes.push({
		id: '00000000-0000-4000-8000-00000000c011',
		name: manual,
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [trigger.position[0] - 220, trigger.position[1]],
		parameters: {},
	});
	copy.connections[manual] = { main: [[{ node: trigger.name, type: 'main', index: 0 }]] };
	copy.pinData = {};
	return copy;
}

/**
 * A copy of a multi-trigger example that a running n8n starts only from `triggerName`, which
 * becomes a POST webhook at `path` when it is not one already (a Schedule Trigger cannot be fired
 * on demand). Nodes the workflow needs a running n8n for, such as Data Tables, then work.
 */
export function webhookTwin(
	workflow: WorkflowFile,
	triggerName: string,
	path: string,
): WorkflowFile {
	const copy = withoutOtherTriggers(workflow, triggerName);
	const trigger = nodeNamed(copy, triggerName);
	const index = copy.nodes.indexOf(trigger);
	copy.nodes[index] = {
		id: trigger.id,
		name: trigger.name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: trigger.position,
		parameters: { httpMethod: 'POST', path, options: {} },
		webhookId: trigger.webhookId ?? trigger.id,
	};
	return copy;
}

/** A copy of a multi-trigger example that a running n8n starts only from `triggerName`. */
export function withoutOtherTriggers(workflow: WorkflowFile, triggerName: string): WorkflowFile {
	const copy = structuredClone(workflow);
	const others = triggerNodes(copy)
		.map((node) => node.name)
		.filter((name) => name !== triggerName);
	copy.nodes = copy.nodes.filter((node) => !others.includes(node.name));
	for (const name of others) delete copy.connections[name];
	return copy;
}

export interface CancelWorkflowOptions {
	id: string;
	credential: CredentialRef;
	sessionIds: string[];
	onError?: WorkflowNode['onError'];
	/** The node's Options, e.g. { ifAlreadyEnded: 'error', timeout: 500 }. */
	options?: Record<string, string | number>;
}

export const FIXTURE_IDS_NODE = 'Session IDs';
export const FIXTURE_FLINKS_NODE = 'Cancel session';

/** Flinks Session › Cancel on `{{ $json.sessionId }}`, default options unless given. */
export function cancelNode(
	options: Pick<CancelWorkflowOptions, 'credential' | 'onError' | 'options'>,
	position: [number, number],
): WorkflowNode {
	return flinksSessionNode(
		{
			name: FIXTURE_FLINKS_NODE,
			typeVersion: 1,
			credential: options.credential,
			onError: options.onError,
			parameters: {
				resource: 'session',
				operation: 'cancel',
				sessionId: '={{ $json.sessionId }}',
				options: options.options ?? {},
			},
		},
		position,
	);
}

export interface FlinksSessionNodeOptions {
	name: string;
	/** Default: the node's latest version, what a node added in the editor today has. */
	typeVersion?: number;
	credential: CredentialRef;
	parameters: Record<string, unknown>;
	onError?: WorkflowNode['onError'];
}

/** A Flinks Session node on `credential` with the given parameters. */
export function flinksSessionNode(
	options: FlinksSessionNodeOptions,
	position: [number, number],
): WorkflowNode {
	const flinks: WorkflowNode = {
		id: '00000000-0000-4000-8000-00000000f001',
		name: options.name,
		type: NODE_TYPE,
		typeVersion: options.typeVersion ?? 1.1,
		position,
		parameters: options.parameters,
		credentials: { [CREDENTIAL_TYPE]: options.credential },
	};
	if (options.onError) flinks.onError = options.onError;
	return flinks;
}

/** Manual trigger → Code node with the IDs → Flinks Session Cancel, nothing after. */
export function cancelWorkflow(options: CancelWorkflowOptions): WorkflowFile {
	return sessionIdsWorkflow(options.id, options.sessionIds, cancelNode(options, [440, 0]));
}

/** Manual trigger → Code node emitting one `{ sessionId }` item per ID → `node`, nothing after. */
export function sessionIdsWorkflow(
	id: string,
	sessionIds: string[],
	node: WorkflowNode,
): WorkflowFile {
	return itemsWorkflow(
		id,
		sessionIds.map((sessionId) => ({ sessionId })),
		node,
	);
}

/** Manual trigger → Code node `itemsNode` emitting `items` (one item per object) → `node`, nothing after. */
export function itemsWorkflow(
	id: string,
	items: Array<Record<string, unknown>>,
	node: WorkflowNode,
	itemsNode = FIXTURE_IDS_NODE,
): WorkflowFile {
	return {
		id,
		name: `e2e ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: '00000000-0000-4000-8000-00000000f002',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: '00000000-0000-4000-8000-00000000f003',
				name: itemsNode,
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: {
					jsCode: `return ${JSON.stringify(items.map((json) => ({ json })))};`,
				},
			},
			node,
		],
		connections: {
			Start: { main: [[{ node: itemsNode, type: 'main', index: 0 }]] },
			[itemsNode]: { main: [[{ node: node.name, type: 'main', index: 0 }]] },
		},
	};
}

/** A copy whose Wait nodes wait `seconds` (under 65 s n8n waits in the execution itself). */
export function withShortWaits(workflow: WorkflowFile, seconds: number): WorkflowFile {
	const copy = structuredClone(workflow);
	for (const node of copy.nodes.filter((candidate) => candidate.type === 'n8n-nodes-base.wait')) {
		node.parameters = { ...node.parameters, amount: seconds, unit: 'seconds' };
	}
	return copy;
}

/**
 * Manual trigger → Code node with the IDs → two Flinks Session › Get Details nodes side by side,
 * one per typeVersion, named "Get (v<version>)", default parameters otherwise.
 */
export function getDetailsVersionsWorkflow(
	options: Pick<CancelWorkflowOptions, 'id' | 'credential' | 'sessionIds'>,
	typeVersions: number[],
): WorkflowFile {
	const workflow = cancelWorkflow(options);
	const template = workflow.nodes.pop() as WorkflowNode;
	const names = typeVersions.map((version) => `Get (v${version})`);
	typeVersions.forEach((typeVersion, index) => {
		workflow.nodes.push({
			...template,
			id: `00000000-0000-4000-8000-00000000f1${String(index).padStart(2, '0')}`,
			name: names[index],
			typeVersion,
			position: [440, index * 200],
			parameters: {
				resource: 'session',
				operation: 'getDetails',
				sessionId: '={{ $json.sessionId }}',
				options: {},
			},
		});
	});
	workflow.connections[FIXTURE_IDS_NODE] = {
		main: [names.map((node) => ({ node, type: 'main' as const, index: 0 }))],
	};
	return workflow;
}

/** Items a node emitted on one output in its first run; [] when it did not run or emitted none. */
export function outputItems(execution: ExecutionResult, node: string, output = 0): RunItem[] {
	return execution.data.resultData.runData[node]?.[0]?.data?.main[output] ?? [];
}

export function ranNodes(execution: ExecutionResult): string[] {
	return Object.keys(execution.data.resultData.runData);
}

/** The input item index an output item is paired with. */
export function pairedIndex(item: RunItem): number | undefined {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	return paired?.item;
}
