/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- test and tooling code runs in plain Node, never inside n8n */
import { randomBytes } from 'crypto';
import { existsSync, mkdtempSync, rmSync } from 'fs';
import os from 'os';
import path from 'path';
import type { BrowserContext } from 'playwright-core';
import { chromium, selectors } from 'playwright-core';

import { FakeFlinksServer } from '../helpers/fake-flinks-server';
import { describeFailure, runCommand } from '../e2e/command';
import type { N8nInstall } from '../e2e/n8n-install';
import type { N8nServer } from '../e2e/n8n-sandbox';
import { N8nSandbox } from '../e2e/n8n-sandbox';
import { seedSampleSessions } from '../e2e/sample-sessions';
import { WEBHOOK_CREDENTIAL_TYPE } from '../e2e/workflows';
import type { WalkContext } from './walk';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const VIEWPORT = { width: 1440, height: 1000 };
/** The webhook secret Flinks' support desk hands over; the walk signs its test delivery with it. */
export const WEBHOOK_CREDENTIAL = { id: 'walkFlinksWebhook', name: 'Flinks Webhook account' };

/** Debian's Chromium, installed with apt-get when missing and this process may (CI runs as root). */
export async function ensureChromium(log: (line: string) => void): Promise<string> {
	if (existsSync(CHROMIUM)) return CHROMIUM;
	if (process.env.CHROMIUM || process.getuid?.() !== 0) {
		throw new Error(
			`No Chromium at ${CHROMIUM}. Install Debian's: sudo apt-get update && sudo apt-get install -y chromium (or set CHROMIUM=/path/to/chromium)`,
		);
	}
	log("Installing Debian's Chromium (apt-get install -y chromium)");
	for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
		const result = await runCommand('apt-get', args, {
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
			timeoutMs: 15 * 60_000,
		});
		if (result.exitCode !== 0) throw new Error(describeFailure(`apt-get ${args[0]}`, result));
	}
	if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium, but not at ${CHROMIUM}`);
	return CHROMIUM;
}

/** A real `n8n start` with the packed package, the fake Flinks beside it, and Chromium on it. */
export class EditorBed {
	private constructor(
		readonly walk: WalkContext,
		private readonly parts: {
			sandbox: N8nSandbox;
			n8n: N8nServer;
			browser: BrowserContext;
			profile: string;
		},
	) {}

	static async open(
		install: N8nInstall,
		tarball: string,
		chromiumPath: string,
	): Promise<EditorBed> {
		// n8n's editor marks its elements with data-test-id.
		selectors.setTestIdAttribute('data-test-id');
		const flinks = await FakeFlinksServer.start();
		seedSampleSessions(flinks);
		const webhookSecret = `whsec_${randomBytes(18).toString('base64url')}`;
		// n8n's auth cookie is Secure by default; this n8n is plain http on 127.0.0.1.
		const sandbox = await N8nSandbox.create(
			{ ...install, env: { ...install.env, N8N_SECURE_COOKIE: 'false' } },
			tarball,
		);
		const cleanups: Array<() => Promise<void> | void> = [
			() => flinks.stop(),
			() => sandbox.remove(),
		];
		try {
			// Flinks hands the webhook secret over by ticket; the Pay credential the user makes in the walk.
			await sandbox.importCredentials([
				{ ...WEBHOOK_CREDENTIAL, type: WEBHOOK_CREDENTIAL_TYPE, data: { secret: webhookSecret } },
			]);
			const n8n = await sandbox.start();
			cleanups.unshift(() => n8n.stop());
			// A fresh profile each run, so nothing of an earlier run (or of the user's Chromium) leaks in.
			const profile = mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-flinks-chromium-'));
			cleanups.push(() => rmSync(profile, { recursive: true, force: true }));
			const browser = await chromium.launchPersistentContext(profile, {
				executablePath: chromiumPath,
				headless: true,
				args: [
					'--no-sandbox',
					'--disable-gpu',
					'--disable-quic',
					'--no-first-run',
					'--disable-background-networking',
					'--disable-component-update',
					'--disable-sync',
				],
				viewport: VIEWPORT,
				baseURL: n8n.baseUrl,
			});
			const page = browser.pages()[0] ?? (await browser.newPage());
			page.setDefaultTimeout(60_000);
			return new EditorBed(
				{ page, n8nUrl: n8n.baseUrl, flinks, webhookSecret, memory: new Map() },
				{ sandbox, n8n, browser, profile },
			);
		} catch (error) {
			for (const cleanup of cleanups) await cleanup();
			throw error;
		}
	}

	/** Everything n8n printed, for a failure report. */
	get n8nLog(): string {
		return this.parts.n8n.log;
	}

	async close(): Promise<void> {
		await this.parts.browser.close().catch(() => undefined);
		await this.parts.n8n.stop();
		await this.walk.flinks.stop();
		this.parts.sandbox.remove();
		rmSync(this.parts.profile, { recursive: true, force: true });
	}
}
