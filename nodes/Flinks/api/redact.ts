import { isPlainObject } from './guards';

/** What a secret quoted back by a server reads as in errors and items. */
export const REDACTED = '[redacted]';

/** Shorter values are not secrets worth hunting for: replacing them would garble every answer. */
const SHORTEST_SECRET = 4;

/**
 * An answer's body with every occurrence of `secrets` (keys and tokens the request carried)
 * replaced, in keys and values at any depth: a server that quotes the request's headers in its
 * error must not put them into items, error messages or logs.
 */
export function withoutSecrets(value: unknown, secrets: readonly string[]): unknown {
	const hunted = secrets.filter((secret) => secret.length >= SHORTEST_SECRET);
	return hunted.length === 0 ? value : redact(value, hunted);
}

function redact(value: unknown, secrets: readonly string[]): unknown {
	if (typeof value === 'string') {
		return secrets.reduce((text, secret) => text.split(secret).join(REDACTED), value);
	}
	if (Array.isArray(value)) return value.map((entry) => redact(entry, secrets));
	if (!isPlainObject(value)) return value;
	return Object.fromEntries(
		Object.entries(value).map(([key, entry]) => [
			redact(key, secrets) as string,
			redact(entry, secrets),
		]),
	);
}
