/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test and tooling code runs in plain Node, never inside n8n */
/**
 * Flinks Connect in n8n-core's real WorkflowExecute against the fake Connect server: Get Accounts
 * Detail on a 365-day answer (5 accounts × 1,500 transactions) per output mode, with the size of
 * the node's run data per account; and 100 logins through the adaptive window on a server that
 * turns away more than 10 requests at once. Prints figures; asserts nothing.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { ConnectTestBed } from '../../test/helpers/connect-test-bed';
import { connectParameters, startConnectBed } from '../../test/helpers/connect-test-bed';
import { shutdownN8nEngine } from '../../test/helpers/n8n-engine';
import { median } from './bench-support';

// tsx resolves the extensionless 'FlinksConnect.node' to FlinksConnect.node.json (the codex) first.
const { FlinksConnect } =
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	require('../../nodes/Flinks/FlinksConnect.node.ts') as typeof import('../../nodes/Flinks/FlinksConnect.node');

const REPEATS = 3;
const ACCOUNTS = 5;
const TRANSACTIONS = 1_500;
const LOGINS = 100;
const LATENCY_MS = 25;
const SERVER_LIMIT = 10;

async function timed(bed: ConnectTestBed, items: IDataObject[], parameters: INodeParameters) {
	const startedAt = performance.now();
	const run = await bed.run(items, parameters, { onError: 'continueRegularOutput' });
	return { run, ms: performance.now() - startedAt };
}

async function largeAnswer(log: (line: string) => void): Promise<void> {
	const bed = await startConnectBed({}, FlinksConnect);
	try {
		const login = bed.server.connect.addLogin({
			accountCount: ACCOUNTS,
			transactionsPerAccount: TRANSACTIONS,
		});
		log(
			`Get Accounts Detail, 365 days, ${ACCOUNTS} accounts × ${TRANSACTIONS} transactions (median of ${REPEATS}):`,
		);
		log('| Output | Items | Wall time | Output items as JSON | per account |');
		log('|---|---:|---:|---:|---:|');
		for (const output of ['accounts', 'transactions', 'whole']) {
			const parameters = connectParameters('getAccountsDetail', {
				output,
				options: { daysOfTransactions: 'Days365' },
			});
			const runs = [];
			for (let repeat = 0; repeat < REPEATS; repeat++) {
				runs.push(await timed(bed, [{ loginId: login.loginId }], parameters));
			}
			const { run } = runs[0];
			const bytes = Buffer.byteLength(JSON.stringify(run.items));
			log(
				`| ${output} | ${run.items.length} | ${(median(runs.map((r) => r.ms)) / 1000).toFixed(2)} s | ${(bytes / 1024 / 1024).toFixed(2)} MB | ${(bytes / ACCOUNTS / 1024).toFixed(0)} KB |`,
			);
		}
	} finally {
		await bed.server.stop();
	}
}

async function batchThroughWindow(log: (line: string) => void): Promise<void> {
	const bed = await startConnectBed({}, FlinksConnect);
	try {
		const logins = Array.from({ length: LOGINS }, () =>
			bed.server.connect.addLogin({ accountCount: 2, transactionsPerAccount: 20 }),
		);
		bed.server.setLatency(LATENCY_MS);
		bed.server.setMaxInFlight(SERVER_LIMIT, '1');
		const requestsPerLogin = 3;
		const floorS = (LOGINS * requestsPerLogin * LATENCY_MS) / SERVER_LIMIT / 1000;
		log('');
		log(
			`${LOGINS} logins through the adaptive window: ${LATENCY_MS} ms latency, 429 (Retry-After: 1) above ${SERVER_LIMIT} in flight, ${requestsPerLogin} requests a login (floor ${floorS.toFixed(2)} s)`,
		);
		const { run, ms } = await timed(
			bed,
			logins.map((login) => ({ loginId: login.loginId })),
			connectParameters('getAccountsDetail'),
		);
		const failed = run.items.filter((item) => 'error' in item.json).length;
		const answered = new Set(run.items.map((item) => (item.pairedItem as { item: number }).item));
		log(
			`  ${(ms / 1000).toFixed(2)} s (× ${(ms / 1000 / floorS).toFixed(2)} the floor), ${answered.size}/${LOGINS} logins answered, ${failed} failed, ${bed.server.count({ path: /\/GenerateAuthorizeToken$/ })} tokens, 429s ${bed.server.requests.filter((r) => r.status === 429).length}, peak in flight ${bed.server.peakInFlight}`,
		);
	} finally {
		await bed.server.stop();
	}
}

export async function runConnectBench(log: (line: string) => void): Promise<void> {
	try {
		await largeAnswer(log);
		await batchThroughWindow(log);
	} finally {
		await shutdownN8nEngine();
	}
}

if (require.main === module) {
	runConnectBench((line) => process.stdout.write(`${line}\n`)).catch((error: unknown) => {
		process.stderr.write(`${String(error)}\n`);
		process.exit(1);
	});
}
