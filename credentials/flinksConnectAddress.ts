/** Where a Flinks Connect credential points, shared by the credential and the Flinks Connect node. */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/** Flinks' public sandbox ("Toolbox"): its instance and customer ID are published in the docs. */
export const TOOLBOX_INSTANCE = 'toolbox';
export const TOOLBOX_CUSTOMER_ID = '43387ca6-0391-4c82-857d-70d95f087ecb';

/** The path the Secret Key is sent to, in the flinks-auth-key header, for a single-use authorize token. */
export const MINTING_PATH = '/BankingServices/GenerateAuthorizeToken';

/** An instance name as Flinks issues them: it becomes part of a host name, so nothing else is let in. */
const INSTANCE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/i;

/** A customer ID as Flinks issues them (a UUID): it becomes part of every path. */
const CUSTOMER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The instance's origin, without a path: https://{instance}-api.private.fin.ag or the custom base URL. */
export function connectOrigin(credentials: ICredentialDataDecryptedObject): string {
	if (credentials.environment === 'custom') {
		return String(credentials.baseUrl ?? '')
			.trim()
			.replace(/\/+$/, '');
	}
	const instance =
		credentials.environment === 'production'
			? String(credentials.instance ?? '').trim()
			: TOOLBOX_INSTANCE;
	return INSTANCE_NAME.test(instance) ? `https://${instance.toLowerCase()}-api.private.fin.ag` : '';
}

/** The customer ID every path carries: Toolbox's published one, else the credential's. */
export function connectCustomerId(credentials: ICredentialDataDecryptedObject): string {
	if (credentials.environment !== 'production' && credentials.environment !== 'custom') {
		return TOOLBOX_CUSTOMER_ID;
	}
	return String(credentials.customerId ?? '').trim();
}

/** `{origin}/v3/{customerId}`, or '' when the instance, base URL or customer ID cannot be used. */
export function connectBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const origin = connectOrigin(credentials);
	const customerId = connectCustomerId(credentials);
	if (!/^https?:\/\/[^/\s]+(\/\S*)?$/i.test(origin) || !CUSTOMER_ID.test(customerId)) return '';
	return `${origin}/v3/${customerId.toLowerCase()}`;
}

/** connectBaseUrl as an n8n expression, for the credential test (which n8n sends itself). */
export const BASE_URL_EXPRESSION =
	'($credentials.environment === "custom" ? String($credentials.baseUrl).trim().replace(/\\/+$/, "") : "https://" + ($credentials.environment === "production" ? String($credentials.instance).trim().toLowerCase() : "' +
	TOOLBOX_INSTANCE +
	'") + "-api.private.fin.ag") + "/v3/" + ($credentials.environment === "production" || $credentials.environment === "custom" ? String($credentials.customerId).trim().toLowerCase() : "' +
	TOOLBOX_CUSTOMER_ID +
	'")';
