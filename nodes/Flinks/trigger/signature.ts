import { createHmac, timingSafeEqual } from 'crypto';

/** The two headers Flinks documents; Node.js lower-cases header names. */
const SIGNATURE_HEADERS = ['x-flinks-signature', 'x-webhook-signature'];

/** Flinks Connect's webhooks: base64 in flinks-authenticity-key (older page) or X-Flinks-Signature. */
export const CONNECT_SIGNATURE_HEADERS = ['flinks-authenticity-key', 'x-flinks-signature'];

const DIGEST_BYTES = 32;
const HEX_DIGEST = /^[0-9a-f]{64}$/i;
const BASE64_DIGEST = /^[A-Za-z0-9+/]{43}=?$/;
const ALGORITHM_PREFIX = /^sha256=/i;

export type SignatureProblem = 'missing' | 'malformed' | 'mismatch';

export type SignatureCheck = { valid: true } | { valid: false; problem: SignatureProblem };

export type RequestHeaders = Record<string, string | string[] | undefined>;

/**
 * Checks a delivery's HMAC-SHA256 over its raw body. Flinks documents two forms:
 * `X-Flinks-Signature: <base64>` and `X-Webhook-Signature: sha256=<HEX>`. Each header is
 * read leniently (base64 or hex in any case, `sha256=` optional) and compared in constant time;
 * the delivery is valid when a header it carries matches.
 */
export function checkSignature(
	rawBody: Buffer,
	headers: RequestHeaders,
	secret: string,
	headerNames: string[] = SIGNATURE_HEADERS,
): SignatureCheck {
	const presented = headerNames.map((name) => headers[name]).filter((value) => value !== undefined);
	if (presented.length === 0) return { valid: false, problem: 'missing' };

	const expected = createHmac('sha256', secret).update(rawBody).digest();
	const digests = presented.map(decodeDigest);
	if (digests.some((digest) => digest !== undefined && timingSafeEqual(digest, expected))) {
		return { valid: true };
	}
	return {
		valid: false,
		problem: digests.every((digest) => digest === undefined) ? 'malformed' : 'mismatch',
	};
}

/** A 32-byte digest from a header value; undefined when it is neither base64 nor hex of that size. */
function decodeDigest(value: string | string[] | undefined): Buffer | undefined {
	if (typeof value !== 'string') return undefined;
	const digest = value.trim().replace(ALGORITHM_PREFIX, '');
	if (HEX_DIGEST.test(digest)) return Buffer.from(digest, 'hex');
	if (BASE64_DIGEST.test(digest)) {
		const bytes = Buffer.from(digest, 'base64');
		return bytes.length === DIGEST_BYTES ? bytes : undefined;
	}
	return undefined;
}

export function describeSignatureProblem(problem: SignatureProblem): string {
	switch (problem) {
		case 'missing':
			return 'The delivery carries no X-Flinks-Signature or X-Webhook-Signature header';
		case 'malformed':
			return 'The delivery signature is not an HMAC-SHA256 digest (base64 or hex)';
		case 'mismatch':
			return 'The delivery signature does not match its body and the Flinks Webhook API secret';
	}
}
