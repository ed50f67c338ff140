/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- test and tooling code runs in plain Node, never inside n8n; it unpacks and packs a tarball with tar */
/**
 * An oracle to measure the adaptive window against: a copy of a packed tarball whose calls' window
 * is fixed at `places` from the first request on (no slow start, never narrowed by a 429, never
 * grown), as if Flinks' limit were known in advance. Creates' token requests keep their own window
 * and token places, as in the real package. For measuring only — never publish what it writes.
 *
 *   npx tsx scripts/bench/fixed-window-tarball.ts n8n-nodes-flinks-0.1.0.tgz 10 fixed-10.tgz
 *   BENCH_ROWS=0,4 npx tsx scripts/bench/compare-n8n.ts fixed-10.tgz n8n-nodes-flinks-0.1.0.tgz
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';

const COMPILED = 'package/dist/nodes/Flinks/api/concurrency.js';

/** Each edit must apply exactly once, or the tarball is not the build this was written for. */
function edit(source: string, find: RegExp, replace: string): string {
	const matches = source.match(new RegExp(find.source, `${find.flags}g`)) ?? [];
	if (matches.length !== 1) {
		throw new Error(`${COMPILED}: expected one match of ${find}, found ${matches.length}`);
	}
	return source.replace(find, replace);
}

function main(): void {
	const [input, placesArg, output] = process.argv.slice(2);
	const places = Number(placesArg);
	if (!input || !output || !Number.isInteger(places) || places < 1) {
		throw new Error('Usage: fixed-window-tarball.ts in.tgz <places> out.tgz');
	}
	const work = mkdtempSync(path.join(os.tmpdir(), 'flinks-fixed-window-'));
	try {
		execFileSync('tar', ['xzf', path.resolve(input), '-C', work]);
		const file = path.join(work, COMPILED);
		let source = readFileSync(file, 'utf8');
		// The calls' window (the one without a window above it) starts at `places`...
		source = edit(
			source,
			/\(above \? Infinity : ConcurrencyWindow\.ADAPTIVE_START\)/,
			`(above ? Infinity : ${places})`,
		);
		// ...is not narrowed by congestion (the token requests' window still is)...
		source = edit(
			source,
			/(recordCongestion\(\{ startedAt, inFlightAtSend, retryAfterMs \}\) \{)/,
			'$1\n        if (!this.above) return false;',
		);
		// ...and does not grow.
		source = edit(source, /(\n {4}grow\(\) \{)/, '$1\n        if (!this.above) return;');
		writeFileSync(file, source);
		execFileSync('tar', ['czf', path.resolve(output), '-C', work, 'package']);
		process.stdout.write(`${output}: calls' window fixed at ${places}\n`);
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

main();
