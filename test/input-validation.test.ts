import { randomUUID } from 'crypto';

import type { FlinksTestBed } from './helpers/flinks-test-bed';
import { cancelParameters, useTestBed } from './helpers/flinks-test-bed';

const VALID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const ONE_MB = 1024 * 1024;

/** Swaps the first occurrence of `from` in a valid UUID for a look-alike. */
const lookAlike = (from: string, to: string) => VALID.replace(from, to);
const fullwidthDigits = VALID.replace(/\d/g, (digit) =>
	String.fromCharCode(0xff10 + Number(digit)),
);

/** [label, Session ID value, what the error says about it between "Invalid Session ID: " and " [item 0]"] */
const badSessionIds: Array<[string, unknown, string]> = [
	['empty', '', 'it is empty'],
	['only whitespace', ' \t\n ', 'it is empty'],
	['not a UUID', 'abc-123', '"abc-123" is not a UUID'],
	['a UUID without hyphens', VALID.replace(/-/g, ''), `"${VALID.replace(/-/g, '')}" is not a UUID`],
	['a UUID in braces', `{${VALID}}`, `"{${VALID}}" is not a UUID`],
	['a UUID one digit short', VALID.slice(1), `"${VALID.slice(1)}" is not a UUID`],
	['a parent path', '../x', '"../x" is not a UUID'],
	['a sub path', 'a/b', '"a/b" is not a UUID'],
	['an encoded parent path', '%2e%2e', '"%2e%2e" is not a UUID'],
	[
		'a UUID followed by a path',
		`${VALID}/../../v1/authorize`,
		`"${VALID}/../../v1/authorize" is not a UUID`,
	],
	['a UUID with an encoded slash', `${VALID}%2Fcancel`, `"${VALID}%2Fcancel" is not a UUID`],
	['a query', 'id?x=1', '"id?x=1" is not a UUID'],
	['a UUID with a query', `${VALID}?x=1`, `"${VALID}?x=1" is not a UUID`],
	['a UUID with a fragment', `${VALID}#x`, `"${VALID}#x" is not a UUID`],
	[
		'a UUID with a control character',
		`${VALID.slice(0, 8)}\u0000${VALID.slice(8)}`,
		`"${VALID.slice(0, 8)}?${VALID.slice(8)}" is not a UUID`,
	],
	['a number', 42, 'expected text, got a number (42)'],
	['zero', 0, 'expected text, got a number (0)'],
	['a boolean', true, 'expected text, got a boolean (true)'],
	['null', null, 'expected text, got null'],
	['missing (undefined)', undefined, 'expected text, got undefined'],
	['an object', { sessionId: VALID }, 'expected text, got an object'],
	['an array', [VALID], 'expected text, got a list'],
	['an empty array', [], 'expected text, got a list'],
	[
		'a 1 MB string',
		'a'.repeat(ONE_MB),
		`"${'a'.repeat(60)}… (${ONE_MB} characters)" is not a UUID`,
	],
	[
		'a UUID followed by 1 MB',
		VALID + 'x'.repeat(ONE_MB),
		`"${VALID + 'x'.repeat(24)}… (${ONE_MB + 36} characters)" is not a UUID`,
	],
	[
		'a UUID with a Cyrillic а',
		lookAlike('a', '\u0430'),
		`"${lookAlike('a', '\u0430')}" is not a UUID`,
	],
	[
		'a UUID with a Cyrillic е',
		lookAlike('e', '\u0435'),
		`"${lookAlike('e', '\u0435')}" is not a UUID`,
	],
	['a UUID with fullwidth digits', fullwidthDigits, `"${fullwidthDigits}" is not a UUID`],
	[
		'a UUID with an Arabic-Indic digit',
		lookAlike('3', '\u0663'),
		`"${lookAlike('3', '\u0663')}" is not a UUID`,
	],
	[
		'a UUID with a non-breaking hyphen',
		lookAlike('-', '\u2011'),
		`"${lookAlike('-', '\u2011')}" is not a UUID`,
	],
	[
		'a UUID with an en dash',
		lookAlike('-', '\u2013'),
		`"${lookAlike('-', '\u2013')}" is not a UUID`,
	],
	[
		'a UUID with a zero-width space',
		lookAlike('-', '-\u200b'),
		`"${lookAlike('-', '-\u200b')}" is not a UUID`,
	],
];

