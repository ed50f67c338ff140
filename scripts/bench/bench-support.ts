/** Small pieces every bench uses. */

/** Where Flinks exchanges client credentials for an access token. */
export const EXCHANGE_PATH = '/api/v1/authorize';

/** The middle value (the upper one of the two middles for an even count). */
export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}
