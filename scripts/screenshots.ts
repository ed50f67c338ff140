/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
/**
 * `npm run screenshots`: the README's pictures, taken from a real `n8n start` on 127.0.0.1 with
 * the packed package installed as n8n installs community packages, the fake Flinks server beside
 * it, and Debian's Chromium driven by playwright-core (which downloads no browser).
 *
 * Writes docs/node-cancel-parameters.png, docs/credential-dialog.png, docs/execution-output.png,
 * docs/node-get-parameters.png (Get with Simplify, run on the sample sessions) and
 * docs/node-trigger-parameters.png.
 * Needs /usr/bin/chromium (`apt-get install -y chromium`); CHROMIUM=/path overrides it.
 */
import { randomBytes } from 'crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'fs';
import os from 'os';
import path from 'path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium, selectors } from 'playwright-core';

import { FakeFlinksServer } from '../test/helpers/fake-flinks-server';
import { defaultN8nVersion, ensureN8n } from '../test/e2e/n8n-install';
import type { N8nServer } from '../test/e2e/n8n-sandbox';
import { N8nSandbox } from '../test/e2e/n8n-sandbox';
import { buildAndPack, CREDENTIAL_TYPE, REPO_ROOT } from '../test/e2e/package-tarball';
import { SAMPLE_SESSIONS, seedSampleSessions } from '../test/e2e/sample-sessions';
import type { WorkflowFile } from '../test/e2e/workflows';
import {
	cancelWorkflow,
	FIXTURE_FLINKS_NODE,
	getDetailsVersionsWorkflow,
	TRIGGER_TYPE,
	WEBHOOK_CREDENTIAL_TYPE,
} from '../test/e2e/workflows';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const DOCS = path.join(REPO_ROOT, 'docs');
const VIEWPORT = { width: 1440, height: 1000 };
const WORKFLOW_ID = 'docsCancelSessions';
const GET_WORKFLOW_ID = 'docsGetSessions';
const GET_NODE = 'Get (v1.1)';
const TRIGGER_WORKFLOW_ID = 'docsPaymentEnded';
const TRIGGER_NODE = 'Flinks Trigger';
const CREDENTIAL = { id: 'docsFlinksPay', name: 'Flinks Pay account' };
const WEBHOOK_CREDENTIAL = { id: 'docsFlinksWebhook', name: 'Flinks Webhook account' };
/** The known sample sessions: two still open, three already ended. */
const SESSION_IDS = SAMPLE_SESSIONS.filter((session) => session.status).map(
	(session) => session.sessionId,
);

const started = Date.now();

function step(message: string): void {
	const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
	process.stdout.write(`[${seconds}s] ${message}\n`);
}

async function main(): Promise<void> {
	// n8n's editor marks its elements with data-test-id.
	selectors.setTestIdAttribute('data-test-id');
	if (!existsSync(CHROMIUM)) {
		throw new Error(
			`No Chromium at ${CHROMIUM}. Install Debian's: sudo apt-get update && sudo apt-get install -y chromium (or set CHROMIUM=/path/to/chromium)`,
		);
	}
	const tarball = await buildAndPack(step);
	const install = await ensureN8n(defaultN8nVersion(), step);
	const flinks = await FakeFlinksServer.start();
	seedSampleSessions(flinks);
	// n8n's auth cookie is Secure by default; this n8n is plain http on 127.0.0.1.
	const sandbox = await N8nSandbox.create(
		{ ...install, env: { ...install.env, N8N_SECURE_COOKIE: 'false' } },
		tarball,
	);
	let n8n: N8nServer | undefined;
	let browser: BrowserContext | undefined;
	const profile = mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-flinks-chromium-'));
	try {
		await sandbox.importCredentials([
			{
				...CREDENTIAL,
				type: CREDENTIAL_TYPE,
				data: {
					environment: 'custom',
					baseUrl: flinks.baseUrl,
					clientId: flinks.clientId,
					clientSecret: flinks.clientSecret,
					xClientId: '',
				},
			},
			{
				...WEBHOOK_CREDENTIAL,
				type: WEBHOOK_CREDENTIAL_TYPE,
				data: { secret: `whsec_${randomBytes(18).toString('base64url')}` },
			},
		]);
		const workflow = cancelWorkflow({
			id: WORKFLOW_ID,
			credential: CREDENTIAL,
			sessionIds: SESSION_IDS,
		});
		workflow.name = 'Cancel stale Flinks sessions';
		// Every Cancel option set to its default, so the editor shows them all.
		const cancelNode = workflow.nodes.find((node) => node.name === FIXTURE_FLINKS_NODE);
		if (cancelNode) {
			cancelNode.parameters.options = {
				concurrency: 0,
				maxRetries: 3,
				timeout: 30000,
				ifAlreadyEnded: 'returnStatus',
			};
		}
		const getWorkflow = getDetailsVersionsWorkflow(
			{ id: GET_WORKFLOW_ID, credential: CREDENTIAL, sessionIds: SESSION_IDS },
			[1.1],
		);
		getWorkflow.name = 'Check Flinks payment sessions';
		await sandbox.importWorkflows([workflow, getWorkflow, triggerWorkflow()]);
		step(`Starting n8n ${install.version} (fake Flinks on ${flinks.baseUrl})`);
		n8n = await sandbox.start();
		step(`n8n is up on ${n8n.baseUrl}`);

		// A fresh profile each run, so nothing of an earlier run (or of the user's Chromium) leaks in.
		browser = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true,
			args: [
				'--headless',
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
		await signIn(page);
		mkdirSync(DOCS, { recursive: true });
		let captured = false;
		try {
			await captureNodeParameters(page);
			await captureCredentialDialog(page);
			await captureExecutionOutput(page);
			await captureGetParameters(page);
			await captureTriggerParameters(page);
			captured = true;
		} finally {
			if (!captured) {
				const failure = path.join(os.tmpdir(), 'n8n-nodes-flinks-screenshot-failure.png');
				await page.screenshot({ path: failure }).catch(() => undefined);
				step(`Failed on ${page.url()}; the page as it was then: ${failure}`);
			}
		}
		step(`Done: ${path.relative(REPO_ROOT, DOCS)}/*.png`);
	} finally {
		await browser?.close();
		await n8n?.stop();
		await flinks.stop();
		sandbox.remove();
		rmSync(profile, { recursive: true, force: true });
	}
}

/** A fresh n8n asks for an owner account first: create it over the REST API, then log in. */
async function signIn(page: Page): Promise<void> {
	const owner = {
		email: 'docs@example.com',
		firstName: 'Docs',
		lastName: 'Writer',
		password: `Docs-${randomBytes(12).toString('hex')}-1`,
	};
	const setup = await page.request.post('/rest/owner/setup', { data: owner });
	if (!setup.ok())
		throw new Error(`POST /rest/owner/setup: ${setup.status()} ${await setup.text()}`);
	const login = await page.request.post('/rest/login', {
		data: { emailOrLdapLoginId: owner.email, password: owner.password },
	});
	if (!login.ok()) throw new Error(`POST /rest/login: ${login.status()} ${await login.text()}`);
	step('Owner account set up and logged in');
}

async function save(page: Page, name: string): Promise<void> {
	const file = path.join(DOCS, name);
	await page.screenshot({ path: file });
	step(`Saved ${path.relative(REPO_ROOT, file)}`);
}

/** A Flinks Trigger on its own, with the default events and Confirm With Flinks on. */
function triggerWorkflow(): WorkflowFile {
	return {
		id: TRIGGER_WORKFLOW_ID,
		name: 'When a Flinks payment ends',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: '00000000-0000-4000-8000-00000000d0c5',
				name: TRIGGER_NODE,
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				webhookId: '5b0e6f1c-2d3a-4b5c-8d9e-0f1a2b3c4d5e',
				parameters: { confirmWithFlinks: true, options: {} },
				credentials: {
					[WEBHOOK_CREDENTIAL_TYPE]: WEBHOOK_CREDENTIAL,
					[CREDENTIAL_TYPE]: CREDENTIAL,
				},
			},
		],
		connections: {},
	};
}

