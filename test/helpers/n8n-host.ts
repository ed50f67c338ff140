/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test harness: plain Node, plays the n8n CLI */
/**
 * What the n8n CLI provides around n8n-core's engine: an n8n folder, a logger, the stored
 * credentials and their ICredentialsHelper, and IWorkflowExecuteAdditionalData. The only file
 * that follows n8n's host-side interfaces as they change between releases; it uses public
 * exports, n8n's documented environment variables, and n8n-core's own @n8n/di and
 * @n8n/backend-common (DI tokens must be the classes n8n-core resolves, not @n8n/node-cli's
 * copies). Unchanged for n8n-core 2.8.x and 2.41.x (`npm run test:engine-min`).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { ExternalSecretsProxy } from 'n8n-core';
import { ApplicationError, ICredentialsHelper, LoggerProxy, NodeHelpers } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IWorkflowExecuteAdditionalData,
	Logger as N8nLogger,
	Workflow,
} from 'n8n-workflow';

type Token<T> = abstract new (...args: never[]) => T;
const coreRequire = createRequire(require.resolve('n8n-core'));
const { Container } = coreRequire('@n8n/di') as {
	Container: {
		get<T>(token: Token<T>): T;
		set(token: Token<unknown>, value: unknown): void;
		reset(): void;
	};
};
const { Logger } = coreRequire('@n8n/backend-common') as { Logger: Token<unknown> };

/** The n8n-workflow release the engine runs with (tests state what differs between lines). */
export const n8nWorkflowVersion = packageVersion('n8n-workflow');

function packageVersion(name: string): string {
	for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
		const manifest = join(dir, 'package.json');
		if (!existsSync(manifest)) continue;
		const { name: found, version } = JSON.parse(readFileSync(manifest, 'utf8')) as IDataObject;
		if (found === name) return version as string;
	}
	throw new ApplicationError(`No package.json for ${name}`);
}

/** Every line logged through n8n's Logger or LoggerProxy goes to each sink. */
const logSinks = new Set<string[]>();
let userFolder: string | undefined;

