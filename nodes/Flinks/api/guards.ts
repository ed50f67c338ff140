import type { IDataObject } from 'n8n-workflow';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A session ID as Flinks issues them: a UUID, so nothing else ever reaches a request URL. */
export function isUuid(value: string): boolean {
	return UUID.test(value);
}

/** A JSON object, not an array or null. */
export function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isSuccessStatus(statusCode: number): boolean {
	return statusCode >= 200 && statusCode < 300;
}

export function isRedirectStatus(statusCode: number): boolean {
	return statusCode >= 300 && statusCode < 400;
}
