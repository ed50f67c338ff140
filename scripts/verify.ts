/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- test and tooling code runs in plain Node, never inside n8n; it drives npm's and n8n-node's CLIs */
/**
 * `npm run verify`: what n8n checks before it lists or verifies a community package.
 *
 * 1. Builds, then `n8n-node lint` in strict mode: 0 problems.
 * 2. The rules of n8n's package scanner (@n8n/scan-community-package 0.32.0, scanner/scanner.mjs):
 *    its ESLint config, rebuilt here from the same plugins, with inline disables ignored, over the
 *    source (package.json, nodes/, credentials/) and over the packed tarball's **\/*.js and
 *    package.json, as the scanner does after it downloads a package. Errors fail the scan there;
 *    here warnings fail too.
 * 3. The tarball: no runtime dependencies, peer dependency only n8n-workflow, only dist/nodes,
 *    dist/credentials, dist/package.json, README, LICENSE and package.json packed, every
 *    n8n.nodes/n8n.credentials path inside it, and the icons of the node and the credential SVG
 *    files in it, light and dark different.
 *
 * The scanner itself is not a dependency (it pins typescript 7 and axios); @n8n/node-cli already
 * ships the ESLint, parser and plugins it uses.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'fs';
import { createRequire } from 'module';
import os from 'os';
import path from 'path';
import { pathToFileURL } from 'url';

import type { ESLint as ESLintClass, Linter } from 'eslint';

const REPO_ROOT = path.resolve(__dirname, '..');
const NODE_CLI = path.join(REPO_ROOT, 'node_modules', '@n8n', 'node-cli');
/** Resolves packages the way @n8n/node-cli does: its own eslint 9.29.0 (the scanner's too). */
const cliRequire = createRequire(path.join(NODE_CLI, 'package.json'));

/** scanner.mjs: SOURCE_FILE_PATTERNS, and the patterns of its tarball leg. */
const SOURCE_PATTERNS = ['package.json', '{nodes,credentials}/**/*.{js,ts,json}'];
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];
/** What npm may pack besides dist/: it always adds these. */
const ALWAYS_PACKED = /^(package\.json|README(\.md)?|LICEN[CS]E(\.md|\.txt)?)$/i;

/** What package.json's "files" packs from the build. */
const BUILT_PACKED = /^dist\/((nodes|credentials)\/|package\.json$)/;

interface Check {
	name: string;
	passed: boolean;
	detail?: string;
}

const checks: Check[] = [];
const started = Date.now();

function record(name: string, passed: boolean, detail?: string): void {
	checks.push({ name, passed, detail });
	const mark = passed ? 'PASS' : 'FAIL';
	process.stdout.write(`${mark}  ${name}${detail ? `\n${indent(detail)}` : ''}\n`);
}

function note(line: string): void {
	process.stdout.write(`note  ${line}\n`);
}

function indent(text: string): string {
	return text
		.trimEnd()
		.split('\n')
		.map((line) => `      ${line}`)
		.join('\n');
}

function stripAnsi(text: string): string {
	// eslint-disable-next-line no-control-regex -- ANSI colour codes start with ESC
	return text.replace(/\x1b\[[0-9;]*m/g, '');
}

function run(command: string, args: string[], cwd = REPO_ROOT) {
	const result = spawnSync(command, args, {
		cwd,
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024,
		env: { ...process.env, FORCE_COLOR: '0' },
	});
	return {
		ok: result.status === 0,
		status: result.status,
		output: stripAnsi(`${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}`),
		stdout: result.stdout ?? '',
	};
}

function tail(text: string, lines = 30): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}

const n8nNode = path.join(REPO_ROOT, 'node_modules', '.bin', 'n8n-node');

function buildAndLint(): boolean {
	const build = run(n8nNode, ['build']);
	record('n8n-node build', build.ok, build.ok ? undefined : tail(build.output));
	if (!build.ok) return false;

	const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
		n8n?: { strict?: boolean };
	};
	record(
		'package.json n8n.strict is true (n8n-node lint then also requires the default eslint.config.mjs)',
		manifest.n8n?.strict === true,
	);

	const lint = run(n8nNode, ['lint']);
	const problems = /\d+ problems?/.exec(lint.output)?.[0];
	const strictViolation = lint.output.includes('Strict mode violation');
	record(
		'n8n-node lint (strict): 0 problems',
		lint.ok && !problems && !strictViolation,
		lint.ok && !problems ? undefined : tail(lint.output, 60),
	);
	return true;
}

