/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
/**
 * Two packed tarballs of this package (before and after a change) on the month-end rows in real
 * n8n, run alternately so that both meet the same machine load: each repeat runs a row with the
 * first tarball, then with the second. Prints every node time and the medians. Asserts nothing.
 *
 *   npx tsx scripts/bench/compare-n8n.ts before.tgz after.tgz
 *
 * Make each tarball with `npm run build && npm pack` at the commit to measure. Environment:
 * N8N_E2E_VERSIONS (default every pinned release), BENCH_ROWS (indexes into bulkRuns(), default
 * "0,4": 200 creates and 200 decisions), BENCH_REPEATS (default 6).
 */
import path from 'path';

import { ensureN8n, n8nVersions } from '../../test/e2e/n8n-install';
import { N8nSandbox } from '../../test/e2e/n8n-sandbox';
import { credentialFile } from '../../test/e2e/workflows';
import type { PlannedRow } from './bulk-n8n';
import { measure, planRow } from './bulk-n8n';
import { bulkRuns } from './bulk-rows';

const log = (line: string) => process.stdout.write(`${line}\n`);

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
	const tarballs = process.argv.slice(2).map((file) => path.resolve(file));
	if (tarballs.length !== 2) throw new Error('Usage: compare-n8n.ts before.tgz after.tgz');
	const specs = bulkRuns();
	const rows = (process.env.BENCH_ROWS ?? '0,4').split(',').map(Number);
	const repeats = Number(process.env.BENCH_REPEATS ?? 6);
	for (const version of n8nVersions()) {
		const install = await ensureN8n(version, log);
		const sides: Array<{ sandbox: N8nSandbox; planned: PlannedRow[] }> = [];
		try {
			for (const tarball of tarballs) {
				const sandbox = await N8nSandbox.create(install, tarball);
				const planned: PlannedRow[] = [];
				sides.push({ sandbox, planned });
				for (let repeat = 0; repeat < repeats; repeat++) {
					for (const row of rows) planned.push(await planRow(specs[row], planned.length));
				}
				await sandbox.importCredentials(
					planned.map((plan) => credentialFile(plan.credential, plan.server)),
				);
				await sandbox.importWorkflows(planned.map((plan) => plan.workflow));
			}
			const times = sides.map(() => new Map<string, number[]>());
			for (let index = 0; index < sides[0].planned.length; index++) {
				for (const [side, { sandbox, planned }] of sides.entries()) {
					const run = await measure(sandbox, planned[index]);
					const nodeMs = run.row?.wallMs ?? NaN;
					const name = planned[index].spec.run;
					times[side].set(name, [...(times[side].get(name) ?? []), nodeMs]);
					log(
						`  ${version.n8n} ${side === 0 ? 'before' : 'after '} ${name}: ${(nodeMs / 1000).toFixed(2)} s, ${run.row?.rejected ?? '?'} 429s, at most ${run.row?.peakInFlight ?? '?'} API calls at Flinks${run.failure ? ` (${run.failure})` : ''}`,
					);
				}
			}
			for (const row of rows) {
				const name = specs[row].run;
				const [before, after] = times.map((side) => side.get(name) ?? []);
				log(
					`n8n ${version.n8n} ${name}: median ${(median(before) / 1000).toFixed(2)} s before, ${(median(after) / 1000).toFixed(2)} s after (${before.length} runs each)`,
				);
			}
		} finally {
			for (const { sandbox, planned } of sides) {
				for (const plan of planned) await plan.server.stop();
				sandbox.remove();
			}
		}
	}
}

main().catch((error: unknown) => {
	process.stderr.write(
		`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exitCode = 1;
});