let bed: FlinksTestBed;

useTestBed((started) => (bed = started));

describe('Session ID validation', () => {
	it.each(badSessionIds)(
		'rejects a Session ID that is %s, naming the item and sending no request',
		async (_label, value, problem) => {
			const run = await bed.engine.run({
				items: [{ sessionId: value as string }],
				parameters: cancelParameters(),
			});

			expect(run.items).toHaveLength(0);
			expect(run.error?.message).toBe(`Invalid Session ID: ${problem} [item 0]`);
			expect(run.error?.message.length).toBeLessThan(200);
			expect(run.error?.description).toContain('No request was sent.');
			expect(run.error?.context.itemIndex).toBe(0);
			expect(bed.server.requests).toHaveLength(0);
		},
	);

	it.each([
		['surrounding spaces', `  ${VALID}  `],
		['a tab and a newline', `\t${VALID}\n`],
		['upper case', VALID.toUpperCase()],
	])('accepts a UUID with %s', async (_label, value) => {
		const session = bed.server.addSession({ sessionId: VALID });
		const run = await bed.engine.run({
			items: [{ sessionId: value }],
			parameters: cancelParameters(),
		});

		expect(run.error).toBeUndefined();
		expect(run.items[0].json).toMatchObject({ sessionId: session.sessionId, status: 'Cancelled' });
		expect(
			bed.server.requests.filter((r) => r.path.startsWith('/api/v2/')).map((r) => r.url),
		).toEqual([`/api/v2/sessions/${value.trim()}/cancel`]);
	});

	it('fails each bad item on its own and cancels the good ones in the same batch', async () => {
		const [first, last] = bed.server.addSessions(2);
		const values = [
			` ${first.sessionId} `,
			...badSessionIds.map(([, value]) => value),
			last.sessionId,
		];
		const run = await bed.engine.run({
			items: values.map((sessionId) => ({ sessionId: sessionId as string })),
			parameters: cancelParameters(),
			onError: 'continueRegularOutput',
		});

		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.pairedItem)).toEqual(
			values.map((_value, item) => ({ item })),
		);
		expect(run.items[0].json).toMatchObject({ sessionId: first.sessionId, status: 'Cancelled' });
		expect(run.items[values.length - 1].json).toMatchObject({
			sessionId: last.sessionId,
			status: 'Cancelled',
		});
		badSessionIds.forEach(([, , problem], index) => {
			expect(run.items[index + 1].json).toEqual({
				error: `Invalid Session ID: ${problem} [item ${index + 1}]`,
			});
		});
		// Only the two good sessions reached Flinks; nothing else was requested.
		expect(bed.server.requests.map((r) => r.url).sort()).toEqual(
			[
				'/api/v1/authorize',
				...[first, last].map((s) => `/api/v2/sessions/${s.sessionId}/cancel`),
			].sort(),
		);
	});

	it('sends nothing at all, not even the token exchange, when every item is bad', async () => {
		const run = await bed.engine.run({
			items: badSessionIds.map(([, value]) => ({ sessionId: value as string })),
			parameters: cancelParameters(),
			onError: 'continueErrorOutput',
		});

		expect(run.items).toHaveLength(0);
		expect(run.errorItems).toHaveLength(badSessionIds.length);
		expect(run.errorItems.map((item) => item.pairedItem)).toEqual(
			badSessionIds.map((_bad, item) => ({ item })),
		);
		expect(bed.server.requests).toHaveLength(0);
	});

	it('never turns an unknown but well-formed UUID into anything but a 404 for that session', async () => {
		const unknown = randomUUID();
		const run = await bed.engine.run({
			items: [{ sessionId: unknown }],
			parameters: cancelParameters(),
			onError: 'continueRegularOutput',
		});
		expect(run.items[0].json.error).toMatch(
			new RegExp(`^Cancelling session ${unknown}: Flinks answered HTTP 404`),
		);
		expect(bed.server.requests.map((r) => r.url)).toEqual([
			'/api/v1/authorize',
			`/api/v2/sessions/${unknown}/cancel`,
		]);
	});
});
