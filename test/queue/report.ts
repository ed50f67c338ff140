import type { RoundFigures } from './round';

export interface Check {
	name: string;
	passed: boolean;
	detail: string;
}

/** What the rounds are measured against: 25 ms per request, at most 10 in flight. */
export interface Limits {
	latencyMs: number;
	maxInFlight: number;
	workers: number;
}

export function physicalLimitMs(round: RoundFigures, limits: Limits): number {
	return (round.sessions * limits.latencyMs) / limits.maxInFlight;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** "worker-1: 10, worker-2: 10" (and how many ran on no worker or on several). */
export function perWorker(round: RoundFigures, workers: string[]): string {
	const counts = workers.map(
		(name) => `${name}: ${round.executions.filter((e) => e.workers.includes(name)).length}`,
	);
	const nowhere = round.executions.filter((e) => e.workers.length === 0).length;
	const several = round.executions.filter((e) => e.workers.length > 1).length;
	if (nowhere > 0) counts.push(`on no worker: ${nowhere}`);
	if (several > 0) counts.push(`on several: ${several}`);
	return counts.join(', ');
}

/** "worker-1 ran 1, 4, 5; worker-2 ran 2, 3": execution IDs as n8n numbers them. */
export function whichWorkerRanWhat(round: RoundFigures, workers: string[]): string {
	return workers
		.map((name) => {
			const ids = round.executions.filter((e) => e.workers.includes(name)).map((e) => e.id);
			return `${name} ran ${ids.join(', ') || 'none'}`;
		})
		.join('; ');
}

/** The correctness targets of one round; the time target is a figure, not a check. */
export function roundChecks(round: RoundFigures, limits: Limits): Check[] {
	const label = round.label;
	const offWorker = round.executions.filter((e) => e.workers.length !== 1);
	return [
		{
			name: `${label}: no item lost`,
			passed: round.lost === 0 && round.failedCalls.length === 0,
			detail: `${round.lost} of ${round.sessions} sessions did not come back exactly once${round.failedCalls.length ? `; failed calls: ${round.failedCalls.join(' | ')}` : ''}`,
		},
		{
			name: `${label}: no session cancelled twice`,
			passed: round.cancelledTwice === 0,
			detail: `${round.cancelledTwice} sessions`,
		},
		{
			name: `${label}: authorize calls ≤ ${limits.workers} (one per worker process)`,
			passed: round.authorizeCalls <= limits.workers,
			detail: `${round.authorizeCalls} authorize calls`,
		},
		{
			name: `${label}: each of the ${round.calls} executions ran on exactly one worker`,
			passed: round.executions.length === round.calls && offWorker.length === 0,
			detail: `${round.executions.length} executions in Postgres; not on exactly one worker: ${offWorker.map((e) => e.id).join(', ') || 'none'}`,
		},
	];
}

export function roundLine(round: RoundFigures, limits: Limits, workers: string[]): string {
	const limit = physicalLimitMs(round, limits);
	return [
		`${round.label}: ${round.calls} calls × ${round.sessionsPerCall} sessions`,
		`${round.cancelledAtFlinks}/${round.sessions} cancelled at Flinks`,
		`${round.lost} lost`,
		`${round.cancelledTwice} cancelled twice`,
		`${round.errorItems} error items`,
		`${round.authorizeCalls} authorize calls`,
		`${round.rejected429} 429s`,
		`${round.cancelRequests} cancel requests`,
		`first request after ${seconds(round.firstRequestAfterMs)}`,
		`${round.averageInFlight.toFixed(1)} in flight on average`,
		`executions ${perWorker(round, workers)}`,
		`statuses ${[...new Set(round.executions.map((e) => e.status))].join('/') || 'none'}`,
		`wall ${seconds(round.wallMs)} = ${(round.wallMs / limit).toFixed(2)} × ${seconds(limit)}`,
	].join(', ');
}

/** BENCHMARKS.md rows, to paste under "Queue mode". */
export function markdownRows(rounds: RoundFigures[], limits: Limits, workers: string[]): string {
	const limit = rounds[0] ? seconds(physicalLimitMs(rounds[0], limits)) : '';
	const lines = [
		`| Round | Wall time | × ${limit} | Cancelled at Flinks | Lost | Cancelled twice | Authorize calls | 429s | Executions per worker |`,
		'|---|---:|---:|---:|---:|---:|---:|---:|---|',
	];
	for (const round of rounds) {
		lines.push(
			`| ${round.label} | ${seconds(round.wallMs)} | ${(round.wallMs / physicalLimitMs(round, limits)).toFixed(2)} | ${round.cancelledAtFlinks} | ${round.lost} | ${round.cancelledTwice} | ${round.authorizeCalls} | ${round.rejected429} | ${perWorker(round, workers)} |`,
		);
	}
	return lines.join('\n');
}

/** The one line printed last. */
export function summaryLine(
	rounds: RoundFigures[],
	checks: Check[],
	limits: Limits,
	totalMs: number,
): string {
	const failed = checks.filter((check) => !check.passed);
	const verdict =
		failed.length === 0 ? 'PASS' : `FAIL (${failed.length} of ${checks.length} checks)`;
	const perRound = rounds.map((round) => {
		const limit = physicalLimitMs(round, limits);
		return `${round.label}: ${round.cancelledAtFlinks}/${round.sessions} cancelled, ${round.lost} lost, ${round.cancelledTwice} twice, ${round.authorizeCalls} authorize, ${round.rejected429} 429s, ${seconds(round.wallMs)} (${(round.wallMs / limit).toFixed(2)}× ${seconds(limit)})`;
	});
	return [`test:queue ${verdict}`, ...perRound, `total ${seconds(totalMs)}`].join(' | ');
}
