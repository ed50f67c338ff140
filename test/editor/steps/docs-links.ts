/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
import { readFileSync } from 'fs';
import path from 'path';
import type { Locator, Page } from 'playwright-core';

import { REPO_ROOT } from '../../e2e/package-tarball';
import { expectThat, ndv } from '../editor-page';
import type { WalkContext, WalkStep } from '../walk';

const README_URL = 'https://github.com/n8n-nodes-flinks/n8n-nodes-flinks';

/** Pages with the outside world stubbed: a link opens, and where it went is known, without network. */
const offline = new WeakSet<object>();

/** Clicks a link that opens a new tab and returns the address the tab opened, then closes it. */
export async function followLink(page: Page, link: Locator): Promise<string> {
	const context = page.context();
	if (!offline.has(context)) {
		offline.add(context);
		await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) =>
			route.fulfill({ status: 200, contentType: 'text/html', body: '<title>outside</title>' }),
		);
	}
	const [tab] = await Promise.all([page.waitForEvent('popup'), link.click()]);
	await tab.waitForLoadState();
	const address = tab.url();
	await tab.close();
	return address;
}

/** Where the open node's "Docs" link leads, remembered under `key` for the last step. */
export async function rememberDocsLink(walk: WalkContext, key: string): Promise<void> {
	const link = ndv(walk.page).getByRole('link', { name: 'Docs' }).first();
	walk.memory.set(key, await followLink(walk.page, link));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function githubAnchor(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

function readmeAnchors(): Set<string> {
	const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
	const headings = readme.match(/^#{1,6} .+$/gm) ?? [];
	return new Set(headings.map((line) => githubAnchor(line.replace(/^#+ /, ''))));
}

/** Each link goes to this package's README, to a section README has (what a browser would open). */
export const docsLinks: WalkStep = {
	name: 'Docs links open the README sections they name',
	async run({ memory }) {
		const anchors = readmeAnchors();
		const problems: string[] = [];
		for (const [what, key] of [
			["Flinks Session's Docs link", 'sessionDocs'],
			["Flinks Trigger's Docs link", 'triggerDocs'],
			["The Flinks Pay API credential's docs link", 'credentialDocs'],
			["Flinks Connect's Docs link", 'connectDocs'],
			["The Flinks Connect API credential's docs link", 'connectCredentialDocs'],
		]) {
			const href = memory.get(key) ?? '';
			const [address, anchor = ''] = href.split('#');
			if (address !== README_URL) problems.push(`${what} opens ${href}, not ${README_URL}#…`);
			else if (!anchors.has(anchor))
				problems.push(`${what} names #${anchor}, a section README lacks`);
		}
		expectThat(problems.length === 0, problems.join('; '));
	},
};
