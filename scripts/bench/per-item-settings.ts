/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test and tooling code runs in plain Node, never inside n8n */
/** What a per-item bench run covers, from the environment. */
import type { RowKey } from './per-item-rows';
import { ROW_KEYS } from './per-item-rows';

export interface PerItemSettings {
	items: number;
	repeats: number;
	/** Rows to run once more under `--cpu-prof`; none unless BENCH_PROFILE is set. */
	profile: RowKey[];
	profileDir: string;
}

/** BENCH_ITEMS, BENCH_REPEATS, BENCH_PROFILE (1 = every row, or e.g. "cancel,header"), BENCH_PROFILE_DIR. */
export function perItemSettings(env: NodeJS.ProcessEnv = process.env): PerItemSettings {
	const whole = (name: string, fallback: number) => {
		const value = Number(env[name] ?? fallback);
		if (!Number.isInteger(value) || value < 1)
			throw new Error(`${name} must be a whole number ≥ 1`);
		return value;
	};
	const profile = (env.BENCH_PROFILE ?? '').trim();
	const rows = ['', '0', 'false'].includes(profile)
		? []
		: ['1', 'true', 'all'].includes(profile)
			? ROW_KEYS
			: profile.split(',').map((key) => key.trim() as RowKey);
	const unknown = rows.filter((key) => !ROW_KEYS.includes(key));
	if (unknown.length > 0) {
		throw new Error(`BENCH_PROFILE names ${unknown.join(', ')}; rows are ${ROW_KEYS.join(', ')}`);
	}
	return {
		items: whole('BENCH_ITEMS', 2_000),
		repeats: whole('BENCH_REPEATS', 3),
		profile: rows,
		profileDir: env.BENCH_PROFILE_DIR ?? '',
	};
}
