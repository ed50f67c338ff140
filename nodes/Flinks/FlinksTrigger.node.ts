import type {
	IHookFunctions,
	IDataObject,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { scrubSecretsDeep } from '../../credentials/secretText';
import { shorten } from './api/values';
import { connectDeliveryItems, readConnectDelivery, readConnectSettings } from './trigger/connect';
import { confirmSession } from './trigger/confirm';
import { readSettings, triggerProperties } from './trigger/description';
import type { FlinksEvent } from './trigger/event';
import { parseEventBody, readFlinksEvent, staleEventProblem } from './trigger/event';
import { confirmedItem, eventItem } from './trigger/items';
import type { RepeatKey } from './trigger/repeats';
import { claimDelivery, forgetRepeat, isRepeat, rememberAgain } from './trigger/repeats';
import { testWebhookSecret, webhookSecret } from './trigger/secret';
import type { RequestHeaders } from './trigger/signature';
import {
	checkSignature,
	CONNECT_SIGNATURE_HEADERS,
	describeSignatureProblem,
} from './trigger/signature';

/** The parts of n8n's webhook request and response the trigger uses (plain Node.js http). */
interface DeliveryRequest {
	headers: RequestHeaders;
	contentType?: string;
	rawBody?: Buffer;
	readRawBody(): Promise<void>;
}

interface DeliveryResponse {
	writeHead(statusCode: number, headers: Record<string, string>): unknown;
	end(body: string): unknown;
}

export class FlinksTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Flinks Trigger',
		name: 'flinksTrigger',
		icon: {
			light: 'file:flinks.svg',
			dark: 'file:flinks.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ $parameter["source"] === "connect" ? "On Flinks Connect results" : "On " + $parameter["events"].map((event) => event[0].toUpperCase() + event.slice(1)).join(", ") }}',
		description:
			'Starts the workflow when a Flinks Pay session (e-Transfer, EFT or Guaranteed EFT) completes, fails or is cancelled, or when Flinks Connect sends a bank data result',
		defaults: { name: 'Flinks Trigger' },
		// The editor's Docs link: used as is (from the codex it would get a query after the #anchor).
		documentationUrl: 'https://github.com/n8n-nodes-flinks/n8n-nodes-flinks#flinks-trigger',
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			// Each selector says what it is for: without a displayName, n8n labels both "Credential to connect with".
			{
				name: 'flinksWebhookApi',
				displayName: 'Flinks Webhook API (the signing secret)',
				required: true,
				testedBy: 'flinksWebhookSecret',
			},
			// Used by Confirm With Flinks only. No displayOptions: n8n's editor reads a parameter named in
			// a credential's displayOptions as the node's authentication choice, and then offered
			// Flinks Pay API credentials in the Flinks Webhook API credential's place.
			{
				name: 'flinksPayApi',
				displayName: 'Flinks Pay API (for Confirm With Flinks)',
				required: false,
			},
		],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: triggerProperties,
	};

	methods = { credentialTest: { flinksWebhookSecret: testWebhookSecret } };

	// Flinks registers webhook URLs only through its support desk: there is nothing to create or
	// delete through an API, so activation succeeds without a request and the notice says what to do.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject() as unknown as DeliveryRequest;
		const response = this.getResponseObject() as unknown as DeliveryResponse;
		const rawBody = await rawBodyOf(request);
		const secret = await webhookSecret(this);
		const connect = this.getNodeParameter('source', 'pay') === 'connect';
		const signature = checkSignature(
			rawBody ?? Buffer.alloc(0),
			request.headers,
			secret,
			connect ? CONNECT_SIGNATURE_HEADERS : undefined,
		);
		if (!signature.valid) {
			const problem =
				connect && signature.problem === 'missing'
					? 'The delivery carries no flinks-authenticity-key or X-Flinks-Signature header'
					: describeSignatureProblem(signature.problem);
			return refuse(this, response, 401, problem);
		}

		const parsed = rawBody && parseEventBody(rawBody);
		if (!parsed) return refuse(this, response, 400, 'The delivery body is not a JSON object');
		// A sender that echoes the secret it signs with: the item, answers and logs never show it.
		const body = scrubSecretsDeep(parsed, [secret]);
		const settings = readSettings(this);
		if (connect) return connectResult(this, body, settings.repeatWindowMs);
		const event = readFlinksEvent(body);
		const receivedAt = Date.now();
		if (event.unreadableTime !== null) warnUnreadableTime(this, event.unreadableTime);
		const stale = staleEventProblem(event.occurredAt, receivedAt, settings.replayWindowMs);
		if (stale) return refuse(this, response, 401, stale);

		if (event.status === null || !settings.statuses.has(event.status)) {
			return acknowledge(
				this,
				`Not an event this trigger starts on (status ${event.status === null ? 'missing' : shorten(event.status)})`,
			);
		}
		const repeatKey = repeatKeyOf(this, event, settings.repeatWindowMs);
		const claim = repeatKey && (await claimDelivery(repeatKey, settings.repeatWindowMs));
		if (claim && claim.repeat) {
			return acknowledge(
				this,
				`Repeat of session ${shorten(event.sessionId ?? '')} reaching ${shorten(event.status ?? '')}`,
			);
		}
		const item = eventItem(event, body, receivedAt);
		try {
			if (!settings.confirmWithFlinks) return { workflowData: [[{ json: item }]] };
			return await startConfirmed(this, { event, item, repeatKey, secret });
		} finally {
			// A copy of this delivery waiting meanwhile now knows whether it is a repeat.
			if (claim) claim.decided();
		}
	}
}

