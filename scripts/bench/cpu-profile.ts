/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
/**
 * Reads a V8 .cpuprofile (what `node --cpu-prof` writes) and sums self time per function and
 * per package, over the samples that fall into one time window (a node's run in n8n).
 */
import { readdirSync, readFileSync } from 'fs';
import path from 'path';

interface CallFrame {
	functionName: string;
	url: string;
	lineNumber: number;
	columnNumber: number;
}

interface ProfileNode {
	id: number;
	callFrame: CallFrame;
}

/** The .cpuprofile JSON; times in µs on V8's monotonic clock (CLOCK_MONOTONIC on Linux). */
export interface CpuProfile {
	nodes: ProfileNode[];
	startTime: number;
	endTime: number;
	samples: number[];
	timeDeltas: number[];
}

/** A span on the profile's own clock, in µs. */
export interface ProfileWindow {
	startUs: number;
	endUs: number;
}

export interface FunctionSelfTime {
	functionName: string;
	/** Path inside its package (or the script's URL when it belongs to none), with the line. */
	location: string;
	group: string;
	selfUs: number;
}

export interface ProfileSummary {
	/** The window's length, and what of it V8 spent idle (waiting on I/O). */
	windowUs: number;
	idleUs: number;
	functions: FunctionSelfTime[];
	/** Self time per package or runtime group, highest first. */
	groups: Array<{ group: string; selfUs: number }>;
}

const IDLE = '(idle)';

function readCpuProfile(file: string): CpuProfile {
	return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

/**
 * Of the profiles in `folder` (one per process that ran with --cpu-prof), the one of the process
 * that ran the window's work: it covers the window and is the busiest inside it.
 */
export function profileOfWindow(
	folder: string,
	window: ProfileWindow,
): { written: number; best?: { file: string; summary: ProfileSummary } } {
	const files = readdirSync(folder)
		.filter((name) => name.endsWith('.cpuprofile'))
		.map((name) => path.join(folder, name));
	let best: { file: string; summary: ProfileSummary } | undefined;
	for (const file of files) {
		const profile = readCpuProfile(file);
		if (!covers(profile, window)) continue;
		const summary = summarize(profile, window);
		if (!best || busyUs(summary) > busyUs(best.summary)) best = { file, summary };
	}
	return { written: files.length, best };
}

/**
 * Maps an epoch time in ms (as n8n records a node's start) onto the profile clock: both this
 * process's hrtime and V8's profiler read CLOCK_MONOTONIC, so one reading of each links them.
 */
export function epochToProfileClock(): (epochMs: number) => number {
	const monotonicUs = Number(process.hrtime.bigint()) / 1000;
	const epochMs = Date.now();
	return (at) => monotonicUs + (at - epochMs) * 1000;
}

/** Whether the window lies within what the profile recorded. */
function covers(profile: CpuProfile, window: ProfileWindow): boolean {
	return window.startUs >= profile.startTime && window.endUs <= profile.endTime;
}

/** Self time per function and per group over the samples taken inside `window`. */
export function summarize(profile: CpuProfile, window: ProfileWindow): ProfileSummary {
	const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
	const byFunction = new Map<string, FunctionSelfTime>();
	const byGroup = new Map<string, number>();
	let idleUs = 0;
	let at = profile.startTime;
	const times = profile.samples.map((_, index) => (at += profile.timeDeltas[index]));
	profile.samples.forEach((nodeId, index) => {
		const sampledAt = times[index];
		if (sampledAt < window.startUs || sampledAt >= window.endUs) return;
		// A sample stands for the time until the next one.
		const durationUs = (times[index + 1] ?? profile.endTime) - sampledAt;
		const frame = frames.get(nodeId);
		if (!frame) return;
		if (frame.functionName === IDLE) {
			idleUs += durationUs;
			return;
		}
		const group = groupOf(frame);
		byGroup.set(group, (byGroup.get(group) ?? 0) + durationUs);
		const key = functionKey(frame);
		const entry = byFunction.get(key) ?? {
			functionName: frame.functionName || '(anonymous)',
			location: `${locationOf(frame.url)}:${frame.lineNumber + 1}`,
			group,
			selfUs: 0,
		};
		entry.selfUs += durationUs;
		byFunction.set(key, entry);
	});
	return {
		windowUs: window.endUs - window.startUs,
		idleUs,
		functions: [...byFunction.values()].sort((a, b) => b.selfUs - a.selfUs),
		groups: [...byGroup.entries()]
			.map(([group, selfUs]) => ({ group, selfUs }))
			.sort((a, b) => b.selfUs - a.selfUs),
	};
}

/** Time on CPU inside the window. */
export function busyUs(summary: ProfileSummary): number {
	return summary.windowUs - summary.idleUs;
}

/** url + function name; anonymous functions keep their line so that they stay apart. */
function functionKey(frame: CallFrame): string {
	return `${frame.url}|${frame.functionName}|${frame.functionName ? '' : frame.lineNumber}`;
}

/** The package a script belongs to (the innermost node_modules entry), or the runtime's part. */
export function groupOf(frame: CallFrame): string {
	const { url, functionName } = frame;
	if (url.startsWith('node:')) return 'node internals';
	if (url === '') {
		if (functionName === '(garbage collector)') return 'V8: garbage collector';
		if (functionName === '(program)') return 'V8: (program)';
		return 'V8/native builtins';
	}
	const packageName = packageOf(url);
	return packageName ?? `other (${url.replace(/^file:\/\//, '')})`;
}

function packageOf(url: string): string | undefined {
	const marker = '/node_modules/';
	const at = url.lastIndexOf(marker);
	if (at === -1) return undefined;
	const [scope, name] = url.slice(at + marker.length).split('/');
	return scope.startsWith('@') ? `${scope}/${name}` : scope;
}

function locationOf(url: string): string {
	const marker = '/node_modules/';
	const at = url.lastIndexOf(marker);
	return at === -1 ? url.replace(/^file:\/\//, '') : url.slice(at + marker.length);
}
