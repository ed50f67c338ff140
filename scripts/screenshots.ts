/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
/**
 * `npm run screenshots`: the README's pictures, taken by the editor walk of `npm run test:editor`
 * (test/editor) on the newest release in test/e2e/n8n-versions.json, so each picture shows what
 * the walk checked. Copies the end state of every step that names a picture to docs/<picture>.
 * Needs /usr/bin/chromium (installed with apt-get when missing and running as root); CHROMIUM=/path overrides it.
 */
import { copyFileSync, mkdirSync } from 'fs';
import path from 'path';

import { n8nVersions } from '../test/e2e/n8n-install';
import { buildAndPack, removeTarball, REPO_ROOT } from '../test/e2e/package-tarball';
import { ensureChromium } from '../test/editor/editor-bed';
import { walkRelease } from '../test/editor/run';
import { EDITOR_WALK } from '../test/editor/steps';

const DOCS = path.join(REPO_ROOT, 'docs');
const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
	const newest = n8nVersions().at(-1);
	if (!newest) throw new Error('test/e2e/n8n-versions.json lists no release');
	const chromium = await ensureChromium(log);
	const tarball = await buildAndPack(log);
	try {
		log(`Walking the editor of n8n ${newest.n8n}`);
		const timings = await walkRelease(newest, tarball, chromium);
		mkdirSync(DOCS, { recursive: true });
		for (const [index, step] of EDITOR_WALK.entries()) {
			if (!step.picture) continue;
			copyFileSync(timings[index].screenshot, path.join(DOCS, step.picture));
			log(`Saved docs/${step.picture} (${step.name})`);
		}
	} finally {
		removeTarball(tarball);
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exitCode = 1;
});
