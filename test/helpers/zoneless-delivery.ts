/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs in plain Node, never inside n8n */
/**
 * Run in a child process with TZ set (jest's sandbox keeps its own copy of process.env, so TZ
 * cannot change inside a test): delivers a fresh event dated without a zone to a Flinks Trigger
 * in the real engine and prints the answer and how many executions started, as JSON.
 */
import Module from 'module';

// Outside jest, `X.node` would resolve to n8n's codex file X.node.json before X.node.ts.
const extensions = (Module as unknown as { _extensions: Record<string, unknown> })._extensions;
const readJson = extensions['.json'];
delete extensions['.json'];
extensions['.json'] = readJson;

async function main(): Promise<void> {
	const { startTriggerBed } = await import('./flinks-trigger-bed');
	const { shutdownN8nEngine } = await import('./n8n-engine');
	const bed = await startTriggerBed();
	try {
		const trigger = await bed.activate({ options: { ignoreRepeats: false } });
		const session = bed.server.addSession();
		const zoneless = new Date().toISOString().replace(/Z$/, '');
		const event = bed.webhooks.finish(session.sessionId, 'Completed', { when: zoneless });
		const answer = await bed.webhooks.deliver(trigger.url, event);
		process.stdout.write(
			`${JSON.stringify({ timeZone: process.env.TZ, answer, executions: trigger.executions.length })}\n`,
		);
	} finally {
		await bed.engine.close();
		await bed.server.stop();
		await shutdownN8nEngine();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`${String(error)}\n`);
		process.exit(1);
	},
);
