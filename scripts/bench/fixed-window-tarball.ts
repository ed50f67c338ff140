/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- test and tooling code runs in plain Node, never inside n8n; it unpacks and packs a tarball with tar */
/**
 * An oracle to measure the adaptive window against: a copy of a packed tarball whose calls' window
 * is fixed at `places` from the first request on (no slow start, never narrowed by a 429, never
 * grown; also after an idle minute), as if Flinks' limit were known in advance. Creates' token
 * requests keep their own window and token places, as in the real package. With `paceMs`, each
 * call also waits, once it has its place, until `paceMs` after the previous call's send. For
 * measuring only: never publish what it writes (the pacing uses a timer, which n8n's rules forbid
 * in a node).
 *
 *   npx tsx scripts/bench/fixed-window-tarball.ts n8n-nodes-flinks-0.1.0.tgz 10 fixed-10.tgz
 *   npx tsx scripts/bench/fixed-window-tarball.ts n8n-nodes-flinks-0.1.0.tgz 11 paced-11.tgz 6.5
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
	const [input, placesArg, output, paceArg] = process.argv.slice(2);
	const places = Number(placesArg);
	const paceMs = paceArg === undefined ? undefined : Number(paceArg);
	const paceValid = paceMs === undefined || paceMs > 0;
	if (!input || !output || !Number.isInteger(places) || places < 1 || !paceValid) {
		throw new Error('Usage: fixed-window-tarball.ts in.tgz <places> out.tgz [paceMs]');
	}
	const work = mkdtempSync(path.join(os.tmpdir(), 'flinks-fixed-window-'));
	try {
		execFileSync('tar', ['xzf', path.resolve(input), '-C', work]);
		const file = path.join(work, COMPILED);
		let source = readFileSync(file, 'utf8');
		// The calls' window (`exchanges` starts unbounded) starts at `places`, and restarts there...
		source = edit(
			source,
			/ConcurrencyWindow\.ADAPTIVE_START = \d+;/,
			`ConcurrencyWindow.ADAPTIVE_START = ${places};`,
		);
		// ...is not narrowed by congestion (the token requests' window still is)...
		source = edit(
			source,
			/(recordCongestion\(\{ startedAt, inFlightAtSend, retryAfterMs \}\) \{)/,
			'$1\n        if (!this.above) return false;',
		);
		// ...and does not grow.
		source = edit(source, /(\n {4}grow\(\) \{)/, '$1\n        if (!this.above) return;');
		if (paceMs !== undefined) {
			// ...and, paced, sends at most one call per `paceMs`.
			source = edit(
				source,
				/return await this\.calls\.take\(signal, urgent\);/,
				[
					'const taken = await this.calls.take(signal, urgent);',
					'        if (!this.above) {',
					'            const now = Date.now();',
					'            const at = Math.max(now, this.pacedUntil ?? 0);',
					`            this.pacedUntil = at + ${paceMs};`,
					'            if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));',
					'        }',
					'        return taken;',
				].join('\n'),
			);
		}
		writeFileSync(file, source);
		execFileSync('tar', ['czf', path.resolve(output), '-C', work, 'package']);
		const paced = paceMs === undefined ? '' : `, one send per ${paceMs} ms`;
		process.stdout.write(`${output}: calls' window fixed at ${places}${paced}\n`);
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

main();
