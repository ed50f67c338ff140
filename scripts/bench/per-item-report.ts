/** The per-item bench's Markdown: one table for every release, the ratio, and the CPU profiles. */
import { median } from './bench-support';
import { busyUs } from './cpu-profile';
import type { PerItemRun, ProfiledRun, ReleaseResult } from './per-item';
import type { PerItemSettings } from './per-item-settings';
import type { RowKey } from './per-item-rows';
import { ROW_KEYS, ROWS } from './per-item-rows';

const TARGET_RATIO = 1.15;
const TOP_FUNCTIONS = 25;
/** Packages below this share of every profiled row's busy time fold into one line. */
const MINOR_GROUP_SHARE = 0.005;

const SHORT_NAMES: Record<RowKey, string> = {
	cancel: 'Cancel',
	header: 'HTTP typed header',
	credential: 'HTTP predefined credential',
};

export function perItemReport(results: ReleaseResult[], settings: PerItemSettings): string {
	const sections = [
		runsTable(results, settings),
		...results.map((result) => ratioLine(result, settings)),
	];
	for (const result of results) {
		if (result.profiles.length > 0) sections.push(profileSection(result, settings));
	}
	return sections.join('\n\n');
}

function release(result: ReleaseResult): string {
	return `n8n ${result.version.n8n} (Node ${result.nodeVersion})`;
}

function runsOf(result: ReleaseResult, row: RowKey): PerItemRun[] {
	return result.runs.filter((run) => run.row === row);
}

function perItemMs(run: PerItemRun | undefined, settings: PerItemSettings): number | undefined {
	return !run || run.failure || run.nodeMs === undefined ? undefined : run.nodeMs / settings.items;
}

function measured(runs: PerItemRun[], settings: PerItemSettings): number[] {
	return runs.map((run) => perItemMs(run, settings)).filter((ms) => ms !== undefined);
}

/** "1" when every run agrees, else each run's value. */
function values(numbers: number[]): string {
	return new Set(numbers).size === 1 ? String(numbers[0]) : numbers.join(', ');
}

function runsTable(results: ReleaseResult[], settings: PerItemSettings): string {
	const lines = [
		`Per item in real n8n: ${settings.items} cancels, 0 ms latency, no limit; median of ${settings.repeats} alternating runs per row (spread: min–max). Per item = the node's own executionTime ÷ ${settings.items}.`,
		'',
		'| n8n | Node | ms per item | Spread | ÷ typed header | `n8n execute` wall time | Authorize calls | Cancelled | Failed runs |',
		'|---|---|---:|---:|---:|---:|---:|---:|---:|',
	];
	for (const result of results) {
		const headerRuns = measured(runsOf(result, 'header'), settings);
		const header = headerRuns.length > 0 ? median(headerRuns) : undefined;
		for (const key of ROW_KEYS) {
			const runs = runsOf(result, key);
			if (runs.length === 0) continue;
			const perItem = measured(runs, settings);
			const middle = perItem.length > 0 ? median(perItem) : undefined;
			const spread =
				perItem.length > 0
					? `${Math.min(...perItem).toFixed(3)}–${Math.max(...perItem).toFixed(3)}`
					: '—';
			const ratio =
				middle === undefined || header === undefined ? '—' : (middle / header).toFixed(2);
			const authorize = ROWS[key].usesCredential
				? values(runs.map((run) => run.authorizeCalls))
				: '— (1, by the bench)';
			lines.push(
				`| ${release(result)} | ${ROWS[key].label(result.httpRequest)} | ${middle?.toFixed(3) ?? '—'} | ${spread} | ${ratio} | ${(median(runs.map((run) => run.wallMs)) / 1000).toFixed(1)} s | ${authorize} | ${values(runs.map((run) => run.cancelled))} | ${runs.filter((run) => run.failure).length} |`,
			);
		}
	}
	return lines.join('\n');
}