/**
 * A Flinks Connect delivery (its signature checked): the items Get Accounts Detail would give, or
 * the KYC result. Flinks resends up to 10 times, 30 minutes apart: repeats start nothing.
 */
function connectResult(
	ctx: IWebhookFunctions,
	body: IDataObject,
	repeatWindowMs: number,
): IWebhookResponseData {
	const { responseTypes, output } = readConnectSettings(ctx);
	const delivery = readConnectDelivery(body);
	const type = delivery.responseType ?? 'missing';
	if (!responseTypes.has(type.toLowerCase())) {
		return acknowledge(ctx, `Not a result this trigger starts on (ResponseType ${shorten(type)})`);
	}
	const key = delivery.requestId && {
		scope: `${ctx.getWorkflow().id ?? ''}/${ctx.getNode().id}`,
		sessionId: delivery.requestId,
		status: type,
	};
	const now = Date.now();
	if (key && repeatWindowMs > 0 && isRepeat(key, repeatWindowMs, now)) {
		// Flinks resends 30 minutes apart, up to 10 times: the window runs from the latest resend.
		rememberAgain(key, now);
		return acknowledge(
			ctx,
			`Repeat of the ${shorten(type)} result of request ${shorten(key.sessionId)}`,
		);
	}
	return { workflowData: [connectDeliveryItems(delivery, body, output).map((json) => ({ json }))] };
}

/** With Confirm With Flinks: starts the workflow with Flinks' own state, or nothing for a session Flinks does not know. */
async function startConfirmed(
	ctx: IWebhookFunctions,
	{
		event,
		item,
		repeatKey,
		secret,
	}: { event: FlinksEvent; item: IDataObject; repeatKey?: RepeatKey; secret: string },
): Promise<IWebhookResponseData> {
	const confirmation = scrubSecretsDeep(await confirmSession(ctx, event.sessionId), [secret]);
	const session = shorten(event.sessionId ?? 'missing');
	if (confirmation.outcome === 'unknownSession') {
		// Only what started an execution is remembered: a redelivery after a fix must start one.
		if (repeatKey) forgetRepeat(repeatKey);
		ctx.logger.warn(
			`Flinks Trigger: Flinks does not know session ${session} (Get Details answered 404), so the ${shorten(event.status ?? '')} event started nothing. Check that the Flinks Pay API credential uses the environment that sends the webhooks.`,
		);
		return acknowledge(ctx, `Flinks does not know session ${session}`);
	}
	if (confirmation.outcome === 'unconfirmed') {
		ctx.logger.warn(`Flinks Trigger: session ${session} not confirmed: ${confirmation.reason}`);
	}
	return { workflowData: [[{ json: confirmedItem(item, confirmation) }]] };
}

/** A timestamp in a form that reads differently by place: never judged, said in n8n's log. */
function warnUnreadableTime(ctx: IWebhookFunctions, time: string): void {
	ctx.logger.warn(
		`Flinks Trigger: the event's time "${shorten(time)}" is in no format read the same on every server (ISO 8601, RFC 1123, seconds or milliseconds since 1970), so the Replay Window was not applied to it and occurredAt is when n8n received it`,
	);
}

/** n8n has read the raw body for this node already (version 1 webhooks always are); else read it. */
async function rawBodyOf(request: DeliveryRequest): Promise<Buffer | undefined> {
	if (!Buffer.isBuffer(request.rawBody) && request.contentType !== 'multipart/form-data') {
		await request.readRawBody();
	}
	return Buffer.isBuffer(request.rawBody) ? request.rawBody : undefined;
}

/** Which (trigger, session, status) a delivery is, for Ignore Repeats; undefined when it is off. */
function repeatKeyOf(
	ctx: IWebhookFunctions,
	event: FlinksEvent,
	windowMs: number,
): RepeatKey | undefined {
	if (windowMs === 0 || event.sessionId === null || event.status === null) return undefined;
	const scope = `${ctx.getWorkflow().id ?? ''}/${ctx.getNode().id}`;
	return { scope, sessionId: event.sessionId, status: event.status };
}

/** Answers a delivery that must start nothing, and says why in n8n's log (never the body). */
function refuse(
	ctx: IWebhookFunctions,
	response: DeliveryResponse,
	statusCode: 400 | 401,
	message: string,
): IWebhookResponseData {
	ctx.logger.warn(`Flinks Trigger refused a delivery (HTTP ${statusCode}): ${message}`);
	response.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8' });
	response.end(JSON.stringify({ message }));
	return { noWebhookResponse: true };
}

/** A genuine delivery that starts nothing: n8n answers 200 with this message. */
function acknowledge(ctx: IWebhookFunctions, message: string): IWebhookResponseData {
	ctx.logger.debug(`Flinks Trigger: ${message}`);
	return { webhookResponse: { message } as IDataObject };
}
