import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { FakeFlinksServer, Fault, RecordedRequest, RequestFilter } from './fake-flinks-server';
import type { RunResult } from './n8n-engine';

export const AUTHORIZE: RequestFilter = { path: '/api/v1/authorize' };
export const CANCELS: RequestFilter = { method: 'POST', path: /\/cancel$/ };
export const DETAILS: RequestFilter = { method: 'GET', path: /\/details$/ };
export const CREATES: RequestFilter = { method: 'POST', path: '/api/v2/sessions' };
export const STATUS: RequestFilter = { method: 'GET', path: /\/status$/ };
export const CONFIRMS: RequestFilter = { method: 'POST', path: /\/guarantees\/confirm$/ };

/** Flinks creates the session, then answers the create with a 303 (as a gateway may). */
export const CREATE_REDIRECTED_AFTER_CREATING: Fault = {
	...CREATES,
	kind: 'redirect',
	status: 303,
	location: '/api/v2/sessions/created',
	afterApplying: true,
};

/** Matches the cancel call of one session only, so a fault lands in the middle of a batch. */
export function cancelOf(sessionId: string): RegExp {
	return new RegExp(`^/api/v2/sessions/${sessionId}/cancel$`, 'i');
}

export function requestsFor(server: FakeFlinksServer, sessionId: string): RecordedRequest[] {
	return server.requests.filter((request) =>
		request.path.toLowerCase().includes(sessionId.toLowerCase()),
	);
}

/**
 * Runs `action` the moment the server records its n-th request matching `filter`, before it
 * answers it: e.g. revoke the token exactly at the 20th cancel, independent of timing.
 */
export function atNthRequest(
	server: FakeFlinksServer,
	filter: RequestFilter,
	n: number,
	action: () => void,
): void {
	const log = server.requests;
	const record = log.push.bind(log);
	let seen = 0;
	log.push = (...entries: RecordedRequest[]) => {
		const length = record(...entries);
		for (const entry of entries) {
			if (!matches(filter, entry)) continue;
			seen++;
			if (seen === n) action();
		}
		return length;
	};
}

function matches(filter: RequestFilter, request: RecordedRequest): boolean {
	if (filter.method && filter.method.toUpperCase() !== request.method) return false;
	if (filter.path === undefined) return true;
	if (typeof filter.path === 'string') return filter.path === request.path;
	filter.path.lastIndex = 0;
	return filter.path.test(request.path);
}

/** The one output item per input item, found by pairing across the main and error outputs. */
export interface PairedOutcome {
	/** How many output items point at this input item (1 when nothing is lost or doubled). */
	outputs: number;
	json?: IDataObject;
}

export function outcomesByInput(run: RunResult, inputCount: number): PairedOutcome[] {
	const outcomes: PairedOutcome[] = Array.from({ length: inputCount }, () => ({ outputs: 0 }));
	const all: INodeExecutionData[] = [...run.items, ...run.errorItems];
	for (const item of all) {
		const paired = item.pairedItem as { item: number } | undefined;
		const outcome = paired ? outcomes[paired.item] : undefined;
		if (!outcome) continue;
		outcome.outputs++;
		outcome.json = item.json;
	}
	return outcomes;
}

export interface MatrixRow {
	fault: string;
	items: number;
	lost: number;
	/** Cancel calls beyond one per item: retries, plus n8n's resend after a token refresh. */
	retries: number;
	authorize: number;
	failedItems: number;
	/** Requests that reached another origin (a redirect's target): must stay 0. */
	sentElsewhere: number;
	seconds: number;
}

export function formatTable(rows: MatrixRow[]): string {
	const header = [
		'Fault',
		'Items',
		'Lost',
		'Retries',
		'Authorize calls',
		'Failed items',
		'Sent elsewhere',
		'Time (s)',
	];
	const body = rows.map((row) => [
		row.fault,
		String(row.items),
		String(row.lost),
		String(row.retries),
		String(row.authorize),
		String(row.failedItems),
		String(row.sentElsewhere),
		row.seconds.toFixed(1),
	]);
	const widths = header.map((title, column) =>
		Math.max(title.length, ...body.map((cells) => cells[column].length)),
	);
	const line = (cells: string[]) =>
		`| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
	return [
		line(header),
		`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
		...body.map(line),
	].join('\n');
}
