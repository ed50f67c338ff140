import type { Page } from 'playwright-core';

import { SAMPLE_SESSIONS } from '../../e2e/sample-sessions';
import type { WorkflowFile } from '../../e2e/workflows';
import {
	cancelWorkflow,
	FIXTURE_FLINKS_NODE,
	getDetailsVersionsWorkflow,
} from '../../e2e/workflows';
import {
	dismissToasts,
	executeStep,
	expectText,
	expectThat,
	ndv,
	openNode,
	openWorkflow,
	outputPanel,
	parameterInput,
	restCall,
	selectOption,
	waitForInputValue,
} from '../editor-page';
import type { WalkContext, WalkStep } from '../walk';

const GET_NODE = 'Get (v1.1)';
const ENDED = SAMPLE_SESSIONS.filter((session) => session.status && session.status !== 'Initiated');
const OPEN = SAMPLE_SESSIONS.filter((session) => session.status === 'Initiated');

/** Saves a workflow as the signed-in user would by importing it, and remembers its ID. */
export async function saveWorkflow(walk: WalkContext, key: string, workflow: WorkflowFile) {
	const body: Partial<WorkflowFile> = { ...workflow };
	delete body.id;
	delete body.active;
	const saved = await restCall<{ id: string }>(walk.page, 'POST', '/rest/workflows', body);
	walk.memory.set(key, saved.id);
	return saved.id;
}

function payCredential(walk: WalkContext) {
	return {
		id: walk.memory.get('payCredentialId') ?? '',
		name: walk.memory.get('payCredentialName') ?? '',
	};
}

async function outputShows(page: Page, texts: string[]) {
	for (const text of texts) await expectText(outputPanel(page), text);
}

async function outputLacks(page: Page, texts: string[]) {
	const shown = await outputPanel(page).innerText();
	const present = texts.filter((text) => shown.includes(text));
	expectThat(present.length === 0, `The output shows ${present.join(', ')}`);
}

/** Get on the session the walk created and on two sample ones, with its default Simplify. */
export const getSimplified: WalkStep = {
	name: 'Get: Execute step with Simplify on',
	picture: 'node-get-parameters.png',
	async run(walk) {
		const { page } = walk;
		const sessionIds = [
			walk.memory.get('createdSessionId') ?? '',
			OPEN[0].sessionId,
			ENDED[0].sessionId,
		];
		const workflow = getDetailsVersionsWorkflow(
			{ id: 'unused', credential: payCredential(walk), sessionIds },
			[1.1],
		);
		workflow.name = 'Check Flinks payment sessions';
		await openWorkflow(page, await saveWorkflow(walk, 'getWorkflowId', workflow));
		await openNode(page, GET_NODE);
		await executeStep(page);
		await outputShows(page, ['sessionId', 'statusDetails', ENDED[0].status ?? '', 'Initiated']);
		await outputLacks(page, ['payor', 'currency', 'transactions']);
		await dismissToasts(page);
		// The JSON view shows an item whole: the fields of Simplify.
		await outputPanel(page).getByText('JSON', { exact: true }).click();
		await expectText(outputPanel(page), '"sessionId"');
	},
};

export const getFull: WalkStep = {
	name: 'Get: Execute step with Simplify off',
	async run({ page }) {
		const simplify = parameterInput(page, 'simplify').locator('.el-switch');
		await simplify.click();
		await page.waitForFunction(
			(element) =>
				element?.getAttribute('aria-checked') === 'false' ||
				element?.classList.contains('is-checked') === false,
			await simplify.elementHandle(),
		);
		await executeStep(page);
		await outputShows(page, ['"payor"', '"currency"', '"transactions"']);
		await dismissToasts(page);
	},
};

/** Cancel on the sample sessions, its options shown at their defaults. */
export const cancelParameters: WalkStep = {
	name: 'Cancel: parameters and options',
	picture: 'node-cancel-parameters.png',
	async run(walk) {
		const { page } = walk;
		const workflow = cancelWorkflow({
			id: 'unused',
			credential: payCredential(walk),
			sessionIds: SAMPLE_SESSIONS.filter((session) => session.status).map(
				(session) => session.sessionId,
			),
			options: { concurrency: 0, maxRetries: 3, timeout: 30000, ifAlreadyEnded: 'returnStatus' },
		});
		workflow.name = 'Cancel stale Flinks sessions';
		await openWorkflow(page, await saveWorkflow(walk, 'cancelWorkflowId', workflow));
		await openNode(page, FIXTURE_FLINKS_NODE);
		for (const label of [
			'Session ID',
			'Concurrency',
			'Max Retries',
			'Timeout',
			'If Session Already Ended',
		]) {
			await expectText(ndv(page), label);
		}
		await waitForInputValue(
			parameterInput(page, 'ifAlreadyEnded').locator('input').first(),
			'Return Its Status',
		);
	},
};

/** Ended sessions come back as items with alreadyEnded, open ones are cancelled. */
export const cancelEnded: WalkStep = {
	name: 'Cancel: Execute step on ended and open sessions',
	picture: 'execution-output.png',
	async run({ page }) {
		await executeStep(page);
		await outputShows(page, [
			'alreadyEnded',
			'Cancelled',
			...ENDED.map((session) => session.sessionId),
		]);
		await outputShows(page, [`${ENDED.length + OPEN.length} items`]);
		await dismissToasts(page);
	},
};

/** "Treat as Error" with On Error set to the error output: the ended sessions go there, with why. */
export const cancelErrorOutput: WalkStep = {
	name: 'Cancel: ended sessions on the error output',
	async run({ page }) {
		await selectOption(page, 'ifAlreadyEnded', 'Treat as Error');
		await ndv(page).getByText('Settings', { exact: true }).click();
		await selectOption(page, 'onError', 'Continue (using error output)');
		await ndv(page).getByText('Parameters', { exact: true }).click();
		await executeStep(page);
		const output = outputPanel(page);
		await output
			.getByText(/^Error/)
			.first()
			.click();
		await expectText(
			output,
			`Session ${ENDED[0].sessionId} has already ended (status ${ENDED[0].status})`,
		);
		await dismissToasts(page);
	},
};