/** scanner.mjs buildScanConfig(), with the same plugins loaded from @n8n/node-cli's tree. */
async function buildScanConfig(): Promise<Linter.Config[]> {
	const load = async (name: string) =>
		(await import(pathToFileURL(cliRequire.resolve(name)).href)) as Record<string, unknown>;
	const { defineConfig } = (await load('eslint/config')) as {
		defineConfig: (...configs: unknown[]) => Linter.Config[];
	};
	const { n8nCommunityNodesPlugin } = (await load('@n8n/eslint-plugin-community-nodes')) as {
		n8nCommunityNodesPlugin: { configs: { recommended: Linter.Config } };
	};
	const tsParser = (await load('@typescript-eslint/parser')) as { default?: unknown };
	const nodesBase = (await load('eslint-plugin-n8n-nodes-base')) as {
		default: {
			configs: Record<'community' | 'credentials' | 'nodes', { rules: Linter.RulesRecord }>;
		};
	};
	const n8nNodesPlugin = nodesBase.default;
	const parser = (tsParser.default ?? tsParser) as Linter.Parser;

	return defineConfig(
		n8nCommunityNodesPlugin.configs.recommended,
		{ rules: { 'no-console': 'error' } },
		{ plugins: { 'n8n-nodes-base': n8nNodesPlugin } },
		{ files: ['package.json'], rules: { ...n8nNodesPlugin.configs.community.rules } },
		{
			files: ['**/credentials/**/*.ts'],
			rules: {
				...n8nNodesPlugin.configs.credentials.rules,
				'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
				'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
			},
		},
		{
			files: ['**/nodes/**/*.ts'],
			rules: {
				...n8nNodesPlugin.configs.nodes.rules,
				'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
				'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
				'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
			},
		},
		{ files: ['**/*.json'], languageOptions: { parser } },
		{ files: ['**/*.ts'], languageOptions: { parser } },
	);
}

/** scanner.mjs analyzePackage(): inline `eslint-disable` comments are not honoured. */
async function scan(label: string, folder: string, patterns: string[]): Promise<void> {
	const { ESLint } = cliRequire('eslint') as { ESLint: typeof ESLintClass };
	const glob = cliRequire('fast-glob') as { sync: (p: string[], o: object) => string[] };
	const eslint = new ESLint({
		cwd: folder,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await buildScanConfig(),
	});
	const files = glob.sync(patterns, {
		cwd: folder,
		absolute: true,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	const results = await eslint.lintFiles(files);
	const errors = results.reduce((sum, result) => sum + result.errorCount, 0);
	const warnings = results.reduce((sum, result) => sum + result.warningCount, 0);
	const formatter = await eslint.loadFormatter('stylish');
	const details = stripAnsi(await formatter.format(results));
	record(
		`scanner rules on ${label}: ${files.length} files, ${errors} errors, ${warnings} warnings`,
		files.length > 0 && errors === 0 && warnings === 0,
		errors + warnings > 0 ? details : undefined,
	);
}

interface PackedFile {
	path: string;
	size: number;
}

interface Manifest {
	name: string;
	keywords?: string[];
	dependencies?: Record<string, string>;
	optionalDependencies?: Record<string, string>;
	bundleDependencies?: unknown;
	bundledDependencies?: unknown;
	peerDependencies?: Record<string, string>;
	n8n?: { n8nNodesApiVersion?: number; nodes?: string[]; credentials?: string[] };
}

/** `npm pack --json` (same file list as --dry-run), unpacked as the scanner and n8n unpack it. */
function pack(): { folder: string; files: PackedFile[] } | undefined {
	const destination = mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-flinks-verify-'));
	const packed = run('npm', ['pack', '--json', '--pack-destination', destination]);
	if (!packed.ok) {
		record('npm pack', false, tail(packed.output));
		return undefined;
	}
	const [{ filename, files }] = JSON.parse(packed.stdout) as Array<{
		filename: string;
		files: PackedFile[];
	}>;
	const folder = path.join(destination, 'package');
	mkdirSync(folder);
	const untar = run('tar', [
		'-xzf',
		path.join(destination, filename),
		'-C',
		folder,
		'--strip-components=1',
	]);
	record(
		`npm pack: ${filename}, ${files.length} files`,
		untar.ok,
		untar.ok ? undefined : untar.output,
	);
	return untar.ok ? { folder, files } : undefined;
}

function checkManifest(manifest: Manifest, files: PackedFile[], folder: string): void {
	const runtime = {
		...manifest.dependencies,
		...manifest.optionalDependencies,
	};
	const bundled = manifest.bundleDependencies ?? manifest.bundledDependencies;
	record(
		'no runtime dependencies (dependencies, optionalDependencies, bundleDependencies)',
		Object.keys(runtime).length === 0 &&
			(!bundled || (Array.isArray(bundled) && bundled.length === 0)),
		Object.keys(runtime).join(', ') || undefined,
	);

	const peers = Object.keys(manifest.peerDependencies ?? {});
	record(
		'peerDependencies: only n8n-workflow',
		peers.length === 1 && peers[0] === 'n8n-workflow',
		`peerDependencies: ${JSON.stringify(manifest.peerDependencies ?? {})}`,
	);

	record(
		'keywords include n8n-community-node-package (how n8n finds community packages)',
		manifest.keywords?.includes('n8n-community-node-package') === true,
	);

	// n8n-node build copies every image it finds into dist/ (docs/, test-results/ screenshots too).
	const stray = files.filter(
		(file) => !BUILT_PACKED.test(file.path) && !ALWAYS_PACKED.test(file.path),
	);
	record(
		'tarball holds only dist/nodes, dist/credentials, README, LICENSE and package.json',
		stray.length === 0,
		stray.length ? stray.map((file) => file.path).join('\n') : undefined,
	);
	if (!files.some((file) => /^CHANGELOG/i.test(file.path))) {
		note('CHANGELOG.md is not packed (npm does not add it; "files" lists only dist)');
	}
	const buildInfo = files.find((file) => file.path.endsWith('.tsbuildinfo'));
	if (buildInfo) {
		note(
			`${buildInfo.path} (${Math.round(buildInfo.size / 1024)} kB) is packed: tsc's incremental cache, of no use to n8n (the n8n starter packs it too)`,
		);
	}

	const packedPaths = new Set(files.map((file) => file.path));
	const declared = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])];
	const missing = declared.filter((entry) => !packedPaths.has(path.posix.normalize(entry)));
	record(
		`n8n.nodes and n8n.credentials (${declared.length} paths) are files in the tarball`,
		(manifest.n8n?.nodes?.length ?? 0) > 0 && missing.length === 0,
		missing.length ? `missing: ${missing.join(', ')}` : declared.join('\n'),
	);
	if (missing.length === 0) {
		const declaredClasses = loadDeclaredClasses(manifest, folder);
		checkIcons(declaredClasses, packedPaths, folder);
		checkNodeContracts(declaredClasses);
	}
}

