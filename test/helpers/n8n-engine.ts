/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- test harness: plain Node, mirrors n8n CLI code */
/**
 * Runs nodes inside the real n8n engine (n8n-core's WorkflowExecute), the way n8n runs a
 * manual execution: Test Trigger → the node under test.
 *
 * Everything that executes the node is n8n-core / n8n-workflow code. This file only provides
 * what the n8n CLI would provide around the engine:
 *  - IWorkflowExecuteAdditionalData (cf. packages/cli/src/workflow-execute-additional-data.ts getBase),
 *  - an INodeTypes registry,
 *  - a credentials helper following packages/cli/src/credentials-helper.ts, over an in-memory
 *    "credentials table" holding the credential encrypted with n8n-core's own Credentials/Cipher,
 *  - the credential test of packages/cli/src/services/credentials-tester.service.ts.
 *
 * n8n-core 2.8.1 resolves its own nested copies of @n8n/di, @n8n/config and @n8n/backend-common
 * (the top-level copies belong to @n8n/node-cli and are other versions). DI tokens must be the
 * exact classes n8n-core uses, so those packages are loaded from n8n-core's location.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import {
	Credentials,
	ErrorReporter,
	ExecuteContext,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	RoutingNode,
	WorkflowExecute,
	getAdditionalKeys,
} from 'n8n-core';
import { ScheduledTaskManager } from 'n8n-core/dist/execution-engine/scheduled-task-manager';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import {
	ApplicationError,
	ICredentialsHelper,
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
	ICredentialsExpressionResolveValues,
	ICredentialType,
	IDataObject,
	IConnections,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentials,
	INodeCredentialsDetails,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRequestOptionsSimplified,
	IRun,
	IRunData,
	ITriggerFunctions,
	ITriggerResponse,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

// ---------------------------------------------------------------------------------------------
// n8n-core's DI set-up
// ---------------------------------------------------------------------------------------------

type Token<T> = abstract new (...args: never[]) => T;
interface DiContainer {
	get<T>(token: Token<T>): T;
	set<T>(token: Token<T>, instance: T): void;
	reset(): void;
}
interface RealLogger {
	debug(message: string, metadata?: unknown): void;
	getInternalLogger(): { add(transport: unknown): unknown };
}

const coreRequire = createRequire(require.resolve('n8n-core'));
const { Container } = coreRequire('@n8n/di') as { Container: DiContainer };
const { GlobalConfig, InstanceSettingsConfig } = coreRequire('@n8n/config') as {
	GlobalConfig: Token<{ logging: { level: string; outputs: string[]; scopes: string[] } }>;
	InstanceSettingsConfig: Token<{ n8nFolder: string; userHome: string; encryptionKey: string }>;
};
const { Logger } = coreRequire('@n8n/backend-common') as { Logger: Token<RealLogger> };
const winston = createRequire(coreRequire.resolve('@n8n/backend-common'))('winston') as {
	transports: { Stream: new (options: { stream: Writable; format: unknown }) => unknown };
	format: {
		combine(...f: unknown[]): unknown;
		timestamp(): unknown;
		metadata(): unknown;
		json(): unknown;
	};
};
const lodashGet = coreRequire('lodash/get') as (object: unknown, path: string) => unknown;

/** Every line n8n's Logger (and so LoggerProxy) wrote, at all levels, as n8n's JSON log format. */
const logSinks = new Set<string[]>();
let n8nFolder: string | undefined;

