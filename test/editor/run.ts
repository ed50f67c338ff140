/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- test and tooling code runs in plain Node, never inside n8n */
/**
 * `npm run test:editor`: the package as a person meets it in the n8n editor. For each release in
 * test/e2e/n8n-versions.json (N8N_E2E_VERSIONS=2.8.4 picks some), a real `n8n start` with the packed
 * package installed as n8n installs community packages, the fake Flinks server beside it, and
 * Debian's Chromium (installed when missing) driven by playwright-core through EDITOR_WALK.
 * Each step leaves a screenshot in test-results/editor/<release>/ (git-ignored); a failure names
 * the step and keeps its screenshot, the page's console log and n8n's log there.
 */
import { writeFileSync } from 'fs';
import path from 'path';

import { ensureN8n, n8nVersions } from '../e2e/n8n-install';
import { buildAndPack, removeTarball, REPO_ROOT } from '../e2e/package-tarball';
import { EditorBed, ensureChromium } from './editor-bed';
import { EDITOR_WALK } from './steps';
import type { StepTiming } from './walk';
import { runWalk } from './walk';

export const RESULTS = path.join(REPO_ROOT, 'test-results', 'editor');

const log = (line: string) => process.stdout.write(`${line}\n`);

/** One release's walk; returns the step timings, or throws naming the failed step. */
export async function walkRelease(
	version: ReturnType<typeof n8nVersions>[number],
	tarball: string,
	chromium: string,
): Promise<StepTiming[]> {
	const install = await ensureN8n(version, log);
	const folder = path.join(RESULTS, version.n8n);
	const started = Date.now();
	const bed = await EditorBed.open(install, tarball, chromium);
	log(
		`n8n ${version.n8n} up in ${((Date.now() - started) / 1000).toFixed(1)} s; walking the editor`,
	);
	try {
		return await runWalk(bed.walk, EDITOR_WALK, folder, log);
	} catch (error) {
		writeFileSync(path.join(folder, 'n8n.log'), bed.n8nLog);
		throw error;
	} finally {
		await bed.close();
	}
}

async function main(): Promise<void> {
	const chromium = await ensureChromium(log);
	const tarball = await buildAndPack(log);
	const results: Array<{ release: string; timings?: StepTiming[]; error?: string }> = [];
	try {
		for (const version of n8nVersions()) {
			log(`\n== n8n ${version.n8n}`);
			try {
				results.push({
					release: version.n8n,
					timings: await walkRelease(version, tarball, chromium),
				});
			} catch (error) {
				const message = error instanceof Error ? error.message : String(error);
				log(message);
				results.push({ release: version.n8n, error: message });
			}
		}
	} finally {
		removeTarball(tarball);
	}
	log('\n== seconds per step');
	log(['step', ...results.map((result) => result.release)].join(' | '));
	for (const [index, step] of EDITOR_WALK.entries()) {
		const cells = results.map((result) => {
			const ms = result.timings?.[index]?.ms;
			return ms === undefined ? '-' : (ms / 1000).toFixed(1);
		});
		log([step.name, ...cells].join(' | '));
	}
	for (const result of results) {
		const total = (result.timings ?? []).reduce((sum, timing) => sum + timing.ms, 0);
		log(
			`${result.release}: ${result.error ? 'FAILED' : 'passed'}, walk ${(total / 1000).toFixed(1)} s`,
		);
	}
	log(`Screenshots: ${path.relative(REPO_ROOT, RESULTS)}/<release>/`);
	if (results.some((result) => result.error)) process.exitCode = 1;
}

if (require.main === module) {
	main().catch((error: unknown) => {
		process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
		process.exitCode = 1;
	});
}
