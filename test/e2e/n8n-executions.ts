/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
import path from 'path';

import { describeFailure, hermeticEnv, runCommand } from './command';
import type { N8nSandbox } from './n8n-sandbox';
import type { ExecutionResult } from './workflows';

/** One row of n8n's execution list (execution_entity) with its run data (execution_data). */
export interface StoredExecution {
	id: number;
	status: string;
	mode: string;
	data: ExecutionResult['data'];
}

/**
 * n8n's own SQLite database, read with the sqlite3 and flatted modules of the n8n install itself
 * (n8n stores run data as flatted JSON): what the editor's execution list shows, on every release.
 */
const READ_EXECUTIONS = `
const [database, workflowId] = process.argv.slice(1);
const sqlite3 = require('sqlite3');
const { parse } = require('flatted');
const db = new sqlite3.Database(database, sqlite3.OPEN_READONLY);
db.all(
	'SELECT e.id, e.status, e.mode, d.data FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id WHERE e.workflowId = ? ORDER BY e.id',
	[workflowId],
	(error, rows) => {
		if (error) { process.stderr.write(error.message); process.exit(1); }
		process.stdout.write(JSON.stringify(rows.map((row) => ({ ...row, data: row.data ? parse(row.data) : null }))));
		db.close();
	},
);`;

export async function storedExecutions(
	sandbox: N8nSandbox,
	workflowId: string,
): Promise<StoredExecution[]> {
	const database = path.join(sandbox.userFolder, '.n8n', 'database.sqlite');
	const { install } = sandbox;
	const result = await runCommand(
		install.nodeBinary,
		['-e', READ_EXECUTIONS, database, workflowId],
		{
			cwd: install.folder,
			env: hermeticEnv({ PATH: install.path }),
			timeoutMs: 60_000,
		},
	);
	if (result.exitCode !== 0) throw new Error(describeFailure('reading n8n executions', result));
	return JSON.parse(result.stdout) as StoredExecution[];
}

/** Waits until `count` executions of the workflow have finished, and returns them all. */
export async function finishedExecutions(
	sandbox: N8nSandbox,
	workflowId: string,
	count: number,
	timeoutMs = 60_000,
): Promise<StoredExecution[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const executions = await storedExecutions(sandbox, workflowId);
		const finished = executions.filter(
			(execution) => !['new', 'running'].includes(execution.status),
		);
		if (finished.length >= count || Date.now() > deadline) return executions;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}
