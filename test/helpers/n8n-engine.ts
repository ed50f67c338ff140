/**
 * Runs nodes inside the real n8n engine (n8n-core's WorkflowExecute), the way n8n runs a
 * manual execution: Test Trigger → the node under test. The path n8n's own NodeTestHarness
 * takes: public exports of n8n-core and n8n-workflow only (WorkflowExecute,
 * ExecutionLifecycleHooks, ExecuteContext, RoutingNode). What the n8n CLI provides around the
 * engine (credentials, logger, additional data) is in ./n8n-host.ts.
 */
import { ExecuteContext, ExecutionLifecycleHooks, RoutingNode, WorkflowExecute } from 'n8n-core';
import {
	ApplicationError,
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
	createRunExecutionData,
	deepCopy,
	jsonParse,
} from 'n8n-workflow';
import type {
	ExecutionBaseError,
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialType,
	IDataObject,
	IConnections,
	IExecuteData,
	INode,
	INodeCredentials,
	INodeCredentialsDetails,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	IRunData,
	ITriggerFunctions,
	ITriggerResponse,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import {
	CREDENTIAL_TEST_NODE_TYPE,
	HostCredentialsHelper,
	hostAdditionalData,
	startN8nHost,
	stopN8nHost,
} from './n8n-host';

/** Stops what n8n-core started (its services and their timers) and removes the n8n folder. */
export async function shutdownN8nEngine(): Promise<void> {
	await stopN8nHost();
}

// ---------------------------------------------------------------------------------------------
// Node types
// ---------------------------------------------------------------------------------------------

export const TRIGGER_NAME = 'Test Trigger';
export const NODE_NAME = 'Flinks Session';
const TEST_TRIGGER_TYPE = 'n8nEngineHarness.testTrigger';
const NO_OP_TYPE = CREDENTIAL_TEST_NODE_TYPE;

/** Like n8n-nodes-base's Manual Trigger, but emits the items given to N8nEngine.run. */
const testTrigger: INodeType = {
	description: {
		displayName: 'Test Trigger',
		name: TEST_TRIGGER_TYPE,
		group: ['trigger'],
		version: 1,
		description: 'Emits the items given to N8nEngine.run',
		defaults: { name: TRIGGER_NAME },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	},
	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const raw = this.getNodeParameter('items');
		const items = typeof raw === 'string' ? jsonParse<IDataObject[]>(raw) : (raw as IDataObject[]);
		const manualTriggerFunction = async () => {
			this.emit([this.helpers.returnJsonArray(items)]);
		};
		return { manualTriggerFunction };
	},
};