async function openWorkflow(page: Page, workflowId = WORKFLOW_ID): Promise<void> {
	await page.goto(`/workflow/${workflowId}`);
	await page.getByTestId('canvas-node').first().waitFor();
	await page.waitForLoadState('networkidle');
}

async function openFlinksNode(page: Page, nodeName = FIXTURE_FLINKS_NODE): Promise<void> {
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`).dblclick();
	await page.getByTestId('ndv').waitFor();
	await page.waitForTimeout(500);
}

async function captureNodeParameters(page: Page): Promise<void> {
	await openWorkflow(page);
	await openFlinksNode(page);
	await save(page, 'node-cancel-parameters.png');
}

async function captureCredentialDialog(page: Page): Promise<void> {
	await page.goto(`/home/credentials/${CREDENTIAL.id}`);
	await page.getByTestId('editCredential-modal').waitFor();
	await page.waitForTimeout(500);
	await save(page, 'credential-dialog.png');
}

async function captureExecutionOutput(page: Page): Promise<void> {
	await openWorkflow(page);
	await openFlinksNode(page);
	await executeAndWaitFor(page, 'Cancelled');
	await save(page, 'execution-output.png');
}

/** Get with its default Simplify, run on the sample sessions: the compact item in the output. */
async function captureGetParameters(page: Page): Promise<void> {
	await openWorkflow(page, GET_WORKFLOW_ID);
	await openFlinksNode(page, GET_NODE);
	await executeAndWaitFor(page, 'Completed');
	// The JSON view shows an item whole: the seven fields of Simplify.
	await page.getByText('JSON', { exact: true }).last().click();
	await page.waitForTimeout(500);
	await save(page, 'node-get-parameters.png');
}

async function captureTriggerParameters(page: Page): Promise<void> {
	await openWorkflow(page, TRIGGER_WORKFLOW_ID);
	await openFlinksNode(page, TRIGGER_NODE);
	// Each credential selector holds its own credential: a selector without a matching option shows
	// the bare ID instead (as when n8n offered Flinks Pay API credentials in both).
	await page.getByText(WEBHOOK_CREDENTIAL.name).first().waitFor({ state: 'attached' });
	if ((await page.getByText(WEBHOOK_CREDENTIAL.id).count()) > 0) {
		throw new Error(`The trigger's webhook credential selector shows ${WEBHOOK_CREDENTIAL.id}`);
	}
	await save(page, 'node-trigger-parameters.png');
}

async function executeAndWaitFor(page: Page, text: string): Promise<void> {
	await page.getByTestId('node-execute-button').click();
	await page.locator('table').getByText(text).first().waitFor();
	// The "Node executed successfully" toast would cover the output panel.
	await page
		.locator('.el-notification__closeBtn')
		.click({ timeout: 5000 })
		.catch(() => undefined);
	await page.waitForTimeout(800);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exitCode = 1;
});
