import {
	chooseOption,
	dismissToasts,
	executeStep,
	expectText,
	expectThat,
	fillParameter,
	ndv,
	outputPanel,
	parameterInput,
	waitForInputValue,
} from '../editor-page';
import type { WalkStep } from '../walk';
import {
	closeCredentialModal,
	credentialModal,
	expectNoSecret,
	expectSavedButRefused,
	newCredentialFromNode,
	saveCredential,
	testResult,
} from './credential';
import { followLink, rememberDocsLink } from './docs-links';
import { creatorItem, expectActions } from './first-run';

/** Flinks Connect's actions, in the words README and the node use. */
export const CONNECT_ACTIONS = [
	'Delete a bank connection',
	'Get accounts, balances and transactions of a bank connection',
	'Get the account balances of a bank connection',
	'Get the result of a pending bank data request',
];

/**
 * What the credential test says when Flinks refuses the Secret Key (401): the credential's rule on
 * n8n 2.41 (which showed only "Unauthorized" without it); n8n 2.8 gives its own 401 words, as its
 * credential tester does not apply responseCode rules to this error.
 */
const REFUSED =
	/Flinks refused the Secret Key \(401\)\. Check the credential's 'Secret Key'|Authorization failed - please check your credentials/;
/** A Secret Key with a typo, as a user might paste it. */
const MISTYPED = 'sk_typo-00000000000000000000';
/** The loginId the Flinks Connect iframe handed over when the walk's customer connected their bank. */
const LOGIN_ID = '5e0b6a8f-5f2a-4b6e-8e0c-2f1f7b9b2a11';

/** A new workflow's nodes panel: "flinks" → Flinks Connect, its description and its four actions. */
export const connectActions: WalkStep = {
	name: 'Flinks Connect details and actions',
	async run({ page }) {
		await page.goto('/workflow/new');
		await page.getByTestId('node-creator-plus-button').click();
		await page.getByTestId('node-creator').waitFor();
		await page.getByTestId('node-creator-search-bar').fill('flinks');
		await creatorItem(page, 'flinksConnect').click();
		const creator = page.getByTestId('node-creator');
		await expectText(
			creator,
			"Read a connected customer's bank accounts, balances and transactions with Flinks Connect",
		);
		// The search's list slides out behind the details; its Flinks Connect item is no action.
		await creator
			.getByTestId('node-creator-item-name')
			.filter({ hasText: /^\s*Flinks Connect\s*$/ })
			.first()
			.waitFor({ state: 'hidden' });
		const actions = await expectActions(page, 'flinksConnect', CONNECT_ACTIONS);
		await actions.filter({ hasText: 'Get the account balances of a bank connection' }).click();
		await ndv(page).waitFor();
		await waitForInputValue(
			parameterInput(page, 'operation').locator('input').first(),
			'Get Accounts Summary',
		);
	},
};

/** "Create new credential" from the node: Custom Base URL at the fake, a mistyped Secret Key. */
export const connectCredentialWrongSecret: WalkStep = {
	name: 'New Flinks Connect API credential with a wrong Secret Key',
	async run({ page, flinks }) {
		const modal = await newCredentialFromNode(page, 'Flinks Connect');
		await expectText(modal, 'Flinks Connect API');
		await modal.getByTestId('parameter-input-environment').locator('input').first().click();
		await chooseOption(page, 'Custom Base URL');
		await fillParameter(modal, 'baseUrl', flinks.baseUrl);
		await fillParameter(modal, 'customerId', flinks.connect.customerId);
		await fillParameter(modal, 'secretKey', MISTYPED);
		await fillParameter(modal, 'apiKey', flinks.connect.apiKey);
		await expectSavedButRefused(page, REFUSED, MISTYPED);
	},
};

/** The Secret Key corrected: "Connection tested successfully", and neither key is shown back. */
export const connectCredentialTested: WalkStep = {
	name: 'Connect credential corrected: connection tested successfully',
	async run(walk) {
		const { page, flinks } = walk;
		const modal = credentialModal(page);
		await fillParameter(modal, 'secretKey', flinks.connect.secretKey);
		await saveCredential(page);
		await expectText(testResult(page), 'Connection tested successfully');
		await closeCredentialModal(page);
		await expectNoSecret(page, flinks.connect.secretKey);
		await expectNoSecret(page, flinks.connect.apiKey);
		const selected = ndv(page).getByTestId('node-credentials-select').locator('input').first();
		await page.waitForFunction(
			(element) => ((element as { value?: string } | null)?.value ?? '') !== '',
			await selected.elementHandle(),
		);
		// The docs link is followed from the dialog opened again, as for Flinks Pay API: right after a
		// save n8n 2.41 may still be re-rendering or closing the dialog, and a click there can hang.
		await ndv(page).getByTestId('credential-edit-button').click();
		await expectText(testResult(page), 'Connection tested successfully');
		const docs = credentialModal(page).getByRole('link', { name: /^(open )?docs$/i });
		walk.memory.set('connectCredentialDocs', await followLink(page, docs));
		await closeCredentialModal(page);
	},
};

/** Get Accounts Summary for the login the customer connected: its fields at their defaults. */
export const connectSummaryParameters: WalkStep = {
	name: 'Flinks Connect: Get Accounts Summary parameters',
	picture: 'connect-parameters.png',
	async run(walk) {
		const { page, flinks } = walk;
		await rememberDocsLink(walk, 'connectDocs');
		flinks.connect.addLogin({ loginId: LOGIN_ID, accountCount: 2 });
		await fillParameter(ndv(page), 'loginId', LOGIN_ID);
		for (const label of ['Login ID', 'Output', 'Wait Up To (Seconds)']) {
			await expectText(ndv(page), label);
		}
		await waitForInputValue(
			parameterInput(page, 'output').locator('input').first(),
			'One Item Per Account',
		);
	},
};

/** Execute step: one item per account, with its title, number and balances. */
export const connectSummaryOutput: WalkStep = {
	name: 'Flinks Connect: Execute step shows the accounts',
	picture: 'connect-output.png',
	async run({ page, flinks }) {
		const accounts = flinks.connect.login(LOGIN_ID)?.accounts ?? [];
		expectThat(accounts.length === 2, 'The fake holds no accounts for the walk’s login');
		await executeStep(page);
		const output = outputPanel(page);
		await expectText(output, '2 items');
		for (const text of ['accountNumber', 'Chequing', 'Savings 1', accounts[0].AccountNumber]) {
			await expectText(output, text);
		}
		const shown = await output.innerText();
		expectThat(!shown.includes('transactionId'), 'Get Accounts Summary shows transactions');
		await dismissToasts(page);
	},
};
