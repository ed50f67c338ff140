import { createHmac } from 'crypto';

import { checkSignature } from '../nodes/Flinks/trigger/signature';
import { signatureHeaders } from './helpers/fake-flinks-webhooks';

const SECRET = 'whsec_unit-test-secret';
// Spacing and key order as sent: re-serialising the parsed JSON would change the digest.
const RAW =
	'{ "sessionId": "aadd08f2-5a8d-4d3c-9a3e-0f3b6e1c2d4f",  "status": "Completed", "note": "café" }';
const body = Buffer.from(RAW, 'utf8');

/** Header names as Node.js hands them to n8n: lower case. */
function lowerCased(headers: Record<string, string>): Record<string, string> {
	return Object.fromEntries(
		Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
	);
}

const hexDigest = createHmac('sha256', SECRET).update(body).digest('hex');
const base64Digest = createHmac('sha256', SECRET).update(body).digest('base64');

describe('Flinks webhook signatures', () => {
	it('accepts both documented forms over the raw body', () => {
		for (const form of ['flinks', 'webhook'] as const) {
			const headers = lowerCased(signatureHeaders(RAW, SECRET, form));
			expect(checkSignature(body, headers, SECRET)).toEqual({ valid: true });
		}
	});

	it('accepts hex in any case, with or without the sha256= prefix', () => {
		for (const value of [
			`sha256=${hexDigest.toUpperCase()}`,
			`sha256=${hexDigest}`,
			`SHA256=${hexDigest}`,
			hexDigest,
			`  sha256=${hexDigest}  `,
		]) {
			expect(checkSignature(body, { 'x-webhook-signature': value }, SECRET)).toEqual({
				valid: true,
			});
		}
		expect(
			checkSignature(body, { 'x-flinks-signature': base64Digest.replace(/=$/, '') }, SECRET),
		).toEqual({
			valid: true,
		});
	});

	it('refuses a delivery without a signature header as missing', () => {
		expect(checkSignature(body, { 'content-type': 'application/json' }, SECRET)).toEqual({
			valid: false,
			problem: 'missing',
		});
	});

	it('refuses values that are not a SHA-256 digest as malformed', () => {
		const truncatedHex = hexDigest.slice(0, 62);
		const shortBase64 = Buffer.alloc(31, 1).toString('base64');
		for (const value of [
			'',
			'not-a-signature',
			`sha256=${truncatedHex}`,
			shortBase64,
			`${hexDigest}00`,
		]) {
			expect(checkSignature(body, { 'x-webhook-signature': value }, SECRET)).toEqual({
				valid: false,
				problem: 'malformed',
			});
		}
	});

	it('refuses a signature made with another secret, or over another body, as a mismatch', () => {
		const otherSecret = lowerCased(signatureHeaders(RAW, `${SECRET}x`, 'webhook'));
		const reserialised = lowerCased(
			signatureHeaders(JSON.stringify(JSON.parse(RAW)), SECRET, 'flinks'),
		);
		const tampered = Buffer.from(RAW.replace('Completed', 'Completes'), 'utf8');
		const expectation = { valid: false, problem: 'mismatch' };

		expect(checkSignature(body, otherSecret, SECRET)).toEqual(expectation);
		expect(checkSignature(body, reserialised, SECRET)).toEqual(expectation);
		expect(
			checkSignature(tampered, lowerCased(signatureHeaders(RAW, SECRET, 'webhook')), SECRET),
		).toEqual(expectation);
	});

	it('is valid when one of the two headers matches, and a mismatch when a well-formed one does not', () => {
		const wrong = createHmac('sha256', 'other').update(body).digest('hex');
		expect(
			checkSignature(
				body,
				{ 'x-flinks-signature': 'garbage', 'x-webhook-signature': `sha256=${hexDigest}` },
				SECRET,
			),
		).toEqual({ valid: true });
		expect(
			checkSignature(
				body,
				{ 'x-flinks-signature': 'garbage', 'x-webhook-signature': wrong },
				SECRET,
			),
		).toEqual({ valid: false, problem: 'mismatch' });
	});
});
