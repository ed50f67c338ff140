import { CREDENTIAL_TYPE } from '../../e2e/package-tarball';
import { SAMPLE_SESSIONS } from '../../e2e/sample-sessions';
import type { WorkflowFile } from '../../e2e/workflows';
import { TRIGGER_TYPE, WEBHOOK_CREDENTIAL_TYPE } from '../../e2e/workflows';
import { FakeFlinksWebhooks } from '../../helpers/fake-flinks-webhooks';
import { WEBHOOK_CREDENTIAL } from '../editor-bed';
import {
	executeStep,
	expectText,
	expectThat,
	ndv,
	openNode,
	openWorkflow,
	outputPanel,
} from '../editor-page';
import type { WalkContext, WalkStep } from '../walk';
import { rememberDocsLink } from './docs-links';
import { saveWorkflow } from './sessions';

const TRIGGER_NODE = 'Flinks Trigger';
/** What each credential selector is for, in the trigger's own words. */
const CREDENTIAL_LABELS = [
	'Flinks Webhook API (the signing secret)',
	'Flinks Pay API (for Confirm With Flinks)',
];
const WEBHOOK_ID = '5b0e6f1c-2d3a-4b5c-8d9e-0f1a2b3c4d5e';

function triggerWorkflow(walk: WalkContext): WorkflowFile {
	return {
		name: 'When a Flinks payment ends',
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: '00000000-0000-4000-8000-00000000d0c5',
				name: TRIGGER_NODE,
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				webhookId: WEBHOOK_ID,
				parameters: { confirmWithFlinks: true, options: {} },
				credentials: {
					[WEBHOOK_CREDENTIAL_TYPE]: WEBHOOK_CREDENTIAL,
					[CREDENTIAL_TYPE]: {
						id: walk.memory.get('payCredentialId') ?? '',
						name: walk.memory.get('payCredentialName') ?? '',
					},
				},
			},
		],
		connections: {},
	};
}

/** The trigger's panel: both webhook URLs, both credentials, the set-up notice. */
export const triggerParameters: WalkStep = {
	name: 'Flinks Trigger: webhook URLs and both credentials',
	picture: 'node-trigger-parameters.png',
	async run(walk) {
		const { page, n8nUrl } = walk;
		await openWorkflow(page, await saveWorkflow(walk, 'triggerWorkflowId', triggerWorkflow(walk)));
		await openNode(page, TRIGGER_NODE);
		await rememberDocsLink(walk, 'triggerDocs');
		const panel = ndv(page);
		const labels = (await panel.getByTestId('credentials-label').allInnerTexts()).map((text) =>
			text.trim(),
		);
		expectThat(
			labels.join(' | ') === CREDENTIAL_LABELS.join(' | '),
			`The credential selectors are labelled ${labels.join(' | ')}`,
		);
		const chosen = await panel
			.getByTestId('node-credentials-select')
			.locator('input')
			.evaluateAll((inputs) =>
				inputs.map((input) => (input as unknown as { value: string }).value),
			);
		const wanted = [WEBHOOK_CREDENTIAL.name, walk.memory.get('payCredentialName') ?? ''];
		expectThat(
			chosen.join(' | ') === wanted.join(' | '),
			`The credential selectors hold ${chosen.join(' | ')}`,
		);
		await expectText(panel, 'Flinks registers webhook URLs through its support desk');
		await panel.getByText('Webhook URLs').first().click();
		// n8n shows its own host name (localhost) with the port it listens on.
		const port = new URL(n8nUrl).port;
		for (const [toggle, url] of [
			['Test URL', `:${port}/webhook-test/${WEBHOOK_ID}/webhook`],
			['Production URL', `:${port}/webhook/${WEBHOOK_ID}/webhook`],
		]) {
			await panel.getByText(toggle, { exact: true }).first().click();
			await expectText(panel, url);
		}
	},
};

/** "Listen for test event", a signed delivery as Flinks sends it, and the event in the output. */
export const triggerTestEvent: WalkStep = {
	name: 'Flinks Trigger: listen for a test event',
	async run(walk) {
		const { page, flinks, n8nUrl } = walk;
		await executeStep(page);
		await expectText(ndv(page), /Listening for test event/i);
		const webhooks = new FakeFlinksWebhooks(flinks);
		const session = SAMPLE_SESSIONS.find((candidate) => candidate.status === 'Completed');
		if (!session) throw new Error('No completed sample session');
		const event = webhooks.finish(session.sessionId, 'Completed');
		const answer = await webhooks.deliver(`${n8nUrl}/webhook-test/${WEBHOOK_ID}/webhook`, event, {
			secret: walk.webhookSecret,
		});
		expectThat(
			answer.status === 200,
			`The test delivery got HTTP ${answer.status}: ${JSON.stringify(answer.body)}`,
		);
		await expectText(outputPanel(page), session.sessionId);
		await expectText(outputPanel(page), 'Completed');
	},
};