function setUpN8nCore(): void {
	if (n8nFolder !== undefined) return;
	// InstanceSettings (needed by every node execution context, and by the Cipher that encrypts
	// credentials) keeps its settings file in the n8n folder: use a throwaway one, not ~/.n8n.
	n8nFolder = mkdtempSync(join(tmpdir(), 'n8n-engine-'));
	const instanceSettingsConfig = Container.get(InstanceSettingsConfig);
	instanceSettingsConfig.n8nFolder = n8nFolder;
	instanceSettingsConfig.userHome = n8nFolder;
	instanceSettingsConfig.encryptionKey = randomBytes(24).toString('base64');

	// The real Logger at level debug, with its console output replaced by a recorder.
	const { logging } = Container.get(GlobalConfig);
	logging.level = 'debug';
	logging.outputs = [];
	logging.scopes = [];
	const logger = Container.get(Logger); // also does LoggerProxy.init(logger)
	const recorder = new Writable({
		write(chunk: Buffer, _encoding, callback) {
			const line = chunk.toString().trimEnd();
			for (const sink of logSinks) sink.push(line);
			callback();
		},
	});
	const { format } = winston;
	logger.getInternalLogger().add(
		new winston.transports.Stream({
			stream: recorder,
			format: format.combine(format.timestamp(), format.metadata(), format.json()),
		}),
	);
}

/** Stops the background handles n8n-core started and forgets its DI instances. */
export async function shutdownN8nEngine(): Promise<void> {
	if (n8nFolder === undefined) return;
	// Every node execution context builds SSH helpers, so SSHClientsManager exists and has started
	// its 60 s cleanup interval; n8n clears it in onShutdown (run on process exit).
	(Container.get(SSHClientsManager) as unknown as { onShutdown(): void }).onShutdown();
	// Trigger contexts build ScheduledTaskManager: stop its crons, and its log interval, which
	// only runs when N8N_LOG_CRON_ACTIVE_INTERVAL is set.
	const scheduledTaskManager = Container.get(ScheduledTaskManager);
	scheduledTaskManager.deregisterAllCrons();
	clearInterval((scheduledTaskManager as unknown as { logInterval?: NodeJS.Timeout }).logInterval);
	Container.reset();
	logSinks.clear();
	rmSync(n8nFolder, { recursive: true, force: true });
	n8nFolder = undefined;
}

// ---------------------------------------------------------------------------------------------
// Node types
// ---------------------------------------------------------------------------------------------

export const TRIGGER_NAME = 'Test Trigger';
export const NODE_NAME = 'Flinks Session';
const TEST_TRIGGER_TYPE = 'n8nEngineHarness.testTrigger';
const NO_OP_TYPE = 'n8n-nodes-base.noOp';

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
// Credentials: the "credentials table" and the CLI's CredentialsHelper
// ---------------------------------------------------------------------------------------------

/** One row of n8n's credentials_entity table: data is the encrypted JSON. */
interface CredentialRow {
	id: string;
	name: string;
	type: string;
	data: string;
}

function encrypt(row: Omit<CredentialRow, 'data'>, data: ICredentialDataDecryptedObject): string {
	const credentials = new Credentials({ id: row.id, name: row.name }, row.type);
	credentials.setData(data);
	return credentials.getDataToSave().data as string;
}

const mockNode: INode = {
	id: 'mock',
	name: '',
	typeVersion: 1,
	type: 'mock',
	position: [0, 0],
	parameters: {},
};
const mockNodeTypes = new NodeTypesRegistry({
	mock: { description: { properties: [] as INodeProperties[] } } as unknown as INodeType,
});