/** A logger writing n8n-style JSON lines (level, message, metadata; errors with their stack). */
function recordingLogger(): N8nLogger & { scoped(): N8nLogger } {
	const at = (level: string) => (message: string, metadata?: unknown) => {
		const line = JSON.stringify({ level, message, metadata }, (_key, value: unknown) =>
			value instanceof Error ? { ...value, message: value.message, stack: value.stack } : value,
		);
		for (const sink of logSinks) sink.push(line);
	};
	const logger = { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
	return { ...logger, scoped: () => logger };
}

/** A throwaway n8n user folder and encryption key, and the recording logger; once per test file. */
export function startN8nHost(logLines: string[]): void {
	logSinks.add(logLines);
	if (userFolder !== undefined) return;
	userFolder = mkdtempSync(join(tmpdir(), 'n8n-engine-'));
	// Read by n8n-core's InstanceSettings when a node first runs: never the user's ~/.n8n.
	process.env.N8N_USER_FOLDER = userFolder;
	process.env.N8N_ENCRYPTION_KEY = randomBytes(24).toString('base64');
	const logger = recordingLogger();
	Container.set(Logger, logger);
	LoggerProxy.init(logger);
}

/** Forgets n8n-core's services (and so their timers) and removes the user folder. */
export async function stopN8nHost(): Promise<void> {
	if (userFolder === undefined) return;
	Container.reset();
	logSinks.clear();
	rmSync(userFolder, { recursive: true, force: true });
	userFolder = undefined;
}

/** The node type n8n's CredentialsHelper takes for a credential test (preAuthentication always runs then). */
export const CREDENTIAL_TEST_NODE = 'n8n-nodes-base.noOp';

/**
 * The type the credential test's node really has: n8n's tester names it after the loaded NoOp
 * description, whose name is the short `noOp` (n8n's loader does not prefix it). So n8n's
 * "always in a credential test" rule never applies, and preAuthentication runs only for an empty
 * or expired token (packages/cli credentials-tester.service.ts, n8n 2.8.4 and 2.41.1).
 */
export const CREDENTIAL_TEST_NODE_TYPE = 'noOp';

/**
 * The credentials table (JSON rows: a fresh object on every read, like a database read) and
 * n8n's CredentialsHelper over it (packages/cli/src/credentials-helper.ts, without overwrites,
 * external secrets, parent types or expressions in credential fields, which these types lack).
 */
export class HostCredentialsHelper extends ICredentialsHelper {
	private readonly table = new Map<string, { type: string; data: string }>();

	constructor(private readonly credentialTypes: Map<string, ICredentialType>) {
		super();
	}

	read(id: string, type?: string): ICredentialDataDecryptedObject {
		const row = this.table.get(id);
		if (row === undefined || (type !== undefined && row.type !== type)) {
			throw new ApplicationError(`Credential with ID "${id}" does not exist for type "${type}".`);
		}
		return JSON.parse(row.data) as ICredentialDataDecryptedObject;
	}

	write(ref: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject): void {
		this.table.set(ref.id as string, { type, data: JSON.stringify(data) });
	}

	remove(id: string): void {
		this.table.delete(id);
	}

	private getType(typeName: string): ICredentialType {
		const type = this.credentialTypes.get(typeName);
		if (type === undefined) throw new ApplicationError(`Unknown credential type "${typeName}"`);
		return type;
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.getType(type).properties;
	}

	async getCredentials(): Promise<never> {
		throw new ApplicationError('n8n-core reads credentials through getDecrypted only');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		_mode: unknown,
		_executeData?: unknown,
		raw?: boolean,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.read(nodeCredentials.id ?? '', type);
		return raw === true ? stored : this.withDefaults(stored, type);
	}

	/** The stored data with the type's defaults filled in, as n8n hands it to a node. */
	withDefaults(
		stored: ICredentialDataDecryptedObject,
		type: string,
	): ICredentialDataDecryptedObject {
		const properties = this.getCredentialsProperties(type);
		const data = stored as INodeParameters;
		return NodeHelpers.getNodeParameters(properties, data, true, false, null, null) as never;
	}

	/** A generic `authenticate` block, its `={{$credentials.…}}` values resolved as n8n does. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.getType(typeName);
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate?.type !== 'generic') return requestOptions;
		const resolve = (value: string) =>
			String(
				workflow.expression.getSimpleParameterValue(node, value, 'internal', {
					$credentials: credentials,
				}) ?? '',
			);
		const target = requestOptions as unknown as Record<string, Record<string, string>>;
		for (const [part, entries] of Object.entries(authenticate.properties)) {
			for (const [key, value] of Object.entries(entries as Record<string, string>)) {
				target[part] = { ...target[part], [resolve(key)]: resolve(value) };
			}
		}
		return requestOptions;
	}

	/** Runs the hook for an empty or expired token (and, as n8n's code says, in a credential test); stores it. */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const expirable = this.getType(typeName).properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		)?.name;
		if (expirable === undefined) return undefined;
		const isCredentialTest = node.parameters?.temp === '' && node.type === CREDENTIAL_TEST_NODE;
		if (credentials[expirable] !== '' && !credentialsExpired && !isCredentialTest) return undefined;
		const output = await this.runPreAuthentication(helpers, credentials, typeName);
		if (output?.[expirable] === undefined || !node.credentials) return undefined;
		Object.assign(credentials, output);
		this.write(node.credentials[typeName], typeName, credentials);
		return credentials;
	}

	/** n8n hands the hook only httpRequest (IHttpRequestHelper), never the node's helpers. */
	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const { preAuthentication } = this.getType(typeName);
		if (typeof preAuthentication !== 'function') return undefined;
		const hookThis: IHttpRequestHelper = {
			helpers: { httpRequest: async (options) => await helpers.helpers.httpRequest(options) },
		};
		return (await preAuthentication.call(hookThis, credentials)) as ICredentialDataDecryptedObject;
	}

	async updateCredentials(
		ref: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.write(ref, type, data);
	}

	async updateCredentialsOauthTokenData(): Promise<void> {
		throw new ApplicationError('These credential types use no OAuth');
	}
}

/** Cf. packages/cli/src/workflow-execute-additional-data.ts getBase(). */
export function hostAdditionalData(
	credentialsHelper: ICredentialsHelper,
): IWorkflowExecuteAdditionalData {
	const notSupported = async (): Promise<never> => {
		throw new ApplicationError('Not supported by the test engine');
	};
	const url = (path: string) => `http://localhost:5678/${path}`;
	// Spread, not listed: the fields one n8n line requires (forms, MCP) type-check on the other too.
	const sinceSomeRelease = {
		formBaseUrl: url('form'),
		formTestBaseUrl: url('form-test'),
		mcpBaseUrl: url('mcp'),
		mcpTestBaseUrl: url('mcp-test'),
		getRuntimeCredential: async () => undefined,
	};
	return {
		...sinceSomeRelease,
		restApiUrl: url('rest'),
		instanceBaseUrl: url(''),
		formWaitingBaseUrl: url('form-waiting'),
		webhookBaseUrl: url('webhook'),
		webhookWaitingBaseUrl: url('webhook-waiting'),
		webhookTestBaseUrl: url('webhook-test'),
		externalSecretsProxy: Container.get(ExternalSecretsProxy),
		currentNodeExecutionIndex: 0,
		credentialsHelper,
		executeWorkflow: notSupported,
		getRunExecutionData: async () => undefined,
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: notSupported,
	};
}
