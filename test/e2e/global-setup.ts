/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test and tooling code runs in plain Node, never inside n8n */
import { ensureN8n, n8nVersions } from './n8n-install';
import { buildAndPack, removeTarball } from './package-tarball';

export const TARBALL_ENV = 'FLINKS_E2E_TARBALL';
export const INSTALLS_ENV = 'FLINKS_E2E_INSTALLS';

/** Jest global setup: test workers start after this and inherit the environment it sets. */
export default async function globalSetup(): Promise<void> {
	const log = (line: string) => process.stderr.write(`[e2e setup] ${line}\n`);
	process.stderr.write('\n');
	// n8n first: a failed install then leaves no pack folder behind (Jest skips the teardown).
	const installs = [];
	for (const version of n8nVersions()) installs.push(await ensureN8n(version, log));
	process.env[INSTALLS_ENV] = JSON.stringify(installs);
	process.env[TARBALL_ENV] = await buildAndPack(log);
}

/** Jest global teardown (same module, see jest.config.js). */
export async function globalTeardown(): Promise<void> {
	const tarball = process.env[TARBALL_ENV];
	if (tarball) removeTarball(tarball);
}