/** packages/cli/src/credentials-helper.ts, minus DB/overwrites/external secrets/dynamic creds. */
class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly credentialTypes: Map<string, ICredentialType>,
		private readonly table: Map<string, CredentialRow>,
	) {
		super();
	}

	private getType(typeName: string): ICredentialType {
		const type = this.credentialTypes.get(typeName);
		if (type === undefined) throw new ApplicationError(`Unknown credential type "${typeName}"`);
		return type;
	}

	getParentTypes(typeName: string): string[] {
		const parents = this.getType(typeName).extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const { authenticate } = this.getType(typeName);
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions);
		}
		if (typeof authenticate === 'object') {
			requestOptions.headers ??= {};
			if (authenticate.type === 'generic') {
				const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
				for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
					for (const [key, value] of Object.entries(outerValue as IDataObject)) {
						const keyResolved = this.resolveValue(key, credentials, workflow, node);
						const valueResolved = this.resolveValue(value as string, credentials, workflow, node);
						target[outerKey] ??= {};
						target[outerKey][keyResolved] = valueResolved;
					}
				}
			}
		}
		return requestOptions;
	}

	private resolveValue(
		parameterValue: string,
		credentials: ICredentialDataDecryptedObject,
		workflow: Workflow,
		node: INode,
	): string {
		if (typeof parameterValue !== 'string' || parameterValue.charAt(0) !== '=') {
			return parameterValue;
		}
		const returnValue = workflow.expression.getSimpleParameterValue(
			node,
			parameterValue,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		if (!returnValue) return '';
		return returnValue.toString();
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.getType(typeName);
		const expirableProperty = credentialType.properties.find(
			(property) => property.type === 'hidden' && property?.typeOptions?.expirable === true,
		);
		if (expirableProperty?.name === undefined) return undefined;

		// n8n's credential test runs the request on a temporary NoOp node with a `temp` parameter
		const isTestingCredentials =
			node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';

		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		if (
			credentials[expirableProperty.name] !== '' &&
			!credentialsExpired &&
			!isTestingCredentials
		) {
			return undefined;
		}
		// Current n8n hands the hook only httpRequest (IHttpRequestHelper), not the node's helpers.
		const hookThis: IHttpRequestHelper = {
			helpers: { httpRequest: async (options) => await helpers.helpers.httpRequest(options) },
		};
		const output = await credentialType.preAuthentication.call(hookThis, credentials);
		if (output[expirableProperty.name] === undefined) return undefined;

		if (node.credentials) {
			await this.updateCredentials(
				node.credentials[credentialType.name],
				credentialType.name,
				Object.assign(credentials, output),
			);
			return Object.assign(credentials, output);
		}
		return undefined;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<Credentials> {
		if (!nodeCredentials.id) {
			throw new ApplicationError('Found credential with no ID.', {
				extra: { credentialName: nodeCredentials.name },
			});
		}
		const row = this.table.get(nodeCredentials.id);
		if (row === undefined || row.type !== type) {
			throw new ApplicationError(
				`Credential with ID "${nodeCredentials.id}" does not exist for type "${type}".`,
			);
		}
		return new Credentials({ id: row.id, name: row.name }, row.type, row.data);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.getType(type);
		if (credentialType.extends === undefined) return credentialType.properties;
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		// Decrypting the stored row gives a fresh object on each call, as reading the DB does.
		const decryptedDataOriginal = (await this.getCredentials(nodeCredentials, type)).getData();
		if (raw === true) return decryptedDataOriginal;
		return await this.applyDefaultsAndOverwrites(
			additionalData,
			decryptedDataOriginal,
			type,
			mode,
			executeData,
			expressionResolveValues,
		);
	}

	async applyDefaultsAndOverwrites(
		additionalData: IWorkflowExecuteAdditionalData,
		decryptedDataOriginal: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		let decryptedData = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			decryptedDataOriginal as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (decryptedDataOriginal.oauthTokenData !== undefined) {
			decryptedData.oauthTokenData = decryptedDataOriginal.oauthTokenData;
		}

		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { secretsEnabled: false });
		if (expressionResolveValues) {
			try {
				decryptedData = expressionResolveValues.workflow.expression.getParameterValue(
					decryptedData as INodeParameters,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					decryptedData,
				) as ICredentialDataDecryptedObject;
			} catch (e) {
				(e as Error).message += ' [Error resolving credentials]';
				throw e;
			}
		} else {
			const workflow = new Workflow({
				nodes: [mockNode],
				connections: {},
				active: false,
				nodeTypes: mockNodeTypes,
			});
			decryptedData = workflow.expression.getComplexParameterValue(
				mockNode,
				decryptedData as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				decryptedData,
			) as ICredentialDataDecryptedObject;
		}
		return decryptedData;
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const credentials = await this.getCredentials(nodeCredentials, type);
		credentials.setData(data);
		this.saveRow(credentials);
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const credentials = await this.getCredentials(nodeCredentials, type);
		credentials.updateData({ oauthTokenData: data.oauthTokenData });
		this.saveRow(credentials);
	}

	private saveRow(credentials: Credentials): void {
		const { id, data } = credentials.getDataToSave();
		const row = this.table.get(id as string) as CredentialRow;
		this.table.set(row.id, { ...row, data: data as string });
	}
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

	private readonly table = new Map<string, CredentialRow>();

	private readonly credentialsHelper: HarnessCredentialsHelper;

	constructor(options: N8nEngineOptions) {
		setUpN8nCore();
		logSinks.add(this.logLines);
		this.credentialType = options.credentialType ?? 'flinksPayApi';
		this.nodeTypes = new NodeTypesRegistry({
			...options.nodeTypes,
			[TEST_TRIGGER_TYPE]: testTrigger,
		});
		this.credentialTypes = new Map(options.credentialTypes.map((type) => [type.name, type]));
		this.credentialsHelper = new HarnessCredentialsHelper(this.credentialTypes, this.table);
		if (options.credentials) this.setStoredCredentials(options.credentials);
	}

	/** What n8n would have in its database for the credential now (decrypted, no defaults). */
	storedCredentials(): ICredentialDataDecryptedObject {
		const row = this.table.get(this.credentialRef.id as string);
		if (row === undefined) throw new ApplicationError('No credential stored');
		return new Credentials(this.credentialRef, row.type, row.data).getData();
	}

	/** Stores the credential nodes use (or, given a type and reference, another one beside it). */
	setStoredCredentials(
		data: ICredentialDataDecryptedObject,
		type = this.credentialType,
		ref: INodeCredentialsDetails = this.credentialRef,
	): void {
		const row = { id: ref.id as string, name: ref.name, type };
		this.table.set(row.id, { ...row, data: encrypt(row, data) });
	}

	/**
	 * Deletes the credential and creates it anew with `data` under a new ID, as a user would: nothing
	 * the node remembers about the old one (its token, its window) applies to the new one.
	 */
	replaceStoredCredentials(data: ICredentialDataDecryptedObject): void {
		this.table.delete(this.credentialRef.id as string);
		this.credentialRef = { ...this.credentialRef, id: `cred-${++this.credentialGeneration}` };
		this.setStoredCredentials(data);
	}

	/** Cf. packages/cli/src/workflow-execute-additional-data.ts getBase() */
	protected additionalData(): IWorkflowExecuteAdditionalData {
		const notSupported = async (): Promise<never> => {
			throw new ApplicationError('Not supported by the test engine');
		};
		const urlBase = 'http://localhost:5678/';
		return {
			currentNodeExecutionIndex: 0,
			credentialsHelper: this.credentialsHelper,
			executeWorkflow: notSupported,
			getRunExecutionData: async () => undefined,
			restApiUrl: `${urlBase}rest`,
			instanceBaseUrl: urlBase,
			formWaitingBaseUrl: `${urlBase}form-waiting`,
			webhookBaseUrl: `${urlBase}webhook`,
			webhookWaitingBaseUrl: `${urlBase}webhook-waiting`,
			webhookTestBaseUrl: `${urlBase}webhook-test`,
			variables: {},
			externalSecretsProxy: Container.get(ExternalSecretsProxy),
			logAiEvent: () => {},
			startRunnerTask: notSupported,
		};
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
		try {
			credentialsDecrypted.data = await this.credentialsHelper.applyDefaultsAndOverwrites(
				additionalData,
				credentialsDecrypted.data as ICredentialDataDecryptedObject,
				credentialType,
				'internal',
			);
		} catch (error) {
			return { status: 'Error', message: (error as Error).message.toString() };
		}

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
			Container.get(ErrorReporter).error(error);
			// NB: in n8n-workflow 2.8.0 ExecutionBaseError's `cause` class field drops an Error cause,
			// so for HTTP errors `error.cause` is undefined here, as it is in n8n 2.8.x itself:
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
			Container.get(Logger).debug('Credential test failed', error);
			return { status: 'Error', message: (error as Error).message.toString() };
		}

		for (const rule of testRequest.rules ?? []) {
			if (rule.type === 'responseSuccessBody') {
				const responseData = response![0][0].json;
				if (lodashGet(responseData, rule.properties.key) === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
		}
		return { status: 'OK', message: 'Connection successful!' };
	}
}
