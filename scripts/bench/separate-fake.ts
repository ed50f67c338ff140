/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- test and tooling code runs in plain Node, never inside n8n; it forks the fake Flinks into a process of its own */
/**
 * Drives the fake Flinks running in a process of its own (fake-server-process.ts): with the fake on
 * n8n's thread, n8n's callbacks and the fake's share one JS thread and the server's clock waits for
 * n8n's; in its own process, what is left between the places is n8n's and the window's alone.
 */
import type { ChildProcess } from 'child_process';
import { fork } from 'child_process';
import path from 'path';

import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { RecordedRequest } from '../../test/helpers/fake-flinks-server';
import { cancelParameters } from '../../test/helpers/flinks-test-bed';
import type { N8nEngine } from '../../test/helpers/n8n-engine';
import type { ConnectionWaits } from './connections';
import { connectionLine, watchConnections } from './connections';
import type { RecordedRun } from './timeline';
import { cpuFloor, fixedWindowReport, timelineReport } from './timeline-report';
import type { FakeRequest } from './fake-server-process';

type Op = FakeRequest extends infer R ? (R extends { op: infer O } ? O : never) : never;

interface FakeInfo {
	baseUrl: string;
	clientId: string;
	clientSecret: string;
	/** Date.now() when the server's clock read 0. */
	epochMs: number;
}

export class SeparateFake {
	private nextId = 0;

	private readonly pending = new Map<number, (result: unknown) => void>();

	private info: FakeInfo = { baseUrl: '', clientId: '', clientSecret: '', epochMs: 0 };

	private constructor(private readonly child: ChildProcess) {
		child.on('message', (message: { id: number; result: unknown }) => this.settle(message));
	}

	static async start(): Promise<SeparateFake> {
		const fake = new SeparateFake(
			fork(path.join(__dirname, 'fake-server-process.ts'), [], { execArgv: ['--import', 'tsx'] }),
		);
		fake.info = (await fake.ask({ op: 'info' })) as FakeInfo;
		return fake;
	}

	get credentials(): ICredentialDataDecryptedObject {
		const { baseUrl, clientId, clientSecret } = this.info;
		return { environment: 'custom', baseUrl, clientId, clientSecret };
	}

	/** The server's clock (ms since it started), read from this process's own clock. */
	get now(): number {
		return Date.now() - this.info.epochMs;
	}

	async addSessions(count: number): Promise<string[]> {
		return (await this.ask({ op: 'addSessions', count })) as string[];
	}

	/** A fresh request log, `latencyMs` per request, 429 (Retry-After: 1) above `limit` in flight (null: no limit). */
	async prepare(latencyMs: number, limit: number | null): Promise<void> {
		await this.ask({ op: 'prepare', latencyMs, limit });
	}

	async requests(): Promise<RecordedRequest[]> {
		return (await this.ask({ op: 'requests' })) as RecordedRequest[];
	}

	async stop(): Promise<void> {
		await this.ask({ op: 'stop' });
	}

	private settle({ id, result }: { id: number; result: unknown }): void {
		this.pending.get(id)?.(result);
		this.pending.delete(id);
	}

	private ask(request: { op: Op } & Record<string, unknown>): Promise<unknown> {
		const id = this.nextId++;
		return new Promise((resolve) => {
			this.pending.set(id, resolve);
			this.child.send({ ...request, id });
		});
	}
}

interface CancelsSetup {
	items: number;
	latencyMs: number;
	limit: number;
}

/**
 * Runs 1 and 2 of the engine bench (default options; Concurrency 10) against the fake in its own
 * process, with the CPU floor measured against it too; returns the lines to print.
 */
export async function cancelsAgainstSeparateFake(
	engine: N8nEngine,
	setup: CancelsSetup,
): Promise<string[]> {
	const fake = await SeparateFake.start();
	const lines: string[] = [];
	try {
		const floor = await cpuFloor(async () => {
			const { recorded } = await runCancels(engine, fake, setup, {}, false);
			const nodeMs = recorded.endMs - recorded.startMs;
			return { nodeMs, requests: recorded.requests.length, fakeInProcess: false };
		});
		const physicalMs = (setup.items * setup.latencyMs) / setup.limit;
		for (const [run, options, window] of [
			['1. Flinks Session, default options', {}, undefined],
			['2. Flinks Session, concurrency 10', { concurrency: 10 }, 10],
		] as const) {
			const { recorded, failed, connections } = await runCancels(
				engine,
				fake,
				setup,
				options,
				true,
			);
			const rejected = recorded.requests.filter((request) => request.status === 429).length;
			lines.push(
				`  ${run}, fake in its own process: ${((recorded.endMs - recorded.startMs) / 1000).toFixed(2)} s, failed ${failed}, 429s ${rejected}`,
				...(window === undefined
					? timelineReport(recorded, physicalMs, floor)
					: fixedWindowReport(recorded, physicalMs, window)),
				connectionLine(connections, recorded.requests.length),
			);
		}
	} finally {
		await fake.stop();
	}
	return lines;
}

async function runCancels(
	engine: N8nEngine,
	fake: SeparateFake,
	{ items, latencyMs, limit }: CancelsSetup,
	options: IDataObject,
	limited: boolean,
): Promise<{ recorded: RecordedRun; failed: number; connections: ConnectionWaits }> {
	const sessions = (await fake.addSessions(items)).map((sessionId) => ({ sessionId }));
	await fake.prepare(limited ? latencyMs : 0, limited ? limit : null);
	engine.replaceStoredCredentials(fake.credentials);
	const stopWatching = watchConnections();
	const startMs = fake.now;
	const result = await engine.run({
		items: sessions,
		parameters: cancelParameters(options),
		onError: 'continueRegularOutput',
	});
	const endMs = fake.now;
	const connections = stopWatching();
	const requests = await fake.requests();
	return {
		recorded: { requests, startMs, endMs, limit, exchangesHoldPlaces: true },
		failed: result.items.filter((item) => item.json.error !== undefined).length,
		connections,
	};
}
