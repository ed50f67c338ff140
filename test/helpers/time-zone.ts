/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs in plain Node, never inside n8n */
import { execFile } from 'child_process';
import { join } from 'path';
import { promisify } from 'util';

const runFile = promisify(execFile);

/** How the delivered event writes its time, without a zone: ISO 8601, RFC 1123, or month/day/year. */
export type ZonelessFormat = 'iso' | 'rfc1123' | 'slashes';

export interface ZonelessDelivery {
	timeZone: string;
	answer: { status: number; body: unknown };
	executions: number;
	/** The emitted item's `occurredAt`, and the time the event carried read as UTC. */
	occurredAt?: string;
	sentAsUtc?: string;
	/** Warnings n8n logged for the delivery. */
	warnings?: string[];
}

/**
 * Delivers a fresh event dated without a zone to a Flinks Trigger in the real engine, in a child
 * process whose TZ is `timeZone`: jest's sandbox keeps its own copy of process.env, so TZ cannot
 * change inside a test.
 */
export async function deliverZonelessEventIn(
	timeZone: string,
	format: ZonelessFormat = 'iso',
): Promise<ZonelessDelivery> {
	const { stdout } = await runFile(
		process.execPath,
		[require.resolve('tsx/cli'), join(__dirname, 'zoneless-delivery.ts')],
		{ env: { ...process.env, TZ: timeZone, FLINKS_EVENT_TIME_FORMAT: format }, timeout: 60_000 },
	);
	return JSON.parse(stdout) as ZonelessDelivery;
}
