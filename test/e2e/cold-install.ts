/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
/**
 * `npm run test:cold-install`: proof that the first install works on a fresh machine. Installs
 * every n8n release of n8n-versions.json into an empty cache folder with HOME pointing at an
 * empty folder (no ~/.npmrc, no npm cache) and the toolchain's pinned Node first on PATH, then
 * starts each n8n with the packed package installed and waits until it serves its editor.
 *
 * FLINKS_N8N_CACHE names the cache to fill (`.ci/run` passes the real one when it is empty, so
 * the rest of the run uses what this installed); without it, a temporary folder, removed after.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import os from 'os';
import path from 'path';

import { TOOLCHAIN_NODE, ensureN8n, n8nVersions, nodeBinaryFor } from './n8n-install';
import { N8nSandbox } from './n8n-sandbox';
import { buildAndPack, removeTarball } from './package-tarball';

const started = Date.now();
const log = (line: string) => {
	const seconds = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
	process.stdout.write(`[cold-install ${seconds}s] ${line}\n`);
};

async function main(): Promise<void> {
	const ownCache = !process.env.FLINKS_N8N_CACHE;
	const cache =
		process.env.FLINKS_N8N_CACHE || mkdtempSync(path.join(os.tmpdir(), 'flinks-cold-cache-'));
	if (existsSync(cache) && readdirSync(cache).length > 0) {
		throw new Error(`${cache} is not empty: a cold install needs an empty cache folder`);
	}
	const home = mkdtempSync(path.join(os.tmpdir(), 'flinks-cold-home-'));
	process.env.FLINKS_N8N_CACHE = cache;
	process.env.HOME = home;
	const toolchainNode = await nodeBinaryFor(TOOLCHAIN_NODE, log);
	process.env.PATH = [path.dirname(toolchainNode), process.env.PATH].join(path.delimiter);
	log(`HOME=${home} (empty), cache ${cache} (empty), Node ${TOOLCHAIN_NODE} first on PATH`);

	const tarball = await buildAndPack(log);
	try {
		for (const version of n8nVersions()) {
			const installStarted = Date.now();
			const install = await ensureN8n(version, log);
			const installSeconds = Math.round((Date.now() - installStarted) / 1000);
			const sandbox = await N8nSandbox.create(install, tarball);
			try {
				const startStarted = Date.now();
				const server = await sandbox.start();
				const startSeconds = Math.round((Date.now() - startStarted) / 1000);
				await server.stop();
				log(
					`n8n ${version.n8n}: installed in ${installSeconds} s, started (with the package) in ${startSeconds} s on ${install.nodeBinary}`,
				);
			} finally {
				sandbox.remove();
			}
		}
	} finally {
		removeTarball(tarball);
		rmSync(home, { recursive: true, force: true });
		if (ownCache) rmSync(cache, { recursive: true, force: true });
	}
	log(`cold install passed in ${Math.round((Date.now() - started) / 1000)} s`);
}

main().catch((error: Error) => {
	process.stderr.write(`${error.stack ?? error.message}\n`);
	process.exitCode = 1;
});