/** The description of n8n-nodes-base's NoOp node, which n8n's credential test runs as. */
const noOpDescription: INodeType['description'] = {
	displayName: 'No Operation, do nothing',
	name: NO_OP_TYPE,
	group: ['organization'],
	version: 1,
	description: 'No Operation',
	defaults: { name: 'No Operation, do nothing' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	properties: [],
};

class NodeTypesRegistry implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType | IVersionedNodeType>) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (type === undefined) throw new ApplicationError(`Unknown node type "${nodeType}"`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

function versionsOf(type: INodeType | IVersionedNodeType): number[] {
	if ('nodeVersions' in type) return Object.keys(type.nodeVersions).map(Number);
	const { version } = type.description;
	return Array.isArray(version) ? version : [version];
}

function latestVersion(type: INodeType | IVersionedNodeType): number {
	return Math.max(...versionsOf(type));
}

/** The typeVersion a test asks for, which the node type must declare (a saved workflow's). */
function declaredVersion(type: INodeType | IVersionedNodeType, typeVersion: number): number {
	if (!versionsOf(type).includes(typeVersion)) {
		throw new ApplicationError(
			`The node type has no version ${typeVersion} (it has ${versionsOf(type).join(', ')})`,
		);
	}
	return typeVersion;
}

// ---------------------------------------------------------------------------------------------
// The engine
// ---------------------------------------------------------------------------------------------

export interface RunOptions {
	items: IDataObject[];
	parameters: INodeParameters;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	/** Key in the nodeTypes record; default 'flinksSession' */
	nodeType?: string;
	/** The node's typeVersion, as a saved workflow records it; default the type's latest version. */
	typeVersion?: number;
	/** Called once the execution has started, with a way to stop it as n8n's Stop button does. */
	onStarted?: (execution: { cancel(): void }) => void;
}

export interface WorkflowRunOptions {
	items: IDataObject[];
	/** The nodes after Test Trigger. */
	nodes: INode[];
	/** How they connect; Test Trigger's main output goes to `first`. */
	connections: IConnections;
	first: string;
	onStarted?: RunOptions['onStarted'];
}

export interface RunResult {
	/** Main output 0 of the node under test (json + pairedItem) */
	items: INodeExecutionData[];
	/** Output 1 (the error output) when onError is continueErrorOutput */
	errorItems: INodeExecutionData[];
	/**
	 * When the node failed: the error as n8n records it in runData / resultData.error. Note that
	 * WorkflowExecute records a spread copy ({...error, message, stack}), not the class instance.
	 */
	error?: ExecutionBaseError;
	runData: IRunData;
}

export interface N8nEngineOptions {
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	credentialTypes: ICredentialType[];
	/** Data of the one stored credential the node under test uses */
	credentials?: ICredentialDataDecryptedObject;
	/** Type of that credential; default 'flinksPayApi' */
	credentialType?: string;
}

let executionCounter = 0;

export class N8nEngine {
	/** Every log line n8n wrote (all levels, n8n's JSON log format) since this engine was created. */
	readonly logLines: string[] = [];

	/** The credential the node under test uses; replaceStoredCredentials gives it a new ID. */
	credentialRef: INodeCredentialsDetails = { id: 'cred-1', name: 'Test credential' };

	private credentialGeneration = 1;

	private readonly credentialType: string;

	protected readonly nodeTypes: NodeTypesRegistry;

	private readonly credentialTypes: Map<string, ICredentialType>;

	private readonly credentialsHelper: HostCredentialsHelper;

	constructor(options: N8nEngineOptions) {
		startN8nHost(this.logLines);
		this.credentialType = options.credentialType ?? 'flinksPayApi';
		this.nodeTypes = new NodeTypesRegistry({
			...options.nodeTypes,
			[TEST_TRIGGER_TYPE]: testTrigger,
		});
		this.credentialTypes = new Map(options.credentialTypes.map((type) => [type.name, type]));
		this.credentialsHelper = new HostCredentialsHelper(this.credentialTypes);
		if (options.credentials) this.setStoredCredentials(options.credentials);
	}

	/** What n8n would have in its database for the credential now (decrypted, no defaults). */
	storedCredentials(id = this.credentialRef.id as string): ICredentialDataDecryptedObject {
		return this.credentialsHelper.read(id);
	}

	/** Stores the credential nodes use (or, given a type and reference, another one beside it). */
	setStoredCredentials(
		data: ICredentialDataDecryptedObject,
		type = this.credentialType,
		ref: INodeCredentialsDetails = this.credentialRef,
	): void {
		this.credentialsHelper.write(ref, type, data);
	}

	/**
	 * Deletes the credential and creates it anew with `data` under a new ID, as a user would: nothing
	 * the node remembers about the old one (its token, its window) applies to the new one.
	 */
	replaceStoredCredentials(data: ICredentialDataDecryptedObject): void {
		this.credentialsHelper.remove(this.credentialRef.id as string);
		this.credentialRef = { ...this.credentialRef, id: `cred-${++this.credentialGeneration}` };
		this.setStoredCredentials(data);
	}

	/** What the n8n CLI hands the engine for each execution. */
	protected additionalData(): IWorkflowExecuteAdditionalData {
		return hostAdditionalData(this.credentialsHelper);
	}

	/** One manual execution of: Test Trigger (emits `items`) → the node under test. */
	async run(options: RunOptions): Promise<RunResult> {
		const nodeTypeName = options.nodeType ?? 'flinksSession';
		const run = await this.runWorkflow({
			items: options.items,
			nodes: [
				{
					id: 'node-under-test',
					name: NODE_NAME,
					type: nodeTypeName,
					typeVersion: this.typeVersionOf(nodeTypeName, options.typeVersion),
					position: [220, 0],
					parameters: deepCopy(options.parameters),
					credentials: this.nodeCredentials(),
					...(options.onError ? { onError: options.onError } : {}),
				},
			],
			connections: {},
			first: NODE_NAME,
			onStarted: options.onStarted,
		});
		const { runData } = run.data.resultData;
		const task = runData[NODE_NAME]?.[0];
		const main = task?.data?.main ?? [];
		return {
			items: main[0] ?? [],
			errorItems: main[1] ?? [],
			error: task?.error ?? run.data.resultData.error,
			runData,
		};
	}

	/** What a node using the stored credential records under `credentials`. */
	nodeCredentials(): INodeCredentials {
		return { [this.credentialType]: { ...this.credentialRef } };
	}

	/** The typeVersion a saved node of this type has: the one asked for (declared), else the latest. */
	typeVersionOf(nodeTypeName: string, typeVersion?: number): number {
		const type = this.nodeTypes.getByName(nodeTypeName);
		return typeVersion === undefined ? latestVersion(type) : declaredVersion(type, typeVersion);
	}

	/**
	 * One manual execution of a workflow: Test Trigger (emits `items`) → `first`, then `nodes` as
	 * `connections` join them (main or AI connections alike).
	 */
	async runWorkflow(options: WorkflowRunOptions): Promise<IRun> {
		const executionId = String(++executionCounter);
		const nodes: INode[] = [
			{
				id: 'test-trigger',
				name: TRIGGER_NAME,
				type: TEST_TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: { items: JSON.stringify(options.items) },
			},
			...options.nodes,
		];
		const workflowData: IWorkflowBase = {
			id: 'engine-test-workflow',
			name: 'Engine test',
			active: false,
			isArchived: false,
			activeVersionId: null,
			createdAt: new Date(),
			updatedAt: new Date(),
			nodes,
			connections: {
				...options.connections,
				[TRIGGER_NAME]: {
					main: [[{ node: options.first, type: NodeConnectionTypes.Main, index: 0 }]],
				},
			},
			settings: { executionOrder: 'v1' },
		};
		const workflow = new Workflow({
			id: workflowData.id,
			name: workflowData.name,
			nodes: workflowData.nodes,
			connections: workflowData.connections,
			active: false,
			nodeTypes: this.nodeTypes,
			settings: workflowData.settings,
		});

		const additionalData = this.additionalData();
		additionalData.executionId = executionId;
		additionalData.hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);

		const execution = new WorkflowExecute(additionalData, 'manual').run({
			workflow,
			startNode: workflow.getNode(TRIGGER_NAME) as INode,
		});
		options.onStarted?.({ cancel: () => execution.cancel() });
		return await execution;
	}

	/**
	 * Tests the stored credential (or `data` in its place), following
	 * packages/cli/src/services/credentials-tester.service.ts for a credential type with `test`.
	 */
	async testCredentials(data?: ICredentialDataDecryptedObject): Promise<INodeCredentialTestResult> {
		const credentialType = this.credentialType;
		const testRequest = this.credentialTypes.get(credentialType)?.test;
		if (testRequest === undefined) {
			return { status: 'Error', message: 'No testing function found for this credential.' };
		}

		const credentialsDecrypted: ICredentialsDecrypted = {
			id: this.credentialRef.id as string,
			name: this.credentialRef.name,
			type: credentialType,
			data: data ?? this.storedCredentials(),
		};
		const additionalData = this.additionalData();
		credentialsDecrypted.data = this.credentialsHelper.withDefaults(
			credentialsDecrypted.data as ICredentialDataDecryptedObject,
			credentialType,
		);

		const node: INode = {
			id: 'temp',
			parameters: {},
			name: 'Temp-Node',
			type: noOpDescription.name,
			typeVersion: 1,
			position: [0, 0],
			credentials: { [credentialType]: { ...this.credentialRef } },
		};
		const nodeTypeCopy: INodeType = {
			description: {
				...noOpDescription,
				credentials: [{ name: credentialType, required: true }],
				properties: [
					{
						displayName: 'Temp',
						name: 'temp',
						type: 'string',
						routing: { request: testRequest.request },
						default: '',
					},
				],
			},
		};
		const workflow = new Workflow({
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: new NodeTypesRegistry({ [NO_OP_TYPE]: nodeTypeCopy }),
		});
		const executeData: IExecuteData = { node, data: {}, source: null };
		const executeFunctions = new ExecuteContext(
			workflow,
			node,
			additionalData,
			'internal',
			createRunExecutionData({ resultData: { runData: {} } }),
			0,
			[],
			{ main: [[{ json: {} }]] },
			executeData,
			[],
		);
		const routingNode = new RoutingNode(executeFunctions, nodeTypeCopy, credentialsDecrypted);

		let response: INodeExecutionData[][] | null | undefined;
		try {
			response = await routingNode.runNode();
		} catch (error) {
			// n8n-workflow 2.8.x drops a NodeApiError's HTTP cause, so there (as in n8n 2.8.x itself)
			// responseCode rules and the status-code message do not apply; error.message is returned.
			const cause = error.cause as {
				response?: { status: number; statusText?: string };
				code?: string;
			};
			if (cause?.response) {
				const statusCode = cause.response.status;
				for (const rule of testRequest.rules ?? []) {
					if (rule.type === 'responseCode' && statusCode === rule.properties.value) {
						return { status: 'Error', message: rule.properties.message };
					}
				}
				if (statusCode < 199 || statusCode > 299) {
					return {
						status: 'Error',
						message: cause.response.statusText || `Received HTTP status code: ${statusCode}`,
					};
				}
			} else if (cause?.code) {
				return { status: 'Error', message: cause.code };
			}
			return { status: 'Error', message: (error as Error).message.toString() };
		}

		for (const rule of testRequest.rules ?? []) {
			if (rule.type === 'responseSuccessBody') {
				const responseData = response![0][0].json;
				if (valueAt(responseData, rule.properties.key) === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
		}
		return { status: 'OK', message: 'Connection successful!' };
	}
}

/** The value at a dotted path (`data.status`), as a test rule's `key` names it. */
function valueAt(data: IDataObject, path: string): unknown {
	return path
		.split('.')
		.reduce<unknown>((value, key) => (value as IDataObject | undefined)?.[key], data);
}
