/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test and tooling code runs in plain Node, never inside n8n */
import { randomBytes } from 'crypto';

import { FULL_DETAILS_KEYS, SIMPLIFIED_DETAILS_KEYS } from '../helpers/details-keys';
import { FakeFlinksServer } from '../helpers/fake-flinks-server';
import { INSTALLS_ENV, TARBALL_ENV } from './global-setup';
import type { N8nInstall } from './n8n-install';
import type { N8nRun } from './n8n-sandbox';
import { N8nSandbox } from './n8n-sandbox';
import { CREDENTIAL_TYPE } from './package-tarball';
import { SAMPLE_SESSIONS, seedSampleSessions } from './sample-sessions';
import type { CredentialRef, ExecutionResult, WorkflowFile } from './workflows';
import {
	cancelWorkflow,
	connectNodes,
	credentialFile,
	EXAMPLE_CONNECT_CREDENTIAL,
	EXAMPLE_CREDENTIAL,
	EXAMPLE_WEBHOOK_CREDENTIAL,
	EXAMPLES,
	FIXTURE_FLINKS_NODE,
	flinksNodes,
	getDetailsVersionsWorkflow,
	flinksTriggers,
	loadExample,
	loadSavedWorkflow,
	manualTwin,
	nodeNamed,
	outputItems,
	pairedIndex,
	prepared,
	ranNodes,
	triggerNode,
	triggerNodes,
	WEBHOOK_CREDENTIAL_TYPE,
	withShortWaits,
} from './workflows';

const installs = JSON.parse(process.env[INSTALLS_ENV] ?? '[]') as N8nInstall[];
const tarball = process.env[TARBALL_ENV] ?? '';

/**
 * `n8n export:workflow` output of the request-and-cancel example, saved by n8n 2.8.4 with this
 * package at 8c4f8a8 (before nodes/FlinksSession and nodes/FlinksTrigger became nodes/Flinks).
 */
const SAVED_BEFORE_MOVE_FILE = 'saved-by-0.1.0-before-move.json';
const SAVED_BEFORE_MOVE = 'e2eSavedBeforeMove';

const CANCEL_PATH = /^\/api\/v2\/sessions\/[^/]+\/cancel$/;
const UNKNOWN_SESSION = '3f2c6a1e-8b4d-4c2a-9e1f-00000000dead';

const credentials = {
	/** Shared by most workflows. */
	main: { id: 'e2eFlinksMain', name: 'Flinks Pay (e2e)' },
	/** Used by the token test only, so its first execution is the first to authorize. */
	tokenReuse: { id: 'e2eFlinksToken', name: 'Flinks Pay (token reuse)' },
	/** Right client ID, wrong secret. */
	wrongSecret: { id: 'e2eFlinksWrong', name: 'Flinks Pay (wrong secret)' },
	/** Points at a gateway that redirects or never answers the token request. */
	hostile: { id: 'e2eFlinksHostile', name: 'Flinks Pay (hostile gateway)' },
} satisfies Record<string, CredentialRef>;

function executionOf(run: N8nRun): ExecutionResult {
	if (!run.execution) {
		throw new Error(`n8n printed no run data (exit ${run.exitCode})\n${run.stdout}\n${run.stderr}`);
	}
	return run.execution;
}

describe('examples/', () => {
	it('scheduled cleanup carries the sample session IDs the demo and this suite seed', () => {
		const code = String(
			nodeNamed(loadExample(EXAMPLES.scheduledCleanup), 'Stale sessions (sample)').parameters
				.jsCode,
		);
		const ids = code.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g);
		expect(ids).toEqual(SAMPLE_SESSIONS.map((session) => session.sessionId));
	});

	it.each(Object.values(EXAMPLES))(
		'%s references the Flinks credentials by their placeholders and has a trigger',
		(file) => {
			const workflow = loadExample(file);
			expect(triggerNodes(workflow).length).toBeGreaterThan(0);
			const nodes = flinksNodes(workflow);
			const triggers = flinksTriggers(workflow);
			expect(nodes.length + triggers.length + connectNodes(workflow).length).toBeGreaterThan(0);
			for (const node of connectNodes(workflow)) {
				expect(node.credentials).toEqual({ flinksConnectApi: EXAMPLE_CONNECT_CREDENTIAL });
			}
			for (const node of nodes) {
				expect(node.credentials).toEqual({ [CREDENTIAL_TYPE]: EXAMPLE_CREDENTIAL });
			}
			for (const trigger of triggers) {
				expect(trigger.credentials).toEqual({
					[WEBHOOK_CREDENTIAL_TYPE]: EXAMPLE_WEBHOOK_CREDENTIAL,
					...(trigger.parameters.confirmWithFlinks
						? { [CREDENTIAL_TYPE]: EXAMPLE_CREDENTIAL }
						: {}),
				});
			}
		},
	);
});

