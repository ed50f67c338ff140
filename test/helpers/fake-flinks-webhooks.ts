import { createHmac, randomBytes } from 'crypto';

import type { FakeFlinksServer, SessionStatus } from './fake-flinks-server';

/**
 * Flinks' side of webhooks: an HMAC secret, signed deliveries in either documented form, and
 * the event a session's final state produces. It drives the fake server's sessions, so an event
 * and what Get Details answers agree, as they would at Flinks.
 */

/**
 * `flinks`: `X-Flinks-Signature: <base64>`; `webhook`: `X-Webhook-Signature: sha256=<HEX>`;
 * `connect`: Flinks Connect's `flinks-authenticity-key: <base64>`.
 */
export type SignatureForm = 'flinks' | 'webhook' | 'connect';

export interface DeliverOptions {
	/** Default `webhook`; `none` sends no signature header. */
	form?: SignatureForm | 'none';
	/** Signs with this secret instead of the one Flinks handed over. */
	secret?: string;
	/** Changes the body after it was signed, as a tampering proxy would. */
	tamper?: (rawBody: string) => string;
	/** Default `application/json`. */
	contentType?: string;
	/** Lower-case hex for the `webhook` form (Flinks documents upper case). */
	lowerCaseHex?: boolean;
}

export interface DeliveryAnswer {
	status: number;
	/** Parsed JSON, or the text when the answer is not JSON. */
	body: unknown;
}

export type FlinksEventBody = Record<string, unknown>;

export function signatureHeaders(
	rawBody: string | Buffer,
	secret: string,
	form: SignatureForm,
	lowerCaseHex = false,
): Record<string, string> {
	const digest = createHmac('sha256', secret).update(rawBody).digest();
	if (form === 'flinks') return { 'X-Flinks-Signature': digest.toString('base64') };
	if (form === 'connect') return { 'flinks-authenticity-key': digest.toString('base64') };
	const hex = digest.toString('hex');
	return { 'X-Webhook-Signature': `sha256=${lowerCaseHex ? hex : hex.toUpperCase()}` };
}

export class FakeFlinksWebhooks {
	readonly secret = `whsec_${randomBytes(24).toString('base64url')}`;

	constructor(private readonly server: FakeFlinksServer) {}

	/** Moves the session to its final `status` on the fake server and returns the event Flinks sends. */
	finish(
		sessionId: string,
		status: SessionStatus,
		overrides: FlinksEventBody = {},
	): FlinksEventBody {
		const session = this.server.session(sessionId);
		if (session) session.status = status;
		return {
			sessionId,
			referenceId: session?.referenceId ?? null,
			status,
			statusDetails: session?.statusDetails ?? null,
			when: new Date().toISOString(),
			...overrides,
		};
	}

	/**
	 * The Guaranteed EFT `SessionSetupStatusChanged` event for a session's current state (set it
	 * first, e.g. with `server.eft.complete`). Its body is not published beyond "the same fields as
	 * GET /status" and `when`: `envelope` puts those fields under `data` instead of the top level.
	 */
	sessionSetupStatusChanged(sessionId: string, { envelope = false } = {}): FlinksEventBody {
		const session = this.server.session(sessionId);
		const fields = {
			sessionId,
			referenceId: session?.referenceId ?? null,
			amount: session?.amount ?? null,
			status: session?.status,
			statusDetails: session?.statusDetails ?? null,
		};
		const when = new Date().toISOString();
		return envelope
			? { eventType: 'SessionSetupStatusChanged', when, data: fields }
			: { eventType: 'SessionSetupStatusChanged', ...fields, when };
	}

	/** POSTs an event (an object, or raw text sent as is) to a webhook URL, signed as asked. */
	async deliver(
		url: string,
		event: FlinksEventBody | string,
		options: DeliverOptions = {},
	): Promise<DeliveryAnswer> {
		const rawBody = typeof event === 'string' ? event : JSON.stringify(event);
		const form = options.form ?? 'webhook';
		const signature =
			form === 'none'
				? {}
				: signatureHeaders(rawBody, options.secret ?? this.secret, form, options.lowerCaseHex);
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': options.contentType ?? 'application/json', ...signature },
			body: options.tamper ? options.tamper(rawBody) : rawBody,
		});
		const text = await response.text();
		let body: unknown = text;
		try {
			body = JSON.parse(text);
		} catch {
			// Not JSON: keep the text.
		}
		return { status: response.status, body };
	}
}
