import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeParameters,
	INodeType,
} from 'n8n-workflow';

import { FlinksConnectApi } from '../../credentials/FlinksConnectApi.credentials';
import { FlinksConnect } from '../../nodes/Flinks/FlinksConnect.node';
import { asAiTool, TEST_AGENT_TYPE, testAgent } from './ai-agent';
import type { FakeFlinksServerOptions } from './fake-flinks-server';
import { FakeFlinksServer } from './fake-flinks-server';
import type { RunOptions } from './n8n-engine';
import { useFreshBed } from './flinks-test-bed';
import { N8nEngine } from './n8n-engine';

/** A fake Flinks server plus an n8n engine whose one Flinks Connect API credential points at it. */
export interface ConnectTestBed {
	server: FakeFlinksServer;
	engine: N8nEngine;
	credentials: ICredentialDataDecryptedObject;
	/** One run of the Flinks Connect node with `parameters`, one input item per entry of `items`. */
	run(
		items: IDataObject[],
		parameters: INodeParameters,
		extra?: Partial<RunOptions>,
	): ReturnType<N8nEngine['run']>;
}

/**
 * `connectNode` is for tsx, which resolves 'FlinksConnect.node' to the codex JSON: scripts pass
 * the class they required from the .ts file.
 */
export async function startConnectBed(
	options: FakeFlinksServerOptions = {},
	connectNode: new () => INodeType = FlinksConnect,
): Promise<ConnectTestBed> {
	const server = await FakeFlinksServer.start(options);
	const credentials: ICredentialDataDecryptedObject = {
		environment: 'custom',
		baseUrl: `${server.baseUrl}/`,
		customerId: server.connect.customerId,
		secretKey: server.connect.secretKey,
		apiKey: server.connect.apiKey,
	};
	const engine = new N8nEngine({
		nodeTypes: {
			flinksConnect: new connectNode(),
			flinksConnectTool: asAiTool(new connectNode()),
			[TEST_AGENT_TYPE]: testAgent,
		},
		credentialTypes: [new FlinksConnectApi()],
		credentials,
		credentialType: 'flinksConnectApi',
	});
	const run: ConnectTestBed['run'] = async (items, parameters, extra = {}) =>
		await engine.run({ items, parameters, nodeType: 'flinksConnect', ...extra });
	return { server, engine, credentials, run };
}

/** A fresh fake server and engine before each test; `restart` swaps in one with other options. */
export function useConnectBed(onStart: (bed: ConnectTestBed) => void) {
	return useFreshBed(startConnectBed, onStart);
}

/** Parameters for an operation on the Bank Connection resource, reading each item's loginId. */
export function connectParameters(operation: string, extra: IDataObject = {}): INodeParameters {
	return {
		resource: 'bankConnection',
		operation,
		loginId: '={{ $json.loginId }}',
		options: {},
		...extra,
	} as INodeParameters;
}

/** Request paths as the fake records them, without the /v3/{customerId}/BankingServices prefix. */
export function connectCalls(server: FakeFlinksServer): string[] {
	return server.requests
		.filter((request) => request.path.startsWith(server.connect.prefix))
		.map(
			(request) =>
				`${request.method} ${request.path.slice(server.connect.prefix.length + 1).replace(/\/[^/]+$/, '/:id')}`,
		);
}
