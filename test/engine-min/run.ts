/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- test and tooling code runs in plain Node, never inside n8n */
/**
 * `npm run test:engine-min`: the same engine tests as `npm test`, against the n8n-core and
 * n8n-workflow of the minimum supported n8n release (n8n-versions.json, first entry) on that
 * release's Node. The packages go once into `<cache>/engine-n8n-core-<version>`; jest maps
 * `n8n-core` and `n8n-workflow` there for the tests, the harness and the product code alike, and
 * TypeScript checks the same files against that release's types.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import path from 'path';

import { hermeticEnv } from '../e2e/command';
import { cacheRoot, minimumN8nVersion, nodeBinaryFor, runLogged } from '../e2e/n8n-install';

const repository = path.resolve(__dirname, '../..');
const log = (line: string) => process.stdout.write(`${line}\n`);

function isInstalled(folder: string, engine: Record<string, string>): boolean {
	return Object.entries(engine).every(([name, version]) => {
		const manifest = path.join(folder, 'node_modules', name, 'package.json');
		return existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === version;
	});
}

async function ensureEngine(folder: string, engine: Record<string, string>): Promise<void> {
	if (isInstalled(folder, engine)) return;
	mkdirSync(folder, { recursive: true });
	const manifest = { name: 'engine-min', private: true, dependencies: engine };
	writeFileSync(path.join(folder, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
	writeFileSync(path.join(folder, '.npmrc'), 'audit=false\nfund=false\nignore-scripts=true\n');
	log(
		`Installing ${Object.entries(engine)
			.map((e) => e.join('@'))
			.join(' ')} into ${folder}`,
	);
	const logFile = path.join(folder, 'install.log');
	await runLogged('npm install (n8n-core and n8n-workflow)', ['install', '--ignore-scripts'], {
		cwd: folder,
		env: hermeticEnv(),
		logFile,
		log,
	});
	if (!isInstalled(folder, engine)) {
		throw new Error(
			`npm install in ${folder} finished without ${Object.keys(engine).join(' and ')}; see ${logFile}`,
		);
	}
}

/** The repository's test tsconfig, with the two packages (and their types) from `folder`. */
function writeTsconfig(folder: string): void {
	const tsconfig = {
		extends: path.join(repository, 'test', 'tsconfig.json'),
		compilerOptions: {
			baseUrl: folder,
			paths: {
				'n8n-core': ['node_modules/n8n-core'],
				'n8n-workflow': ['node_modules/n8n-workflow'],
			},
			typeRoots: [path.join(repository, 'node_modules', '@types')],
		},
	};
	writeFileSync(path.join(folder, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
}

async function main(): Promise<void> {
	const started = Date.now();
	const minimum = minimumN8nVersion();
	const folder = path.join(cacheRoot(), `engine-n8n-core-${minimum.engine['n8n-core']}`);
	await ensureEngine(folder, minimum.engine);
	writeTsconfig(folder);
	const node = await nodeBinaryFor(minimum.node, log);
	const ready = Date.now();
	log(
		`Engine tests against n8n-core ${minimum.engine['n8n-core']} / n8n-workflow ${minimum.engine['n8n-workflow']} (inside n8n ${minimum.n8n}) on Node ${minimum.node}`,
	);
	const jest = path.join(repository, 'node_modules', 'jest', 'bin', 'jest.js');
	// Streams jest's output as it comes; nothing else runs in this process meanwhile.
	const result = spawnSync(
		node,
		[jest, '--config', 'test/engine-min/jest.config.js', ...process.argv.slice(2)],
		{
			cwd: repository,
			stdio: 'inherit',
			env: {
				...process.env,
				PATH: [path.dirname(node), process.env.PATH].join(path.delimiter),
				FLINKS_ENGINE_MIN_FOLDER: folder,
			},
		},
	);
	const seconds = (from: number, to = Date.now()) => Math.round((to - from) / 1000);
	log(`engine-min: set-up ${seconds(started, ready)} s, tests ${seconds(ready)} s`);
	process.exitCode = result.status ?? 1;
}

main().catch((error: Error) => {
	process.stderr.write(`${error.stack ?? error.message}\n`);
	process.exitCode = 1;
});
