import type { Page } from 'playwright-core';

import {
	closeNdv,
	collectionChoices,
	dismissToasts,
	executeStep,
	expectText,
	expectThat,
	fillParameter,
	ndv,
	outputPanel,
	parameterInput,
	restCall,
	selectOption,
	shownParameters,
	waitForInputValue,
} from '../editor-page';
import type { WalkStep } from '../walk';
import { rememberDocsLink } from './docs-links';

/** Create's own parameters that depend on the Session Type. */
const TYPE_FIELDS = ['direction', 'sendInteracLink'];
/** Create's parameters every Session Type takes. */
const COMMON_FIELDS = [
	'amount',
	'payorFirstName',
	'payorLastName',
	'payorEmail',
	'referenceId',
	'notificationLanguage',
];
const PAYEE = ['Payee Account Number', 'Payee Institution Code', 'Payee Transit Number'];
const EFT_ONLY = [
	'Allow Amount Change',
	'Exit URL',
	'Maximum Amount',
	'Minimum Amount',
	'Payor Address Line',
	'Payor City',
	'Payor Country',
	'Payor Date of Birth',
	'Payor Occupation',
	'Payor Phone',
	'Payor Postal Code',
	'Payor Province',
	'Show Consent Screen',
	'Success URL',
];

interface TypeView {
	option: string;
	fields: string[];
	notice: string;
	additionalFields: string[];
}

/** What each Session Type shows: its fields, its notice and its Additional Fields. */
const TYPE_VIEWS: TypeView[] = [
	{
		option: 'Interac E-Transfer',
		fields: TYPE_FIELDS,
		notice: 'Interac e-Transfer sessions are payments in Canadian dollars (CAD)',
		additionalFields: [...PAYEE, 'Payor Middle Name'],
	},
	{
		option: 'EFT',
		fields: [],
		notice: 'EFT sessions debit the customer in Canadian dollars (CAD)',
		additionalFields: [...EFT_ONLY, 'Payor Middle Name'],
	},
	{
		option: 'Guaranteed EFT',
		fields: [],
		notice: 'EFT sessions debit the customer in Canadian dollars (CAD)',
		additionalFields: [...EFT_ONLY, ...PAYEE, 'Payor Middle Name'],
	},
];

function sameSet(shown: string[], wanted: string[]): boolean {
	return shown.length === wanted.length && wanted.every((name) => shown.includes(name));
}

async function expectTypeView(page: Page, view: TypeView): Promise<void> {
	await selectOption(page, 'sessionType', view.option);
	const shown = await shownParameters(page, [...COMMON_FIELDS, ...TYPE_FIELDS]);
	const wrong = Object.entries(shown).filter(
		([name, visible]) => visible !== (COMMON_FIELDS.includes(name) || view.fields.includes(name)),
	);
	expectThat(
		wrong.length === 0,
		`${view.option}: ${wrong.map(([name, visible]) => `${name} ${visible ? 'shown' : 'hidden'}`).join(', ')}`,
	);
	await expectText(ndv(page).locator('.notice, [role="alert"]'), view.notice);
	const choices = await collectionChoices(page, 'Additional Fields');
	expectThat(
		sameSet(choices, view.additionalFields),
		`${view.option}: Additional Fields offers ${choices.join(', ')}; expected ${view.additionalFields.join(', ')}`,
	);
}

/** Switching Session Type shows and hides exactly the fields each type takes. */
export const createFieldsPerType: WalkStep = {
	name: 'Create: the fields each Session Type shows',
	async run(walk) {
		const { page } = walk;
		await expectText(ndv(page), 'Session Type');
		await rememberDocsLink(walk, 'sessionDocs');
		for (const view of [TYPE_VIEWS[1], TYPE_VIEWS[2], TYPE_VIEWS[0]]) {
			await expectTypeView(page, view);
		}
	},
};

export const CREATE_REFERENCE = 'WALK-ORDER-1001';

/** A Create the user gave no amount: the editor shows 0, and the run stops before asking Flinks. */
export const createWithoutAmount: WalkStep = {
	name: 'Create: a forgotten Amount stops the run',
	async run({ page, flinks }) {
		const amount = parameterInput(page, 'amount').locator('input').first();
		await waitForInputValue(amount, '0.00');
		await fillParameter(ndv(page), 'payorFirstName', 'Jane');
		await fillParameter(ndv(page), 'payorLastName', 'Doe');
		await fillParameter(ndv(page), 'payorEmail', 'jane.doe@example.com');
		await fillParameter(ndv(page), 'referenceId', CREATE_REFERENCE);
		await executeStep(page);
		await expectText(outputPanel(page), 'Invalid Amount: Amount 0 is not greater than 0');
		const created = flinks
			.allSessions()
			.filter((session) => session.referenceId === CREATE_REFERENCE);
		expectThat(created.length === 0, 'Flinks got a session without the amount the user meant');
		await dismissToasts(page);
	},
};

/** Execute step on an e-Transfer Create: the item shows the new session and its link. */
export const executeCreate: WalkStep = {
	name: 'Create: Execute step shows sessionId and hostedUrl',
	async run(walk) {
		const { page, flinks } = walk;
		const amount = parameterInput(page, 'amount').locator('input').first();
		await amount.fill('125.5');
		await amount.blur();
		await executeStep(page);
		const output = outputPanel(page);
		await expectText(output, 'hostedUrl');
		const session = flinks
			.allSessions()
			.find((candidate) => candidate.referenceId === CREATE_REFERENCE);
		expectThat(session !== undefined, 'The fake Flinks holds no session for the Create');
		expectThat(session.amount === 125.5, `Flinks got the amount ${session.amount}, not 125.5`);
		await expectText(output, `sessionId=${session.sessionId}`);
		walk.memory.set('createdSessionId', session.sessionId);
		await dismissToasts(page);
	},
};

/**
 * Saved before opening another workflow (n8n asks otherwise): Ctrl+S, or n8n's own autosave, until
 * n8n holds the Create node with the amount the user typed.
 */
export const saveCreateWorkflow: WalkStep = {
	name: 'Create: the workflow saved',
	async run({ page }) {
		await closeNdv(page);
		await page.keyboard.press('Control+s');
		await page.waitForURL(/\/workflow\/[^/]+$/);
		const id = new URL(page.url()).pathname.split('/').pop() ?? '';
		const saved = async () => {
			const workflow = await restCall<{ nodes: Array<{ parameters: Record<string, unknown> }> }>(
				page,
				'GET',
				`/rest/workflows/${id}`,
			);
			return workflow.nodes.some((node) => node.parameters.amount === 125.5);
		};
		const deadline = Date.now() + 30_000;
		while (!(await saved())) {
			expectThat(Date.now() < deadline, 'n8n did not save the workflow within 30 s');
			// Wait for n8n's next save of this workflow, then look again.
			await page
				.waitForResponse(
					(response) =>
						response.url().includes(`/rest/workflows/${id}`) &&
						response.request().method() === 'PATCH',
					{ timeout: 5_000 },
				)
				.catch(() => undefined);
		}
	},
};
