/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/require-node-api-error -- test code: these functions run in the browser page, never inside n8n */
import type { Locator, Page } from 'playwright-core';

/**
 * What a user does in n8n's editor, by what the page shows: n8n marks its elements with
 * data-test-id (see n8n-io/n8n packages/frontend/editor-ui). Every wait is on the page's state.
 */

/** Fails with `message` unless `condition` holds. */
export function expectThat(condition: boolean, message: string): asserts condition {
	if (!condition) throw new Error(message);
}

/** Waits until `locator` (the first match) shows `text`; fails naming what it showed instead. */
export async function expectText(locator: Locator, text: string | RegExp, timeout = 20_000) {
	const wanted = typeof text === 'string' ? text : text.source;
	const target = locator.filter({ hasText: text }).first();
	try {
		await target.waitFor({ state: 'visible', timeout });
	} catch {
		const shown = (await locator.allInnerTexts().catch(() => [])).join(' | ').slice(0, 600);
		throw new Error(`Expected "${wanted}" to be shown; the page showed: ${shown || '(nothing)'}`);
	}
}

export function ndv(page: Page): Locator {
	return page.getByTestId('ndv');
}

export function outputPanel(page: Page): Locator {
	return page.getByTestId('output-panel');
}

/** A node parameter's input, by the parameter's name. */
export function parameterInput(page: Page, name: string): Locator {
	return ndv(page).getByTestId(`parameter-input-${name}`);
}

/** Picks `option` in an options parameter, then waits until the input shows it. */
export async function selectOption(page: Page, name: string, option: string): Promise<void> {
	const input = parameterInput(page, name).locator('input').first();
	await input.click();
	await chooseOption(page, option);
	await waitForInputValue(input, option);
}

/** Clicks `option` in the open dropdown; each option shows its name above its description. */
export async function chooseOption(page: Page, option: string): Promise<void> {
	await page
		.locator('[role="option"]:visible')
		.filter({ has: page.getByText(option, { exact: true }) })
		.first()
		.click();
	// The list closes with an animation; another list opened meanwhile would be read with it.
	await page.locator('[role="option"]:visible').first().waitFor({ state: 'hidden' });
}

/** Types `value` into a text or number parameter (or a credential field) and waits for it. */
export async function fillParameter(scope: Locator, name: string, value: string): Promise<void> {
	const input = scope.getByTestId(`parameter-input-${name}`).locator('input, textarea').first();
	await input.fill(value);
	await waitForInputValue(input, value);
}

export async function waitForInputValue(input: Locator, value: string): Promise<void> {
	await input
		.page()
		.waitForFunction(
			([element, wanted]) => (element as { value?: string } | null)?.value === wanted,
			[await input.elementHandle(), value] as const,
		);
}

/** Whether each named parameter is shown in the open node (true) or hidden (false). */
export async function shownParameters(
	page: Page,
	names: string[],
): Promise<Record<string, boolean>> {
	const shown: Record<string, boolean> = {};
	for (const name of names) shown[name] = await parameterInput(page, name).isVisible();
	return shown;
}

/** The fields a collection parameter (e.g. "Additional Fields") offers to add, then closes the list. */
export async function collectionChoices(page: Page, label: string): Promise<string[]> {
	const add = ndv(page)
		.getByTestId('parameter-item')
		.filter({ hasText: label })
		.first()
		.getByTestId('collection-parameter-add')
		.locator('input');
	await add.click();
	const options = page.locator('[role="option"]:visible');
	await options.first().waitFor();
	const choices = (await options.allInnerTexts()).map((text) => text.split('\n')[0].trim());
	await add.press('Escape');
	await options.first().waitFor({ state: 'hidden' });
	return choices;
}

/** Runs the open node (and what feeds it) with its "Execute step" button. */
export async function executeStep(page: Page): Promise<void> {
	const button = ndv(page).getByTestId('node-execute-button');
	await expectEnabled(button, 'the Execute step button');
	await button.click();
}

export async function expectEnabled(locator: Locator, what: string): Promise<void> {
	await locator.waitFor({ state: 'visible' });
	expectThat(await locator.isEnabled(), `${what} is disabled`);
}

/** Closes the node view and waits for the canvas. */
export async function closeNdv(page: Page): Promise<void> {
	if (!(await ndv(page).isVisible())) return;
	await page.keyboard.press('Escape');
	await ndv(page).waitFor({ state: 'hidden' });
}

/** Opens a node of the workflow on the canvas by its name. */
export async function openNode(page: Page, nodeName: string): Promise<void> {
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`).dblclick();
	await ndv(page).waitFor();
}

export async function openWorkflow(page: Page, workflowId: string): Promise<void> {
	await page.goto(`/workflow/${workflowId}`);
	await page.getByTestId('canvas-node').first().waitFor();
}

/** Closes n8n's toasts ("Node executed successfully"), which would cover the output panel. */
export async function dismissToasts(page: Page): Promise<void> {
	const close = page.locator('.el-notification__closeBtn');
	for (let open = await close.count(); open > 0; open = await close.count()) {
		await close
			.first()
			.click()
			.catch(() => undefined);
		await page.waitForFunction(
			([selector, before]) =>
				(
					globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }
				).document.querySelectorAll(selector).length < before,
			['.el-notification__closeBtn', open] as const,
		);
	}
}

/** A call to n8n's REST API as the signed-in user, from inside the page (its cookie and browser ID). */
export async function restCall<T>(
	page: Page,
	method: 'GET' | 'POST',
	path: string,
	body?: unknown,
): Promise<T> {
	const answer = await page.evaluate(
		async ({ method, path, body }) => {
			// Runs in the page: n8n checks the browser ID its sign-in was bound to.
			const { localStorage } = globalThis as unknown as {
				localStorage: { getItem(key: string): string | null };
			};
			const browserId = localStorage.getItem('n8n-browserId') ?? '';
			const response = await fetch(path, {
				method,
				headers: { 'content-type': 'application/json', 'browser-id': browserId },
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			return { status: response.status, text: await response.text() };
		},
		{ method, path, body },
	);
	if (answer.status >= 300)
		throw new Error(`${method} ${path}: HTTP ${answer.status} ${answer.text}`);
	return (JSON.parse(answer.text) as { data: T }).data;
}