type IconValue = string | { light?: string; dark?: string } | undefined;

interface PackedNodeDescription {
	icon?: IconValue;
	group?: string[];
	inputs?: unknown[];
	usableAsTool?: unknown;
	credentials?: Array<{ name: string }>;
	webhooks?: Array<{ name: string }>;
}

interface PackedClass {
	file: string;
	kind: 'node' | 'credential';
	instance: {
		name?: string;
		icon?: IconValue;
		description?: PackedNodeDescription;
		webhookMethods?: Record<string, Record<string, unknown>>;
	};
}

/** Instantiates each declared class from the unpacked tarball, as n8n does when it loads them. */
function loadDeclaredClasses(manifest: Manifest, folder: string): PackedClass[] {
	// The unpacked package resolves its peer dependency like an install in n8n would.
	const modules = path.join(folder, 'node_modules');
	if (!existsSync(modules)) {
		mkdirSync(modules);
		symlinkSync(
			path.join(REPO_ROOT, 'node_modules', 'n8n-workflow'),
			path.join(modules, 'n8n-workflow'),
		);
	}
	const entries = [
		...(manifest.n8n?.nodes ?? []).map((file) => ({ file, kind: 'node' as const })),
		...(manifest.n8n?.credentials ?? []).map((file) => ({ file, kind: 'credential' as const })),
	];
	const loadPacked = createRequire(path.join(folder, 'package.json'));
	const loaded: PackedClass[] = [];
	for (const { file, kind } of entries) {
		const exported = loadPacked(path.join(folder, file)) as Record<string, unknown>;
		// n8n instantiates the exported class; helper functions beside it do not count.
		const classes = Object.values(exported).filter(
			(value): value is new () => PackedClass['instance'] =>
				typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value)),
		);
		if (classes.length !== 1) {
			record(
				`${file} exports exactly one class`,
				false,
				`exports ${Object.keys(exported).join(', ')}`,
			);
			continue;
		}
		loaded.push({ file, kind, instance: new classes[0]() });
	}
	return loaded;
}

/**
 * Each packed node names only credentials this package declares; a trigger is no AI tool, has no
 * inputs, and implements checkExists, create and delete for every webhook it declares.
 */
