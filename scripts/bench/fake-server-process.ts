/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test and tooling code runs in plain Node, never inside n8n */
/**
 * The fake Flinks in a process of its own, driven over IPC (separate-fake.ts): a bench run then
 * measures n8n without the fake's work on n8n's one JS thread, and the server's clock (`at`,
 * `answeredAt`) no longer waits for n8n's callbacks to finish.
 */
import { FakeFlinksServer } from '../../test/helpers/fake-flinks-server';

export type FakeRequest =
	| { id: number; op: 'info' | 'requests' | 'stop' }
	| { id: number; op: 'addSessions'; count: number }
	| { id: number; op: 'prepare'; latencyMs: number; limit: number | null };

async function serve(): Promise<void> {
	const server = await FakeFlinksServer.start();
	const send = process.send?.bind(process);
	if (!send) throw new Error('fake-server-process.ts runs as a forked child (separate-fake.ts)');
	process.on('message', (message: FakeRequest): void => {
		const answer = (result: unknown) => void send({ id: message.id, result });
		switch (message.op) {
			case 'info':
				return answer({
					baseUrl: server.baseUrl,
					clientId: server.clientId,
					clientSecret: server.clientSecret,
					epochMs: Date.now() - server.now,
				});
			case 'addSessions':
				return answer(server.addSessions(message.count).map(({ sessionId }) => sessionId));
			case 'prepare':
				server.reset();
				server.setLatency(message.latencyMs);
				if (message.limit !== null) server.setMaxInFlight(message.limit, '1');
				return answer(null);
			case 'requests':
				return answer(server.requests);
			case 'stop':
				void server.stop().then(() => {
					answer(null);
					process.disconnect();
				});
				return;
		}
	});
}

serve().catch((error: unknown) => {
	process.stderr.write(
		`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exit(1);
});
