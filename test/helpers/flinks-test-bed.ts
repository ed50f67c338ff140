import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { FlinksPayApi } from '../../credentials/FlinksPayApi.credentials';
import { FlinksSession } from '../../nodes/Flinks/FlinksSession.node';
import { asAiTool, TEST_AGENT_TYPE, testAgent } from './ai-agent';
import type { FakeFlinksServerOptions } from './fake-flinks-server';
import { FakeFlinksServer } from './fake-flinks-server';
import { N8nEngine, shutdownN8nEngine } from './n8n-engine';

/** A fake Flinks server plus an n8n engine whose one stored credential points at it. */
export interface FlinksTestBed {
	server: FakeFlinksServer;
	engine: N8nEngine;
	credentials: ICredentialDataDecryptedObject;
}

export async function startTestBed(
	options: FakeFlinksServerOptions = {},
	credentialOverrides: IDataObject = {},
): Promise<FlinksTestBed> {
	const server = await FakeFlinksServer.start(options);
	const credentials: ICredentialDataDecryptedObject = {
		environment: 'custom',
		baseUrl: `${server.baseUrl}/`,
		clientId: server.clientId,
		clientSecret: server.clientSecret,
		...credentialOverrides,
	};
	const engine = new N8nEngine({
		nodeTypes: {
			flinksSession: new FlinksSession(),
			flinksSessionTool: asAiTool(new FlinksSession()),
			[TEST_AGENT_TYPE]: testAgent,
		},
		credentialTypes: [new FlinksPayApi()],
		credentials,
	});
	return { server, engine, credentials };
}

/**
 * The set-up every engine test shares: a fresh fake server and engine before each test, stopped
 * after it, n8n-core shut down after the file. `restart` swaps in a bed with other options.
 */
export function useTestBed(onStart: (bed: FlinksTestBed) => void) {
	return useFreshBed(startTestBed, onStart);
}

/** useTestBed for any bed around a fake server (Pay's, Connect's): `start` makes one. */
export function useFreshBed<Bed extends { server: FakeFlinksServer }, Args extends unknown[]>(
	start: (...args: Args) => Promise<Bed>,
	onStart: (bed: Bed) => void,
) {
	let current: Bed | undefined;
	const restart = async (...args: Args) => {
		await current?.server.stop();
		current = await start(...args);
		onStart(current);
		return current;
	};
	beforeEach(async () => {
		await restart(...([] as unknown[] as Args));
	});
	afterEach(async () => {
		await current?.server.stop();
		current = undefined;
	});
	afterAll(async () => {
		await shutdownN8nEngine();
	});
	return { restart };
}

/** Node parameters for Session › Cancel reading the ID from each item, as users set it up. */
export function cancelParameters(options: IDataObject = {}): INodeParameters {
	return {
		resource: 'session',
		operation: 'cancel',
		sessionId: '={{ $json.sessionId }}',
		options,
	} as INodeParameters;
}

/** Node parameters for an operation on existing sessions, reading each item's Session ID. */
export function sessionParameters(operation: string, extra: IDataObject = {}): INodeParameters {
	return {
		resource: 'session',
		operation,
		sessionId: '={{ $json.sessionId }}',
		options: {},
		...extra,
	} as INodeParameters;
}

/** Node parameters for Session › Create reading each field from the item, as users wire it after a form or CRM node. */
export function createParameters(overrides: IDataObject = {}): INodeParameters {
	return {
		resource: 'session',
		operation: 'create',
		amount: '={{ $json.amount }}',
		direction: 'DEBIT',
		payorFirstName: '={{ $json.firstName }}',
		payorLastName: '={{ $json.lastName }}',
		payorEmail: '={{ $json.email }}',
		referenceId: '={{ $json.orderId }}',
		notificationLanguage: 'EN',
		sendInteracLink: true,
		additionalFields: {},
		options: {},
		...overrides,
	} as INodeParameters;
}

/** The n-th customer of a Create batch: an input item as a CRM or form node would emit it. */
export function customer(n: number): IDataObject {
	return {
		amount: 100 + n + 0.25,
		firstName: 'Jane',
		lastName: `Doe-${n}`,
		email: `jane.doe+${n}@example.com`,
		orderId: `ORDER-${1000 + n}`,
	};
}

/** A Create batch of `count` customers, the first `from` on. */
export function customers(count: number, from = 0): IDataObject[] {
	return Array.from({ length: count }, (_, n) => customer(from + n));
}

/** Every place a secret could leak to, as one string to search. */
export function everythingVisible(bed: FlinksTestBed, ...runs: unknown[]): string {
	return [JSON.stringify(runs, replaceErrors), ...bed.engine.logLines].join('\n');
}

function replaceErrors(_key: string, value: unknown): unknown {
	if (value instanceof Error) {
		return {
			...value,
			message: value.message,
			stack: value.stack,
			description: (value as { description?: unknown }).description,
		};
	}
	return value;
}
