/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
import { mkdtempSync, rmSync } from 'fs';
import os from 'os';
import path from 'path';

import { describeFailure, hermeticEnv, runCommand } from './command';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-flinks';
/** The node's type once n8n loads the package as a community package. */
export const NODE_TYPE = `${PACKAGE_NAME}.flinksSession`;
export const CREDENTIAL_TYPE = 'flinksPayApi';

/** `npm run build`, then `npm pack` into a fresh temporary folder: the tarball users install. */
export async function buildAndPack(log: (line: string) => void = () => {}): Promise<string> {
	const env = hermeticEnv();
	log('Building the package (npm run build)');
	const build = await runCommand('npm', ['run', 'build'], { cwd: REPO_ROOT, env });
	if (build.exitCode !== 0) throw new Error(describeFailure('npm run build', build));

	const destination = mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-flinks-pack-'));
	const pack = await runCommand('npm', ['pack', '--json', '--pack-destination', destination], {
		cwd: REPO_ROOT,
		env,
	});
	if (pack.exitCode !== 0) {
		rmSync(destination, { recursive: true, force: true });
		throw new Error(describeFailure('npm pack', pack));
	}
	const [{ filename }] = JSON.parse(pack.stdout) as Array<{ filename: string }>;
	const tarball = path.join(destination, filename);
	log(`Packed ${tarball}`);
	return tarball;
}

/** Deletes the temporary folder `buildAndPack` made. */
export function removeTarball(tarball: string): void {
	if (path.basename(path.dirname(tarball)).startsWith('n8n-nodes-flinks-pack-')) {
		rmSync(path.dirname(tarball), { recursive: true, force: true });
	}
}
