import { AUTHORIZE, CANCELS, CONFIRMS, CREATES, DETAILS } from './helpers/fault-matrix';
import type { FlinksTestBed } from './helpers/flinks-test-bed';
import {
	cancelParameters,
	createParameters,
	customer,
	everythingVisible,
	sessionParameters,
	startTestBed,
} from './helpers/flinks-test-bed';
import { startTriggerBed } from './helpers/flinks-trigger-bed';
import { shutdownN8nEngine } from './helpers/n8n-engine';
import type { RunResult } from './helpers/n8n-engine';

let bed: FlinksTestBed | undefined;

afterEach(async () => {
	await bed?.server.stop();
	bed = undefined;
});
afterAll(async () => {
	await shutdownN8nEngine();
});

/** The node's own secrets for this fake Flinks: client secret, its Basic form, every token issued. */
function secretsOf(server: FlinksTestBed['server'], ...more: string[]): string[] {
	const basic = Buffer.from(`${server.clientId}:${server.clientSecret}`).toString('base64');
	return [server.clientSecret, basic, ...server.issuedTokens(), ...more];
}

function expectNoSecretIn(visible: string, secrets: string[]): void {
	for (const secret of secrets) expect(visible).not.toContain(secret);
	expect(visible).not.toMatch(/Basic [A-Za-z0-9+/=]{16,}/);
	expect(visible).not.toMatch(/Bearer [0-9a-f-]{36}/i);
}

describe('a server that reflects the Authorization header into its answer', () => {
	it("puts no token into a cancel's, a create's, a Get's or a Confirm Guarantee's error, nor n8n's log", async () => {
		bed = await startTestBed();
		const [toCancel, toGet, toConfirm] = bed.server.addSessions(3);
		const { server, engine } = bed;
		const reflecting = (filter: typeof CANCELS) =>
			server.injectFault({ ...filter, kind: 'reflectAuthorization', status: 400 });
		const runs: RunResult[] = [];
		reflecting(CANCELS);
		runs.push(
			await engine.run({
				items: [{ sessionId: toCancel.sessionId }],
				parameters: cancelParameters({ ifAlreadyEnded: 'error' }),
			}),
		);
		reflecting(DETAILS);
		runs.push(
			await engine.run({
				items: [{ sessionId: toGet.sessionId }],
				parameters: sessionParameters('getDetails'),
				onError: 'continueRegularOutput',
			}),
		);
		reflecting(CREATES);
		runs.push(await engine.run({ items: [customer(1)], parameters: createParameters() }));
		reflecting(CONFIRMS);
		runs.push(
			await engine.run({
				items: [{ sessionId: toConfirm.sessionId }],
				parameters: sessionParameters('confirmGuarantee', { guaranteeAccepted: true }),
				onError: 'continueErrorOutput',
			}),
		);

		// Each request was answered with its own Authorization header, and the error still says why.
		expect(runs[0].error?.message).toMatch(/^Cancelling session \S+: Flinks answered HTTP 400 \(/);
		expect(runs[1].items[0].json.error).toMatch(/Flinks answered HTTP 400/);
		expect(runs[2].error?.message).toMatch(/^Creating a session: Flinks answered HTTP 400/);
		expect(runs[3].errorItems[0].json.error).toMatch(/Flinks answered HTTP 400/);
		expect(bed.server.requests.filter((r) => r.fault === 'reflectAuthorization')).toHaveLength(4);
		expectNoSecretIn(everythingVisible(bed, runs), secretsOf(bed.server));
	});

	it("puts neither the client secret nor its Basic form into the token request's error or the credential test", async () => {
		bed = await startTestBed();
		const [session] = bed.server.addSessions(1);
		bed.server.injectFault({ ...AUTHORIZE, kind: 'reflectAuthorization', status: 400, times: 3 });
		const run = await bed.engine.run({
			items: [{ sessionId: session.sessionId }],
			parameters: cancelParameters(),
		});
		const test = await bed.engine.testCredentials();

		expect(run.error?.message).toMatch(/^Flinks did not issue an access token \(HTTP 400: /);
		expect(test.status).toBe('Error');
		expectNoSecretIn(everythingVisible(bed, [run], test), secretsOf(bed.server));
	});
});

describe('Flinks Trigger with Confirm With Flinks', () => {
	it('puts no token, client secret or webhook secret into the item or the log when Flinks reflects them', async () => {
		const trigger = await startTriggerBed();
		try {
			const active = await trigger.activate({ confirmWithFlinks: true });
			trigger.server.injectFault({ ...DETAILS, kind: 'reflectAuthorization', status: 503 });
			trigger.server.injectFault({ ...AUTHORIZE, kind: 'reflectAuthorization', status: 400 });
			const first = trigger.server.addSession();
			const second = trigger.server.addSession();
			await trigger.webhooks.deliver(
				active.url,
				trigger.webhooks.finish(first.sessionId, 'Completed'),
			);
			trigger.server.revokeTokens();
			// The event itself carries the webhook secret (a sender that echoes what it signs with).
			await trigger.webhooks.deliver(
				active.url,
				trigger.webhooks.finish(second.sessionId, 'Completed', {
					referenceId: trigger.webhooks.secret,
				}),
			);

			expect(active.executions).toHaveLength(2);
			const visible = [JSON.stringify(active.executions), ...trigger.engine.logLines].join('\n');
			expectNoSecretIn(visible, secretsOf(trigger.server, trigger.webhooks.secret));
		} finally {
			await trigger.engine.close();
			await trigger.server.stop();
		}
	});
});