function checkNodeContracts(classes: PackedClass[]): void {
	const declared = new Set(
		classes.filter((entry) => entry.kind === 'credential').map((entry) => entry.instance.name),
	);
	for (const { file, kind, instance } of classes) {
		if (kind !== 'node') continue;
		const description = instance.description ?? {};
		const problems = (description.credentials ?? [])
			.filter((credential) => !declared.has(credential.name))
			.map((credential) => `names credential ${credential.name}, not declared in n8n.credentials`);
		const isTrigger = description.group?.includes('trigger') === true;
		if (isTrigger && description.usableAsTool !== undefined)
			problems.push('a trigger sets usableAsTool');
		if (isTrigger && description.inputs?.length) problems.push('a trigger has inputs');
		for (const webhook of description.webhooks ?? []) {
			const methods = instance.webhookMethods?.[webhook.name] ?? {};
			for (const method of ['checkExists', 'create', 'delete']) {
				if (typeof methods[method] !== 'function') {
					problems.push(
						`webhook "${webhook.name}" has no webhookMethods.${webhook.name}.${method}`,
					);
				}
			}
		}
		const checked = isTrigger
			? 'credentials, trigger conventions, webhook lifecycle'
			: 'credentials';
		record(
			`node ${path.basename(file)}: ${checked}`,
			problems.length === 0,
			problems.length ? problems.join('\n') : undefined,
		);
	}
}

/** Checks the icon files each declared class names. */
function checkIcons(classes: PackedClass[], packedPaths: Set<string>, folder: string): void {
	for (const { file, kind, instance } of classes) {
		const icon = kind === 'node' ? instance.description?.icon : instance.icon;
		const label = `${kind} ${path.basename(file)} icon`;
		if (typeof icon !== 'object' || !icon.light || !icon.dark) {
			record(`${label}: light and dark variants`, false, `icon is ${JSON.stringify(icon)}`);
			continue;
		}
		const variants = [icon.light, icon.dark].map((reference) => {
			const relative = path.posix.normalize(
				path.posix.join(path.posix.dirname(file), reference.replace(/^file:/, '')),
			);
			const absolute = path.join(folder, relative);
			const content = existsSync(absolute) ? readFileSync(absolute, 'utf8') : undefined;
			return { reference, relative, content };
		});
		const problems: string[] = [];
		for (const variant of variants) {
			if (!variant.reference.startsWith('file:'))
				problems.push(`${variant.reference} is not a file: icon`);
			else if (!packedPaths.has(variant.relative))
				problems.push(`${variant.relative} is not in the tarball`);
			else if (!variant.relative.endsWith('.svg') || !isSvg(variant.content ?? ''))
				problems.push(`${variant.relative} is not an SVG document`);
		}
		if (problems.length === 0 && variants[0].content === variants[1].content) {
			problems.push(`${variants[0].relative} and ${variants[1].relative} are identical`);
		}
		record(
			`${label}: light and dark are different SVG files in the tarball`,
			problems.length === 0,
			problems.length
				? problems.join('\n')
				: variants.map((variant) => variant.relative).join(', '),
		);
	}
}

function isSvg(content: string): boolean {
	const body = content
		.replace(/^\uFEFF/, '')
		.replace(/<\?xml[\s\S]*?\?>/, '')
		.replace(/<!--[\s\S]*?-->/g, '')
		.replace(/<!DOCTYPE[\s\S]*?>/i, '')
		.trim();
	return (
		/^<svg[\s>]/.test(body) &&
		/xmlns=["']http:\/\/www\.w3\.org\/2000\/svg["']/.test(body) &&
		/<\/svg>$/.test(body)
	);
}

async function main(): Promise<void> {
	process.stdout.write('Verifying n8n-nodes-flinks as n8n checks a community package\n\n');
	if (buildAndLint()) {
		await scan('the source (package.json, nodes/, credentials/)', REPO_ROOT, SOURCE_PATTERNS);
		const packed = pack();
		if (packed) {
			await scan('the tarball (**/*.js, package.json)', packed.folder, TARBALL_PATTERNS);
			const manifest = JSON.parse(
				readFileSync(path.join(packed.folder, 'package.json'), 'utf8'),
			) as Manifest;
			checkManifest(manifest, packed.files, packed.folder);
			rmSync(path.dirname(packed.folder), { recursive: true, force: true });
		}
	}
	const failed = checks.filter((check) => !check.passed);
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	process.stdout.write(
		`\n${checks.length - failed.length} passed, ${failed.length} failed (${seconds} s)\n`,
	);
	for (const check of failed) process.stdout.write(`  failed: ${check.name}\n`);
	process.exitCode = failed.length === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
	process.stderr.write(`verify crashed: ${error instanceof Error ? error.stack : String(error)}\n`);
	process.exitCode = 1;
});
