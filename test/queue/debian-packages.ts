/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
/** PostgreSQL and Redis from Debian's packages, installed when missing. */
import { existsSync, readdirSync, unlinkSync, writeFileSync } from 'fs';
import path from 'path';

import { describeFailure, hermeticEnv, runCommand } from '../e2e/command';
import type { Log } from '../e2e/n8n-install';

const POSTGRES_ROOT = '/usr/lib/postgresql';
const POLICY_RC = '/usr/sbin/policy-rc.d';

export const isRoot = () => process.getuid?.() === 0;

/** `apt-get install -y postgresql redis-server`, only for what is missing. */
export async function ensureDebianPackages(log: Log): Promise<void> {
	const missing = [
		...(postgresBinFolder() ? [] : ['postgresql']),
		...(onPath('redis-server') ? [] : ['redis-server']),
	];
	if (missing.length === 0) return;
	if (!isRoot()) {
		throw new Error(
			`The queue-mode suite needs ${missing.join(' and ')}: run as root, or install them first (apt-get install -y ${missing.join(' ')})`,
		);
	}
	const started = Date.now();
	log(`Installing ${missing.join(', ')} from Debian (apt-get install -y ${missing.join(' ')})`);
	const env = hermeticEnv({ DEBIAN_FRONTEND: 'noninteractive' });
	const apt = (args: string[]) =>
		runCommand('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], {
			env,
			timeoutMs: 15 * 60_000,
		});
	await withServiceStartsHeldBack(async () => {
		let result = await apt(['install', '-y', '--no-install-recommends', ...missing]);
		if (result.exitCode !== 0) {
			// A fresh machine has no package lists yet, an old one stale ones.
			log('apt-get install failed; apt-get update, then once more');
			const update = await apt(['update']);
			if (update.exitCode !== 0) throw new Error(describeFailure('apt-get update', update));
			result = await apt(['install', '-y', '--no-install-recommends', ...missing]);
		}
		if (result.exitCode !== 0) throw new Error(describeFailure('apt-get install', result));
	});
	if (!postgresBinFolder() || !onPath('redis-server')) {
		throw new Error(
			`apt-get installed ${missing.join(', ')}, but postgres or redis-server is still missing`,
		);
	}
	log(`Installed ${missing.join(', ')} in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * Debian's packages start their system-wide service on install unless policy-rc.d says no
 * (container images ship one): ours run on throwaway ports, so say no where nothing does.
 */
async function withServiceStartsHeldBack(work: () => Promise<void>): Promise<void> {
	const written = existsSync(POLICY_RC) ? undefined : POLICY_RC;
	if (written) {
		writeFileSync(
			written,
			'#!/bin/sh\n# Written by test/queue/services.ts during apt-get install.\nexit 101\n',
			{
				mode: 0o755,
			},
		);
	}
	try {
		await work();
	} finally {
		if (written) unlinkSync(written);
	}
}

/** The newest /usr/lib/postgresql/<major>/bin holding initdb and postgres. */
export function postgresBinFolder(): string | undefined {
	if (!existsSync(POSTGRES_ROOT)) return undefined;
	return readdirSync(POSTGRES_ROOT)
		.filter((major) => /^\d+$/.test(major))
		.sort((a, b) => Number(b) - Number(a))
		.map((major) => path.join(POSTGRES_ROOT, major, 'bin'))
		.find((bin) => existsSync(path.join(bin, 'postgres')) && existsSync(path.join(bin, 'initdb')));
}

function onPath(command: string): boolean {
	return (process.env.PATH ?? '')
		.split(path.delimiter)
		.some((folder) => folder && existsSync(path.join(folder, command)));
}
