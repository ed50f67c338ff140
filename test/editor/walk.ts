/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- test and tooling code runs in plain Node, never inside n8n */
import { mkdirSync, rmSync, writeFileSync } from 'fs';
import path from 'path';
import type { Page } from 'playwright-core';

import type { FakeFlinksServer } from '../helpers/fake-flinks-server';

/** What every step of the walk can reach: the browser page and what runs behind it. */
export interface WalkContext {
	page: Page;
	/** n8n's own address, e.g. http://127.0.0.1:40123. */
	n8nUrl: string;
	flinks: FakeFlinksServer;
	/** The HMAC secret of the Flinks Webhook API credential the walk uses. */
	webhookSecret: string;
	/** What one step hands to a later one (the credential the user created, a session ID). */
	memory: Map<string, string>;
}

/** One thing a new user does in the editor, and what the page must show afterwards. */
export interface WalkStep {
	/** Printed and used in the screenshot's file name. */
	name: string;
	/** The README picture (docs/<picture>) `npm run screenshots` takes from this step's end state. */
	picture?: string;
	run(walk: WalkContext): Promise<void>;
}

export interface StepTiming {
	name: string;
	ms: number;
	screenshot: string;
}

/**
 * Runs the steps in order, each leaving a screenshot in `folder`; on a failure throws an error
 * naming the step, with the page's screenshot and its console log kept beside the others.
 */
export async function runWalk(
	walk: WalkContext,
	steps: WalkStep[],
	folder: string,
	log: (line: string) => void,
): Promise<StepTiming[]> {
	rmSync(folder, { recursive: true, force: true });
	mkdirSync(folder, { recursive: true });
	const consoleLines: string[] = [];
	walk.page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
	walk.page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
	const consoleLog = path.join(folder, 'console.log');
	const timings: StepTiming[] = [];
	try {
		for (const [index, step] of steps.entries()) {
			const file = path.join(folder, `${String(index + 1).padStart(2, '0')}-${slug(step.name)}`);
			const started = Date.now();
			try {
				await step.run(walk);
			} catch (error) {
				const screenshot = `${file}-FAILED.png`;
				await walk.page.screenshot({ path: screenshot }).catch(() => undefined);
				// Playwright appends its whole call log; its first lines say what was awaited.
				const reason = (error instanceof Error ? error.message : String(error))
					.split('\n')
					.slice(0, 4)
					.join('\n');
				throw new Error(
					`Editor walk failed at step ${index + 1} "${step.name}" (on ${walk.page.url()}): ${reason}\n` +
						`  screenshot: ${screenshot}\n  console log: ${consoleLog}`,
				);
			}
			const ms = Date.now() - started;
			const screenshot = `${file}.png`;
			await walk.page.screenshot({ path: screenshot });
			timings.push({ name: step.name, ms, screenshot });
			log(`  ok  ${(ms / 1000).toFixed(1).padStart(5)} s  ${step.name}`);
		}
	} finally {
		writeFileSync(consoleLog, `${consoleLines.join('\n')}\n`);
	}
	return timings;
}

function slug(name: string): string {
	return name
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '')
		.slice(0, 60);
}