describe.each(installs.map((install) => [install.version, install] as const))(
	'in n8n %s',
	(_version, install) => {
		let server: FakeFlinksServer;
		/** A second Flinks-like host for the hardening test, and a third origin it redirects to. */
		let gateway: FakeFlinksServer;
		let elsewhere: FakeFlinksServer;
		let sandbox: N8nSandbox;
		const wrongSecret = `fks_wrong_${randomBytes(18).toString('base64url')}`;

		const authorizeCalls = () => server.count({ method: 'POST', path: '/api/v1/authorize' });
		const open = () => server.addSession({ status: 'Initiated' }).sessionId;
		const ended = (status: 'Completed' | 'Expired') => server.addSession({ status }).sessionId;
		const workflows: Record<string, WorkflowFile> = {};
		const ids: Record<string, string[]> = {};

		beforeAll(async () => {
			server = await FakeFlinksServer.start();
			gateway = await FakeFlinksServer.start();
			elsewhere = await FakeFlinksServer.start();
			sandbox = await N8nSandbox.create(install, tarball);
			seedSampleSessions(server);

			ids.regular = [open(), 'not-a-session-id', UNKNOWN_SESSION, ended('Completed')];
			ids.stop = [open(), UNKNOWN_SESSION, open()];
			ids.token = [open()];
			ids.abandoned = [open(), ended('Completed'), ended('Expired'), UNKNOWN_SESSION];
			const add = (workflow: WorkflowFile) => (workflows[workflow.id as string] = workflow);
			add(
				prepared(
					manualTwin(loadExample(EXAMPLES.scheduledCleanup), [{}]),
					'e2eScheduled',
					credentials.main,
				),
			);
			add(
				prepared(
					manualTwin(
						loadExample(EXAMPLES.abandonedFlow),
						ids.abandoned.map((sessionId, index) => ({ sessionId, orderId: `A-${index}` })),
					),
					'e2eAbandoned',
					credentials.main,
				),
			);
			add(prepared(loadExample(EXAMPLES.crm), 'e2eCrmWebhook', credentials.main));
			add(
				prepared(
					withShortWaits(loadExample(EXAMPLES.requestCancelIfUnpaid), 1),
					'e2eCancelIfUnpaid',
					credentials.main,
				),
			);
			ids.versions = [ended('Completed')];
			add(
				getDetailsVersionsWorkflow(
					{ id: 'e2eGetVersions', credential: credentials.main, sessionIds: ids.versions },
					[1, 1.1],
				),
			);
			add(
				cancelWorkflow({
					id: 'e2eRegularOutput',
					credential: credentials.main,
					sessionIds: ids.regular,
					onError: 'continueRegularOutput',
				}),
			);
			add(
				cancelWorkflow({
					id: 'e2eStopOnError',
					credential: credentials.main,
					sessionIds: ids.stop,
				}),
			);
			add(
				cancelWorkflow({
					id: 'e2eTokenReuse',
					credential: credentials.tokenReuse,
					sessionIds: ids.token,
				}),
			);
			add(
				cancelWorkflow({
					id: 'e2eWrongSecret',
					credential: credentials.wrongSecret,
					sessionIds: [open(), open(), open()],
				}),
			);

			add(
				cancelWorkflow({
					id: 'e2eHostile',
					credential: credentials.hostile,
					sessionIds: [gateway.addSession().sessionId, gateway.addSession().sessionId],
					options: { timeout: 500, maxRetries: 1 },
				}),
			);

			await sandbox.importCredentials([
				credentialFile(credentials.main, server, server.clientSecret),
				credentialFile(credentials.tokenReuse, server, server.clientSecret),
				credentialFile(credentials.wrongSecret, server, wrongSecret),
				credentialFile(credentials.hostile, gateway, gateway.clientSecret),
			]);
			await sandbox.importWorkflows(Object.values(workflows));
			await sandbox.importWorkflows(loadSavedWorkflow(SAVED_BEFORE_MOVE_FILE));
		});

		afterAll(async () => {
			sandbox?.remove();
			await server?.stop();
			await gateway?.stop();
			await elsewhere?.stop();
		});

		it('scheduled cleanup: cancels open sessions, reports ended ones, sends failures to the error output', async () => {
			const workflow = workflows.e2eScheduled;
			const [flinks] = flinksNodes(workflow);
			const run = await sandbox.execute('e2eScheduled');
			const execution = executionOf(run);

			expect(run.exitCode).toBe(0);
			expect(execution.status).toBe('success');
			const succeeded = outputItems(execution, flinks.name, 0);
			const failed = outputItems(execution, flinks.name, 1);
			const known = SAMPLE_SESSIONS.filter((session) => session.status);
			expect(succeeded.map((item) => item.json.sessionId)).toEqual(known.map((s) => s.sessionId));
			expect(succeeded.map(pairedIndex)).toEqual([0, 1, 2, 3, 4]);
			expect(succeeded.map((item) => [item.json.status, item.json.alreadyEnded])).toEqual([
				['Cancelled', false],
				['Cancelled', false],
				['Completed', true],
				['Expired', true],
				['Cancelled', true],
			]);
			expect(succeeded[0].json).toEqual({
				sessionId: SAMPLE_SESSIONS[0].sessionId,
				referenceId: SAMPLE_SESSIONS[0].referenceId,
				status: 'Cancelled',
				statusDetails: null,
				alreadyEnded: false,
				cancelledAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
				attempts: 1,
			});
			expect(succeeded[2].json.cancelledAt).toBeNull();

			const unknown = SAMPLE_SESSIONS[5].sessionId;
			expect(failed).toHaveLength(1);
			expect(pairedIndex(failed[0])).toBe(5);
			// n8n merges the input row into an error-output item, so the branch keeps its context.
			expect(failed[0].json).toEqual({
				sessionId: unknown,
				orderId: 'ORDER-1404',
				error: expect.stringMatching(new RegExp(`session ${unknown}.*HTTP 404`)),
			});

			// Each branch's audit line reaches back to its input row through pairedItem.
			const audited = outputItems(execution, 'Audit: cancelled').map((item) => item.json.auditLine);
			expect(audited).toHaveLength(5);
			expect(audited[0]).toMatch(
				/flinks\.cancel session=\S+0001 order=ORDER-1001 status=Cancelled alreadyEnded=false$/,
			);
			const notCancelled = outputItems(execution, 'Audit: not cancelled');
			expect(notCancelled.map((item) => item.json.sessionId)).toEqual([unknown]);
			expect(notCancelled[0].json.auditLine).toMatch(
				/flinks\.cancel\.failed session=\S+0404 order=ORDER-1404 error=.*HTTP 404/,
			);

			expect(server.session(SAMPLE_SESSIONS[0].sessionId)?.status).toBe('Cancelled');
			expect(server.session(SAMPLE_SESSIONS[2].sessionId)?.status).toBe('Completed');
		});

		it('Continue (regular output): failed items stay on the main output, in input order', async () => {
			const run = await sandbox.execute('e2eRegularOutput');
			const execution = executionOf(run);

			expect(run.exitCode).toBe(0);
			const items = outputItems(execution, FIXTURE_FLINKS_NODE, 0);
			expect(items.map(pairedIndex)).toEqual([0, 1, 2, 3]);
			expect(outputItems(execution, FIXTURE_FLINKS_NODE, 1)).toEqual([]);
			expect(items[0].json).toMatchObject({
				sessionId: ids.regular[0],
				status: 'Cancelled',
				alreadyEnded: false,
			});
			expect(items[1].json).toEqual({
				error: expect.stringMatching(
					/^Invalid Session ID: "not-a-session-id" is not a UUID \[item 1\]$/,
				),
			});
			expect(items[2].json).toEqual({
				error: expect.stringMatching(new RegExp(`session ${UNKNOWN_SESSION}.*HTTP 404`)),
			});
			expect(items[3].json).toMatchObject({
				sessionId: ids.regular[3],
				status: 'Completed',
				alreadyEnded: true,
			});
			// The invalid ID never reached Flinks.
			expect(server.requests.some((request) => request.path.includes('not-a-session-id'))).toBe(
				false,
			);
		});

		it('without continue-on-fail: the execution fails on the first bad item with a clear message', async () => {
			const run = await sandbox.execute('e2eStopOnError');
			const execution = executionOf(run);

			expect(run.exitCode).toBe(1);
			expect(execution.status).toBe('error');
			const { error } = execution.data.resultData;
			expect(error?.node?.name).toBe(FIXTURE_FLINKS_NODE);
			expect(error?.message).toMatch(
				new RegExp(`^Cancelling session ${UNKNOWN_SESSION}: Flinks answered HTTP 404`),
			);
			expect(execution.data.resultData.runData[FIXTURE_FLINKS_NODE][0].error?.message).toBe(
				error?.message,
			);
			expect(`${run.stdout}\n${run.stderr}`).toContain(error?.message);
			// The run data shows no item, yet the item before the failure was cancelled at Flinks
			// (and, since the node works on items concurrently, possibly the one after).
			expect(server.session(ids.stop[0])?.status).toBe('Cancelled');
		});

		it('authorizes once per token lifetime: the next execution reuses the token n8n stored', async () => {
			const before = authorizeCalls();

			const first = await sandbox.execute('e2eTokenReuse');
			expect(first.exitCode).toBe(0);
			expect(outputItems(executionOf(first), FIXTURE_FLINKS_NODE)[0].json).toMatchObject({
				status: 'Cancelled',
				alreadyEnded: false,
			});
			expect(authorizeCalls() - before).toBe(1);

			const second = await sandbox.execute('e2eTokenReuse');
			expect(second.exitCode).toBe(0);
			expect(outputItems(executionOf(second), FIXTURE_FLINKS_NODE)[0].json).toMatchObject({
				status: 'Cancelled',
				alreadyEnded: true,
			});
			expect(authorizeCalls() - before).toBe(1);

			// Once Flinks lets the token lapse, the next execution gets a new one and carries on.
			server.expireTokensNow();
			const third = await sandbox.execute('e2eTokenReuse');
			expect(third.exitCode).toBe(0);
			expect(outputItems(executionOf(third), FIXTURE_FLINKS_NODE)[0].json).toMatchObject({
				alreadyEnded: true,
			});
			expect(authorizeCalls() - before).toBe(2);
		});

		it('a wrong client secret fails the execution with a clear message and shows no secret', async () => {
			const cancelsBefore = server.count({ path: CANCEL_PATH });
			const authorizeBefore = authorizeCalls();
			const run = await sandbox.execute('e2eWrongSecret');
			const execution = executionOf(run);

			expect(run.exitCode).toBe(1);
			expect(execution.data.resultData.error?.message).toMatch(
				/Flinks rejected the client ID or secret \(401\)/,
			);
			// One token request for the three items, not retried: a wrong secret does not fix itself.
			expect(authorizeCalls() - authorizeBefore).toBe(1);
			expect(server.count({ path: CANCEL_PATH })).toBe(cancelsBefore);
			const printed = `${run.stdout}\n${run.stderr}`;
			expect(printed).not.toContain(wrongSecret);
			expect(printed).not.toContain(
				Buffer.from(`${server.clientId}:${wrongSecret}`).toString('base64'),
			);
		});

		it('never follows a redirected token request, and gives up on one that never answers', async () => {
			gateway.injectFault({
				path: '/api/v1/authorize',
				kind: 'redirect',
				status: 307,
				location: `${elsewhere.baseUrl}/api/v1/authorize`,
			});
			const redirected = await sandbox.execute('e2eHostile');
			expect(redirected.exitCode).toBe(1);
			expect(executionOf(redirected).data.resultData.error?.message).toContain(
				`Flinks answered the token request with HTTP 307, a redirect to ${elsewhere.baseUrl}.`,
			);
			expect(elsewhere.requests).toHaveLength(0);

			// The node's Timeout (500 ms) applies to the token request too, retried once (Max Retries 1).
			gateway.injectFault({ path: '/api/v1/authorize', kind: 'hang', times: Infinity });
			const hung = await sandbox.execute('e2eHostile');
			expect(hung.exitCode).toBe(1);
			expect(executionOf(hung).data.resultData.error?.message).toMatch(
				/^Could not get an access token from Flinks: no answer within 500 ms \(after 2 attempts\)/,
			);
			expect(gateway.count({ path: '/api/v1/authorize' })).toBe(3);
			expect(gateway.count({ path: /\/cancel$/ })).toBe(0);
		});

		it('abandoned-flow cleanup: routes cancelled-now, paid-meanwhile, already-ended and failures', async () => {
			const run = await sandbox.execute('e2eAbandoned');
			const execution = executionOf(run);

			expect(run.exitCode).toBe(0);
			const orders = (node: string) =>
				outputItems(execution, node).map((item) => [item.json.orderId, item.json.orderStatus]);
			expect(orders('Release the order')).toEqual([['A-0', 'abandoned']]);
			expect(orders('Keep the order: paid')).toEqual([['A-1', 'paid']]);
			expect(orders('Release the order (session had ended)')).toEqual([['A-2', 'abandoned']]);
			expect(orders('Flag for review')).toEqual([['A-3', 'needs_review']]);
			expect(outputItems(execution, 'Flag for review')[0].json.note).toMatch(/HTTP 404/);
			expect(ranNodes(execution)).toContain('What did Flinks say?');
		});

		it('Get Details keeps the full item at typeVersion 1 (saved workflows) and is simplified at 1.1', async () => {
			const run = await sandbox.execute('e2eGetVersions');
			const execution = executionOf(run);

			expect(run.exitCode).toBe(0);
			const [full] = outputItems(execution, 'Get (v1)');
			const [compact] = outputItems(execution, 'Get (v1.1)');
			expect(Object.keys(full.json)).toEqual(FULL_DETAILS_KEYS);
			expect(Object.keys(compact.json)).toEqual(SIMPLIFIED_DETAILS_KEYS);
			expect(compact.json).toEqual({
				sessionId: ids.versions[0],
				referenceId: full.json.referenceId,
				status: 'Completed',
				statusDetails: null,
				amount: full.json.amount,
				direction: full.json.direction,
				createdAt: full.json.createdAt,
			});
		});

		it.each([
			['the request-and-cancel example', 'e2eCancelIfUnpaid'],
			['the same workflow as n8n saved it with 0.1.0 before the nodes moved', SAVED_BEFORE_MOVE],
		])(
			'%s: creates the session, checks it (version 1, full item) and cancels it unpaid',
			async (_name, workflowId) => {
				const run = await sandbox.execute(workflowId);
				const execution = executionOf(run);

				expect(run.exitCode).toBe(0);
				const [created] = outputItems(execution, 'Create payment session');
				const sessionId = String(created.json.sessionId);
				expect(created.json).toEqual({
					sessionId,
					referenceId: 'ORDER-1042',
					hostedUrl: `${server.baseUrl}/app/?sessionId=${sessionId}`,
				});
				const [checked] = outputItems(execution, 'Check the session');
				expect(checked.json).toMatchObject({
					sessionId,
					status: 'Initiated',
					amount: 125.5,
					payor: expect.objectContaining({ lastName: expect.any(String) }),
					transactions: [],
				});
				expect(outputItems(execution, 'Cancel the session').map((item) => item.json)).toEqual([
					expect.objectContaining({ sessionId, status: 'Cancelled', alreadyEnded: false }),
				]);
				expect(outputItems(execution, 'Paid or already ended')).toEqual([]);
				expect(server.session(sessionId)?.status).toBe('Cancelled');
			},
		);

		it('CRM example: answers POSTs on its production webhook in a running n8n', async () => {
			const workflow = workflows.e2eCrmWebhook;
			const webhook = triggerNode(workflow);
			const sessionId = open();
			const completed = ended('Completed');
			await sandbox.publishWorkflow('e2eCrmWebhook');
			const n8n = await sandbox.start();
			try {
				const url = await n8n.waitForWebhook(String(webhook.parameters.path));
				const post = async (body: unknown) => {
					const response = await fetch(url, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify(body),
					});
					return {
						status: response.status,
						body: (await response.json()) as Record<string, unknown>,
					};
				};

				const cancelled = await post({ sessionId });
				expect(cancelled).toEqual({
					status: 200,
					body: {
						ok: true,
						sessionId,
						referenceId: expect.any(String),
						status: 'Cancelled',
						alreadyEnded: false,
						cancelledAt: expect.stringMatching(/^\d{4}-/),
					},
				});
				expect(server.session(sessionId)?.status).toBe('Cancelled');

				expect((await post({ sessionId: completed })).body).toMatchObject({
					ok: true,
					status: 'Completed',
					alreadyEnded: true,
					cancelledAt: null,
				});

				const refused = await post({ sessionId: UNKNOWN_SESSION });
				expect(refused.status).toBe(422);
				expect(refused.body).toEqual({
					ok: false,
					sessionId: UNKNOWN_SESSION,
					error: expect.stringMatching(/HTTP 404/),
				});
			} finally {
				await n8n.stop();
			}
		});

		it('nothing n8n printed in any run contains a client secret or an issued token', () => {
			const printed = sandbox.transcript.join('\n');
			expect(printed.length).toBeGreaterThan(0);
			const secrets = [server.clientSecret, wrongSecret, ...server.issuedTokens()];
			expect(server.issuedTokens().length).toBeGreaterThan(0);
			for (const secret of secrets) expect(printed).not.toContain(secret);
			expect(printed).not.toContain(
				Buffer.from(`${server.clientId}:${server.clientSecret}`).toString('base64'),
			);
		});
	},
);
