/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs in plain Node, never inside n8n */
import type { FlinksTestBed } from './helpers/flinks-test-bed';
import {
	cancelParameters,
	createParameters,
	customer,
	useTestBed,
} from './helpers/flinks-test-bed';
import { AUTHORIZE, CREATES } from './helpers/fault-matrix';
import type { RunResult } from './helpers/n8n-engine';

let bed: FlinksTestBed;

useTestBed((started) => (bed = started));

/** `runs` executions started together, each creating `perRun` sessions, as a webhook burst does. */
async function overlappingCreates(runs: number, perRun: number): Promise<RunResult[]> {
	return await Promise.all(
		Array.from({ length: runs }, (_, run) =>
			bed.engine.run({
				items: Array.from({ length: perRun }, (_, n) => customer(run * perRun + n)),
				parameters: createParameters(),
				onError: 'continueRegularOutput',
			}),
		),
	);
}

function report(label: string, results: RunResult[]): { created: number; failed: number } {
	const items = results.flatMap((run) => run.items);
	const failed = items.filter((item) => 'error' in item.json).length;
	const created = bed.server.allSessions().length;
	const rejected = bed.server.requests.filter(
		(r) => r.method === 'POST' && r.path === CREATES.path && r.status === 401,
	).length;
	process.stdout.write(
		`${label}: ${created} created, ${failed} failed, ${bed.server.count(AUTHORIZE)} token exchanges, ${rejected} creates refused with 401\n`,
	);
	return { created, failed };
}

describe('Create in executions that overlap', () => {
	it('six one-item Create executions started together all create their session', async () => {
		const results = await overlappingCreates(6, 1);
		expect(report('6 overlapping one-item executions', results)).toEqual({ created: 6, failed: 0 });
		// One token per created session (the fake server refuses a token's second create).
		expect(bed.server.count(AUTHORIZE)).toBe(6);
	});

	it('three parallel runs of six items create all eighteen sessions', async () => {
		const results = await overlappingCreates(3, 6);
		expect(report('3 parallel runs of 6 items', results)).toEqual({ created: 18, failed: 0 });
		expect(bed.server.count({ ...CREATES })).toBe(18);
	});

	it('a batch of 100 creates over ten parallel executions costs one exchange per session', async () => {
		const results = await overlappingCreates(10, 10);
		expect(report('100 creates, 10 parallel executions of 10', results)).toEqual({
			created: 100,
			failed: 0,
		});
		expect(bed.server.count(AUTHORIZE)).toBe(100);
	});

	it('Cancel and Get running beside the creates keep the one shared token', async () => {
		const sessions = bed.server.addSessions(20);
		const [cancels, ...creates] = await Promise.all([
			bed.engine.run({
				items: sessions.map((s) => ({ sessionId: s.sessionId })),
				parameters: cancelParameters(),
			}),
			...Array.from({ length: 4 }, (_, n) =>
				bed.engine.run({ items: [customer(n)], parameters: createParameters() }),
			),
		]);
		expect(cancels.error).toBeUndefined();
		expect(cancels.items.map((item) => item.json.status)).toEqual(sessions.map(() => 'Cancelled'));
		expect(creates.map((run) => run.error)).toEqual([undefined, undefined, undefined, undefined]);
		// The cancels' one shared exchange, plus one per create.
		expect(bed.server.count(AUTHORIZE)).toBe(5);
	});
});
