/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs in plain Node, never inside n8n */
import { execFile } from 'child_process';
import { join } from 'path';
import { promisify } from 'util';

const runFile = promisify(execFile);

export interface ZonelessDelivery {
	timeZone: string;
	answer: { status: number; body: unknown };
	executions: number;
}

/**
 * Delivers a fresh event dated without a zone to a Flinks Trigger in the real engine, in a child
 * process whose TZ is `timeZone`: jest's sandbox keeps its own copy of process.env, so TZ cannot
 * change inside a test.
 */
export async function deliverZonelessEventIn(timeZone: string): Promise<ZonelessDelivery> {
	const { stdout } = await runFile(
		process.execPath,
		[require.resolve('tsx/cli'), join(__dirname, 'zoneless-delivery.ts')],
		{ env: { ...process.env, TZ: timeZone }, timeout: 60_000 },
	);
	return JSON.parse(stdout) as ZonelessDelivery;
}
