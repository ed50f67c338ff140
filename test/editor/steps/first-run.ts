import { randomBytes } from 'crypto';
import type { Locator, Page } from 'playwright-core';

import { expectText, expectThat, ndv } from '../editor-page';
import type { WalkStep } from '../walk';

/** What the actions list must offer, in the words README and the node use. */
export const SESSION_ACTIONS = [
	'Cancel a payment session',
	'Confirm the guarantee of a payment session',
	'Create a payment session',
	'Get a payment session',
	'Get the status of a payment session',
];

export const OWNER = {
	email: 'ops@example.com',
	firstName: 'Olivia',
	lastName: 'Ops',
	password: `Walk-${randomBytes(9).toString('hex')}-1A`,
};

/** n8n's own first-run screen: the owner account of a fresh instance. */
export const signUpOwner: WalkStep = {
	name: 'Owner signs up on the fresh instance',
	async run({ page }) {
		await page.goto('/');
		await page.waitForURL(/\/setup/);
		await expectText(page.locator('body'), /Set up owner account/i);
		for (const [field, value] of Object.entries(OWNER)) {
			await page.getByTestId(field).locator('input').fill(value);
		}
		await page.getByRole('button', { name: 'Next' }).click();
		await page.waitForURL((url) => !url.pathname.startsWith('/setup'));
		await page.getByTestId('main-sidebar').or(page.locator('#sidebar')).first().waitFor();
	},
};

/** The nodes panel's item for a node type of this package, whatever else the search lists. */
export function creatorItem(page: Page, nodeType: string): Locator {
	return page
		.getByTestId('node-creator')
		.locator(
			`[data-test-id="item-iterator-item"][data-keyboard-nav-id^="n8n-nodes-flinks.${nodeType}-"]`,
		);
}

/**
 * The nodes panel on an empty workflow ("What triggers this workflow?"): "flinks" lists the three
 * nodes with the Flinks icon. n8n names a trigger by its app there: "Flinks Trigger" shows as "Flinks".
 */
export const searchNodesPanel: WalkStep = {
	name: 'Nodes panel search "flinks"',
	async run({ page }) {
		await page.goto('/workflow/new');
		await page.getByTestId('node-creator-plus-button').click();
		await page.getByTestId('node-creator').waitFor();
		await page.getByTestId('node-creator-search-bar').fill('flinks');
		for (const [nodeType, name] of [
			['flinksSession', 'Flinks Session'],
			['flinksConnect', 'Flinks Connect'],
			['flinksTrigger', 'Flinks'],
		]) {
			const item = creatorItem(page, nodeType);
			await item.waitFor();
			const shown = (await item.getByTestId('node-creator-item-name').innerText()).trim();
			expectThat(shown === name, `The nodes panel names ${nodeType} "${shown}", not "${name}"`);
			const src = (await item.locator('img').first().getAttribute('src')) ?? '';
			expectThat(/\/flinks\.svg$/.test(src), `${name}'s icon in the nodes panel is "${src}"`);
		}
	},
};

/** Flinks Session's details: its description and every action in the operation's own words. */
export const listSessionActions: WalkStep = {
	name: 'Flinks Session details and actions',
	async run({ page }) {
		await creatorItem(page, 'flinksSession').click();
		const creator = page.getByTestId('node-creator');
		await expectText(
			creator,
			'Create, check and cancel Interac e-Transfer, EFT and Guaranteed EFT payment sessions with Flinks Pay',
		);
		const actions = await expectActions(page, 'flinksSession', SESSION_ACTIONS);
		await actions.filter({ hasText: 'Create a payment session' }).click();
		await ndv(page).waitFor();
	},
};

/** The open node details' actions list shows exactly `wanted`; returns its (visible) items. */
export async function expectActions(
	page: Page,
	nodeType: string,
	wanted: string[],
): Promise<Locator> {
	const actions = page
		.getByTestId('node-creator')
		.locator(
			`[data-test-id="item-iterator-item"][data-keyboard-nav-id^="n8n-nodes-flinks.${nodeType}"]`,
		)
		.filter({ visible: true });
	await expectText(actions, wanted[0]);
	// The panel slides from the search results to the actions: wait until only the actions show.
	const selector = `[data-test-id="node-creator"] [data-test-id="item-iterator-item"][data-keyboard-nav-id^="n8n-nodes-flinks.${nodeType}"]`;
	await page
		.waitForFunction(
			`Array.from(document.querySelectorAll(${JSON.stringify(selector)})).filter((element) => element.offsetParent !== null).length === ${wanted.length}`,
			undefined,
			{ timeout: 20_000 },
		)
		.catch(() => undefined);
	const shown = (await actions.allInnerTexts()).map((text) => text.trim());
	expectThat(
		shown.length === wanted.length && wanted.every((action) => shown.includes(action)),
		`The actions list shows ${shown.join(' | ')}`,
	);
	return actions;
}
