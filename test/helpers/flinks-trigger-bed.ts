import type {
	ICredentialDataDecryptedObject,
	INodeCredentials,
	INodeParameters,
} from 'n8n-workflow';

import { FlinksPayApi } from '../../credentials/FlinksPayApi.credentials';
import { FlinksWebhookApi } from '../../credentials/FlinksWebhookApi.credentials';
import { FlinksTrigger } from '../../nodes/Flinks/FlinksTrigger.node';
import { FakeFlinksServer } from './fake-flinks-server';
import { FakeFlinksWebhooks } from './fake-flinks-webhooks';
import { shutdownN8nEngine } from './n8n-engine';
import type { ActiveTrigger } from './n8n-webhook';
import { N8nWebhookEngine } from './n8n-webhook';

const PAY_CREDENTIAL = { id: 'cred-pay', name: 'Flinks Pay (test)' };

/** A fake Flinks (API and webhook sender) and an n8n serving the Flinks Trigger's webhooks. */
export interface FlinksTriggerBed {
	server: FakeFlinksServer;
	webhooks: FakeFlinksWebhooks;
	engine: N8nWebhookEngine;
	/** Changes fields of the stored Flinks Pay API credential (Confirm With Flinks uses it). */
	setPayCredentials(overrides: ICredentialDataDecryptedObject): void;
	/** The Flinks Pay API credential as n8n stores it now, the token n8n saved included. */
	storedPayCredentials(): ICredentialDataDecryptedObject;
	/** Publishes a workflow with a Flinks Trigger set up with these parameters (and both credentials, unless told). */
	activate(
		parameters?: INodeParameters,
		options?: { withoutPayCredential?: boolean },
	): Promise<ActiveTrigger>;
}

export async function startTriggerBed(): Promise<FlinksTriggerBed> {
	const server = await FakeFlinksServer.start();
	const webhooks = new FakeFlinksWebhooks(server);
	const payCredentials: ICredentialDataDecryptedObject = {
		environment: 'custom',
		baseUrl: server.baseUrl,
		clientId: server.clientId,
		clientSecret: server.clientSecret,
	};
	const engine = new N8nWebhookEngine(
		{
			nodeTypes: { flinksTrigger: new FlinksTrigger() },
			credentialTypes: [new FlinksWebhookApi(), new FlinksPayApi()],
			credentialType: 'flinksWebhookApi',
			credentials: { secret: webhooks.secret },
		},
		'flinksTrigger',
	);
	engine.setStoredCredentials(payCredentials, 'flinksPayApi', PAY_CREDENTIAL);
	await engine.listen();
	const credentials: INodeCredentials = {
		flinksWebhookApi: { ...engine.credentialRef },
		flinksPayApi: { ...PAY_CREDENTIAL },
	};
	return {
		server,
		webhooks,
		engine,
		setPayCredentials: (overrides) =>
			engine.setStoredCredentials(
				{ ...payCredentials, ...overrides },
				'flinksPayApi',
				PAY_CREDENTIAL,
			),
		storedPayCredentials: () => engine.storedCredentials(PAY_CREDENTIAL.id),
		activate: async (parameters = {}, { withoutPayCredential = false } = {}) =>
			await engine.activate(
				parameters,
				withoutPayCredential ? { flinksWebhookApi: credentials.flinksWebhookApi } : credentials,
			),
	};
}

/** A fresh bed before each test, stopped after it; n8n-core shut down after the file. */
export function useTriggerBed(onStart: (bed: FlinksTriggerBed) => void): void {
	let current: FlinksTriggerBed | undefined;
	beforeEach(async () => {
		current = await startTriggerBed();
		onStart(current);
	});
	afterEach(async () => {
		await current?.engine.close();
		await current?.server.stop();
		current = undefined;
	});
	afterAll(async () => {
		await shutdownN8nEngine();
	});
}
