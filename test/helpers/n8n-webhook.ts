/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test harness: plain Node, mirrors n8n CLI code */
/**
 * Serves webhook triggers over real HTTP (127.0.0.1, random port) the way `n8n start` does, so a
 * delivery runs through n8n-core's own WebhookContext and, when the node returns workflowData,
 * through WorkflowExecute. Around the engine it does what the n8n CLI does (packages/cli):
 *  - middlewares/body-parser.ts: rawBodyReader and parseBody (n8n answers 422 to JSON it cannot
 *    parse before any node runs); webhook-helpers.ts parseRequestBody parses every version 1 node;
 *  - webhooks/webhook.service.ts runWebhook (WebhookContext) and, on activation and deactivation,
 *    createWebhookIfNotExists / deleteWebhook (HookContext: checkExists, create, delete);
 *  - webhooks/webhook-helpers.ts executeWebhook: the node's own answer (noWebhookResponse), the
 *    200 "Webhook call received" when it returns no workflowData, the error path when it throws,
 *    prepareExecutionData, then WorkflowRunner's WorkflowExecute.processRunExecutionData.
 * One difference: n8n answers an onReceived webhook as soon as the execution has started; this
 * harness answers once it has finished, so a test sees the execution when its request returns.
 */
import { randomUUID } from 'crypto';
import http from 'http';
import type { AddressInfo } from 'net';
import { parse as parseQuery } from 'querystring';

import { ExecutionLifecycleHooks, HookContext, WebhookContext, WorkflowExecute } from 'n8n-core';
import {
	ApplicationError,
	NodeHelpers,
	Workflow,
	createRunExecutionData,
	jsonParse,
} from 'n8n-workflow';
import type {
	IDataObject,
	INode,
	INodeCredentials,
	INodeParameters,
	IRun,
	IRunExecutionData,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowBase,
	WebhookSetupMethodNames,
} from 'n8n-workflow';

import type { N8nEngineOptions } from './n8n-engine';
import { N8nEngine } from './n8n-engine';

export const TRIGGER_NODE_NAME = 'Flinks Trigger';

/** n8n's request after rawBodyReader: what the CLI adds to Node's IncomingMessage. */
type WebhookRequest = http.IncomingMessage & {
	contentType?: string;
	encoding?: BufferEncoding;
	rawBody?: Buffer;
	readRawBody(): Promise<void>;
	body?: unknown;
};

export interface ActiveTrigger {
	/** The production URL: what a user sends to Flinks. */
	url: string;
	workflowId: string;
	/** Every execution this trigger started, in order. */
	executions: IRun[];
	deactivate(): Promise<void>;
}

interface Registration {
	workflow: Workflow;
	workflowData: IWorkflowBase;
	node: INode;
	webhookData: IWebhookData;
	trigger: ActiveTrigger;
}

let executionCounter = 0;

export class N8nWebhookEngine extends N8nEngine {
	/** Activations that called a webhook setup method, in order: `create workflow-1`. */
	readonly setupCalls: string[] = [];

	private readonly server = http.createServer((req, res) => {
		this.handle(req as WebhookRequest, res).catch((error: unknown) => {
			if (!res.headersSent) answer(res, 500, { message: String(error) });
		});
	});

	private readonly registrations = new Map<string, Registration>();

	private baseUrl = '';

	constructor(
		options: N8nEngineOptions,
		private readonly triggerType: string,
	) {
		super(options);
	}

