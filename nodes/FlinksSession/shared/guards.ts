import type { IDataObject } from 'n8n-workflow';

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
