/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test and tooling code runs in plain Node, never inside n8n */
/**
 * The TCP connections this process opens while watched (Node's `net.client.socket` diagnostics
 * channel), and how long each took from being opened to connected: on loopback the handshake is
 * the kernel's, so the wait is for this process's one JS thread to get to it.
 */
import diagnosticsChannel from 'diagnostics_channel';
import type { Socket } from 'net';

export interface ConnectionWaits {
	opened: number;
	/** Opened → connected, in ms, in the order they connected. */
	waitsMs: number[];
}

/** Starts watching; the returned function stops and reports. */
export function watchConnections(): () => ConnectionWaits {
	const waitsMs: number[] = [];
	let opened = 0;
	const onSocket = (message: unknown) => {
		const { socket } = message as { socket: Socket };
		const openedAt = performance.now();
		opened++;
		socket.once('connect', () => waitsMs.push(performance.now() - openedAt));
	};
	diagnosticsChannel.subscribe('net.client.socket', onSocket);
	return () => {
		diagnosticsChannel.unsubscribe('net.client.socket', onSocket);
		return { opened, waitsMs };
	};
}

export function connectionLine({ opened, waitsMs }: ConnectionWaits, requests: number): string {
	if (waitsMs.length === 0)
		return `      n8n opened ${opened} connections for ${requests} requests`;
	const sorted = [...waitsMs].sort((a, b) => a - b);
	const mean = waitsMs.reduce((sum, ms) => sum + ms, 0) / waitsMs.length;
	const at = (share: number) => sorted[Math.floor(share * (sorted.length - 1))].toFixed(1);
	return `      n8n opened ${opened} connections for ${requests} requests; opened → connected ${mean.toFixed(1)} ms on average (median ${at(0.5)}, 90th percentile ${at(0.9)})`;
}
