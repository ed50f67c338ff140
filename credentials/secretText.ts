/**
 * The node's own secrets, wherever a server or a sender echoes them (a gateway that reflects the
 * Authorization header into its error, a webhook body): replaced before any text reaches an item,
 * an error or a log line.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

export const REDACTED = '[redacted]';

/** Shorter values are not scrubbed: replacing every "a" would garble the text and hide nothing. */
const MIN_SECRET_LENGTH = 6;

/** The HTTP Basic value of the token request: client ID and secret, base64. */
export function basicCredentials(credentials: ICredentialDataDecryptedObject): string {
	return Buffer.from(
		`${String(credentials.clientId ?? '')}:${String(credentials.clientSecret ?? '')}`,
	).toString('base64');
}

/** A Flinks Pay API credential's secrets: the client secret, its Basic form and the token it holds. */
export function credentialSecrets(credentials: ICredentialDataDecryptedObject): string[] {
	const clientSecret = String(credentials.clientSecret ?? '');
	return [
		clientSecret,
		clientSecret === '' ? '' : basicCredentials(credentials),
		String(credentials.accessToken ?? ''),
	].filter((secret) => secret.length >= MIN_SECRET_LENGTH);
}

/** `text` with every secret replaced by "[redacted]". */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
	let scrubbed = text;
	for (const secret of secrets) {
		if (secret.length >= MIN_SECRET_LENGTH && scrubbed.includes(secret)) {
			scrubbed = scrubbed.split(secret).join(REDACTED);
		}
	}
	return scrubbed;
}

/** Every text in a JSON value (keys too) scrubbed of `secrets`; other values as they are. */
export function scrubSecretsDeep<T>(value: T, secrets: readonly string[]): T {
	if (secrets.length === 0) return value;
	if (typeof value === 'string') return scrubSecrets(value, secrets) as T;
	if (Array.isArray(value))
		return value.map((entry: unknown) => scrubSecretsDeep(entry, secrets)) as T;
	if (typeof value !== 'object' || value === null) return value;
	const scrubbed: IDataObject = {};
	for (const [key, entry] of Object.entries(value as IDataObject)) {
		scrubbed[scrubSecrets(key, secrets)] = scrubSecretsDeep(entry, secrets);
	}
	return scrubbed as T;
}