function ratioLine(result: ReleaseResult, settings: PerItemSettings): string {
	const cancel = runsOf(result, 'cancel');
	const header = runsOf(result, 'header');
	// Repeat i of each row ran within the same round of three.
	const perRepeat = cancel
		.map((run, repeat) => [perItemMs(run, settings), perItemMs(header[repeat], settings)])
		.filter((pair): pair is [number, number] => pair.every((ms) => ms !== undefined))
		.map(([cancelMs, headerMs]) => (cancelMs / headerMs).toFixed(2));
	const cancelMs = measured(cancel, settings);
	const headerMs = measured(header, settings);
	const medians =
		cancelMs.length > 0 && headerMs.length > 0
			? (median(cancelMs) / median(headerMs)).toFixed(2)
			: '—';
	return `Cancel ÷ HTTP Request typed header, ${release(result)}: ${medians} (medians); per repeat ${perRepeat.join(', ') || '—'}; target ≤ ${TARGET_RATIO}.`;
}

function profileSection(result: ReleaseResult, settings: PerItemSettings): string {
	const perItem = (us: number) => (us / 1000 / settings.items).toFixed(3);
	const usable = result.profiles.filter(
		(profiled): profiled is Required<ProfiledRun> => profiled.summary !== undefined,
	);
	const lines = [
		`CPU profile, ${release(result)}: samples inside the measured node's run only (its startTime + executionTime), self time per item. Profiles in ${settings.profileDir}.`,
		'',
		'| Row | Node run | CPU busy | Busy per item | Idle | Profiles written |',
		'|---|---:|---:|---:|---:|---:|',
	];
	for (const profiled of result.profiles) {
		const { summary } = profiled;
		lines.push(
			summary
				? `| ${SHORT_NAMES[profiled.row]} | ${(summary.windowUs / 1000).toFixed(0)} ms | ${(busyUs(summary) / 1000).toFixed(0)} ms | ${perItem(busyUs(summary))} ms | ${(summary.idleUs / 1000).toFixed(0)} ms | ${profiled.profilesWritten} |`
				: `| ${SHORT_NAMES[profiled.row]} | — | — | — | — | ${profiled.profilesWritten} (${profiled.note ?? ''}) |`,
		);
	}
	if (usable.length === 0) return lines.join('\n');

	lines.push('', `Self ms per item by package, ${release(result)}:`, '');
	lines.push(`| Package | ${usable.map((p) => SHORT_NAMES[p.row]).join(' | ')} |`);
	lines.push(`|---|${usable.map(() => '---:').join('|')}|`);
	const groups = new Set(usable.flatMap((p) => p.summary.groups.map(({ group }) => group)));
	const selfOf = (profiled: Required<ProfiledRun>, group: string) =>
		profiled.summary.groups.find((entry) => entry.group === group)?.selfUs ?? 0;
	const major = [...groups].filter((group) =>
		usable.some((p) => selfOf(p, group) >= MINOR_GROUP_SHARE * busyUs(p.summary)),
	);
	major.sort((a, b) => selfOf(usable[0], b) - selfOf(usable[0], a));
	for (const group of major) {
		lines.push(`| ${group} | ${usable.map((p) => perItem(selfOf(p, group))).join(' | ')} |`);
	}
	const minor = (p: Required<ProfiledRun>) =>
		[...groups].filter((group) => !major.includes(group)).reduce((sum, g) => sum + selfOf(p, g), 0);
	lines.push(`| (others) | ${usable.map((p) => perItem(minor(p))).join(' | ')} |`);

	for (const profiled of usable) {
		const busy = busyUs(profiled.summary);
		lines.push(
			'',
			`Top ${TOP_FUNCTIONS} self time, ${SHORT_NAMES[profiled.row]}, ${release(result)}:`,
			'',
		);
		lines.push(
			'| ms per item | % of busy | Function | Where | Package |',
			'|---:|---:|---|---|---|',
		);
		for (const entry of profiled.summary.functions.slice(0, TOP_FUNCTIONS)) {
			lines.push(
				`| ${perItem(entry.selfUs)} | ${((100 * entry.selfUs) / busy).toFixed(1)} | \`${entry.functionName}\` | ${entry.location} | ${entry.group} |`,
			);
		}
	}
	return lines.join('\n');
}