	async listen(): Promise<void> {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	async close(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	/** Publishes a workflow holding only the trigger, as n8n's ActiveWorkflowManager would. */
	async activate(
		parameters: INodeParameters,
		credentials: INodeCredentials,
	): Promise<ActiveTrigger> {
		const workflowId = `wf-${randomUUID().slice(0, 8)}`;
		const node: INode = {
			id: randomUUID(),
			name: TRIGGER_NODE_NAME,
			type: this.triggerType,
			typeVersion: 1,
			position: [0, 0],
			parameters,
			credentials,
			webhookId: randomUUID(),
		};
		const workflowData: IWorkflowBase = {
			id: workflowId,
			name: `Webhook test ${workflowId}`,
			active: true,
			isArchived: false,
			activeVersionId: null,
			createdAt: new Date(),
			updatedAt: new Date(),
			nodes: [node],
			connections: {},
			settings: { executionOrder: 'v1' },
		};
		const workflow = new Workflow({
			id: workflowId,
			name: workflowData.name,
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes: this.nodeTypes,
			settings: workflowData.settings,
		});
		const webhookData = this.webhookDataOf(workflow, node);
		const trigger: ActiveTrigger = {
			url: `${this.baseUrl}/webhook/${webhookData.path}`,
			workflowId,
			executions: [],
			deactivate: async () => {
				await this.runSetupMethod('delete', workflow, webhookData);
				this.registrations.delete(webhookData.path);
			},
		};
		if (!(await this.runSetupMethod('checkExists', workflow, webhookData))) {
			await this.runSetupMethod('create', workflow, webhookData);
		}
		this.registrations.set(webhookData.path, {
			workflow,
			workflowData,
			node,
			webhookData,
			trigger,
		});
		return trigger;
	}

	/** WebhookService.getNodeWebhooks for the node's one POST webhook. */
	private webhookDataOf(workflow: Workflow, node: INode): IWebhookData {
		const [description] =
			this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description.webhooks ?? [];
		if (!description) throw new ApplicationError(`${node.type} declares no webhook`);
		const nodePath = String(
			workflow.expression.getSimpleParameterValue(node, description.path, 'internal', {}),
		);
		return {
			httpMethod: 'POST',
			node: node.name,
			path: NodeHelpers.getNodeWebhookPath(workflow.id, node, nodePath, false, false),
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: this.additionalData(),
			webhookId: node.webhookId,
		};
	}

	private async runSetupMethod(
		method: WebhookSetupMethodNames,
		workflow: Workflow,
		webhookData: IWebhookData,
	): Promise<boolean | undefined> {
		const node = workflow.getNode(webhookData.node) as INode;
		const nodeType = this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		const setup = nodeType.webhookMethods?.[webhookData.webhookDescription.name]?.[method];
		if (setup === undefined) return undefined;
		this.setupCalls.push(`${method} ${workflow.id}`);
		const context = new HookContext(
			workflow,
			node,
			webhookData.workflowExecuteAdditionalData,
			'trigger',
			'activate',
			webhookData,
		);
		return await setup.call(context);
	}

	private async handle(req: WebhookRequest, res: http.ServerResponse): Promise<void> {
		rawBodyReader(req);
		const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/^\/webhook\//, '');
		const registration = this.registrations.get(path);
		if (!registration || req.method !== 'POST') {
			answer(res, 404, {
				code: 404,
				message: `The requested webhook "${path}" is not registered.`,
			});
			return;
		}
		try {
			await parseBody(req);
		} catch {
			answer(res, 422, { code: 422, message: 'Failed to parse request body' });
			return;
		}
		await this.executeWebhook(registration, req, res);
	}

	private async executeWebhook(
		{ workflow, workflowData, node, webhookData, trigger }: Registration,
		req: WebhookRequest,
		res: http.ServerResponse,
	): Promise<void> {
		const additionalData = this.additionalData();
		additionalData.httpRequest = req as unknown as typeof additionalData.httpRequest;
		additionalData.httpResponse = res as unknown as typeof additionalData.httpResponse;
		const nodeType = this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		const context = new WebhookContext(
			workflow,
			node,
			additionalData,
			'webhook',
			webhookData,
			[],
			null,
		);

		let result: IWebhookResponseData;
		let errorData: Partial<IRunExecutionData> = {};
		try {
			result = (await nodeType.webhook?.call(context)) as IWebhookResponseData;
		} catch (error) {
			// n8n answers 500 and still records an execution that carries the error.
			answer(res, 500, {
				code: 0,
				message: 'Workflow Webhook Error: Workflow could not be started!',
			});
			const { message, stack } = error as Error;
			errorData = {
				resultData: {
					runData: {},
					lastNodeExecuted: node.name,
					error: { ...(error as object), message, stack } as never,
				},
			};
			result = { noWebhookResponse: true, workflowData: [[{ json: {} }]] };
		}
		if (result.workflowData === undefined) {
			if (!result.noWebhookResponse) {
				answer(
					res,
					200,
					(result.webhookResponse as IDataObject) ?? { message: 'Webhook call received' },
				);
			}
			return;
		}

		const executionId = `webhook-${++executionCounter}`;
		const runExecutionData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [{ node, data: { main: result.workflowData }, source: null }],
			},
		});
		Object.assign(runExecutionData, errorData);
		const runData = this.additionalData();
		runData.executionId = executionId;
		runData.hooks = new ExecutionLifecycleHooks('webhook', executionId, workflowData);
		trigger.executions.push(
			await new WorkflowExecute(runData, 'webhook', runExecutionData).processRunExecutionData(
				workflow,
			),
		);
		if (!result.noWebhookResponse) answer(res, 200, { message: 'Workflow was started' });
	}
}

/** The items the trigger emitted in an execution (the trigger passes them on unchanged). */
export function emittedItems(run: IRun): IDataObject[] {
	const main = run.data.resultData.runData[TRIGGER_NODE_NAME]?.[0]?.data?.main?.[0] ?? [];
	return main.map((item) => item.json);
}

/** middlewares/body-parser.ts rawBodyReader, without compression support. */
function rawBodyReader(req: WebhookRequest): void {
	readContentType(req);
	req.readRawBody = async () => {
		if (req.rawBody) return;
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		req.rawBody = Buffer.concat(chunks);
	};
}

/** What n8n's parseIncomingMessage reads from Content-Type: the media type and its charset. */
function readContentType(req: WebhookRequest): void {
	const [type, ...parameters] = (req.headers['content-type'] ?? '').split(';');
	if (!type) return;
	const charset = parameters
		.map((parameter) => parameter.split('='))
		.find(([key]) => key.trim().toLowerCase() === 'charset')?.[1];
	req.contentType = type.trim().toLowerCase();
	req.encoding = (charset?.trim().replace(/^"|"$/g, '').toLowerCase() ?? 'utf-8') as BufferEncoding;
}

/** middlewares/body-parser.ts parseBody, for the JSON, form and text bodies these tests send. */
async function parseBody(req: WebhookRequest): Promise<void> {
	if (req.contentType?.startsWith('multipart/')) return;
	await req.readRawBody();
	const { rawBody, contentType, encoding } = req;
	if (!rawBody?.length) return;
	const text = rawBody.toString(encoding);
	if (contentType === 'application/json') req.body = jsonParse(text);
	else if (contentType === 'application/x-www-form-urlencoded') req.body = parseQuery(text);
	else if (contentType === 'text/plain') req.body = text;
}

function answer(res: http.ServerResponse, status: number, body: unknown): void {
	if (res.headersSent) return;
	res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
	res.end(JSON.stringify(body));
}
