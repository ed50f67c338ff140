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
	const { emittedItems } = await import('./n8n-webhook');
	const bed = await startTriggerBed();
	try {
		const trigger = await bed.activate({ options: { ignoreRepeats: false } });
		const session = bed.server.addSession();
		const now = new Date(Math.floor(Date.now() / 1000) * 1000);
		const zoneless = zonelessText(now, process.env.FLINKS_EVENT_TIME_FORMAT ?? 'iso');
		const event = bed.webhooks.finish(session.sessionId, 'Completed', { when: zoneless });
		const answer = await bed.webhooks.deliver(trigger.url, event);
		const [item] = trigger.executions.flatMap(emittedItems);
		const delivery = {
			timeZone: process.env.TZ,
			answer,
			executions: trigger.executions.length,
			occurredAt: item?.occurredAt,
			sentAsUtc: now.toISOString(),
			warnings: bed.engine.logLines.filter((line) => line.includes('"level":"warn"')),
		};
		process.stdout.write(`${JSON.stringify(delivery)}\n`);
	} finally {
		await bed.engine.close();
		await bed.server.stop();
		await shutdownN8nEngine();
	}
}

/** `at` in UTC, written without a zone in the given format. */
function zonelessText(at: Date, format: string): string {
	const two = (n: number) => String(n).padStart(2, '0');
	const time = `${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())}`;
	if (format === 'rfc1123') return at.toUTCString().replace(/ GMT$/, '');
	if (format === 'slashes') {
		return `${two(at.getUTCMonth() + 1)}/${two(at.getUTCDate())}/${at.getUTCFullYear()} ${time}`;
	}
	return at.toISOString().replace(/Z$/, '');
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`${String(error)}\n`);
		process.exit(1);
	},
);
