import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import {
	clip,
	CREDENTIAL_CHANGED,
	DEFAULT_TOKEN_TIMEOUT_MS,
	flinksBaseUrl,
	isTokenRequest,
	isTooManyRequestsBody,
	PRODUCTION_URL,
	redirectOrigin,
	SANDBOX_URL,
	TIMEOUT_CODES,
	TOKEN_REFUSED,
	TOKEN_UNAVAILABLE,
	tokenAudience,
	tokenFailure,
	tokenRequestSettings,
} from './flinksPayToken';
import { basicCredentials, credentialSecrets, scrubSecrets } from './secretText';

export class FlinksPayApi implements ICredentialType {
	name = 'flinksPayApi';

	displayName = 'Flinks Pay API';

	icon: Icon = {
		light: 'file:../nodes/Flinks/flinks.svg',
		dark: 'file:../nodes/Flinks/flinks.dark.svg',
	};

	documentationUrl = 'https://github.com/n8n-nodes-flinks/n8n-nodes-flinks#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{
					name: 'Custom Base URL',
					value: 'custom',
					description: 'The address of the instance Flinks gave you',
				},
				{ name: 'Production', value: 'production', description: PRODUCTION_URL },
				{ name: 'Sandbox', value: 'sandbox', description: SANDBOX_URL },
			],
			default: 'sandbox',
			description: 'Which Flinks Pay environment these client credentials belong to',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://yourinstance.flinksapp.com',
			description: 'The address of your Flinks instance, without a path',
			hint: 'Use https://. Over http:// the client secret and the token travel unencrypted.',
			required: true,
			displayOptions: { show: { environment: ['custom'] } },
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'The client ID (API username) Flinks issued for Pay',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The client secret (API password) Flinks issued for Pay',
		},
		{
			displayName: 'X-Client-ID Header',
			name: 'xClientId',
			type: 'string',
			default: '',
			description:
				"Sent as the 'x-client-id' header on every API call when set; some Flinks instances require it",
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			// n8n keeps hidden fields when a user edits the credential: this says whom the token is for.
			displayName: 'Access Token Issued For',
			name: 'accessTokenFor',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const baseUrl = flinksBaseUrl(credentials);
		const settings = tokenRequestSettings(credentials);
		const { timeoutMs, abortSignal } = settings;
		const basic = basicCredentials(credentials);
		let response: { statusCode: number; body: unknown; headers?: Record<string, unknown> };
		try {
			response = await this.helpers.httpRequest({
				method: 'POST',
				url: `${baseUrl}/api/v1/authorize`,
				headers: {
					Authorization: `Basic ${basic}`,
					'Content-Type': 'application/x-www-form-urlencoded',
					Accept: 'application/json',
				},
				body: 'grant_type=client_credentials',
				timeout: timeoutMs,
				abortSignal,
				// The Basic header must never reach another host: a redirect is refused below, not followed.
				disableFollowRedirect: true,
				sendCredentialsOnCrossOriginRedirect: false,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				json: true,
			});
		} catch (error) {
			// The transport error carries the request config (with the Basic header): keep only its code.
			const code = String((error as { code?: string }).code ?? 'network error');
			// The node's deadline (start to last byte) ends the request with an abort.
			const timedOut = abortSignal?.aborted === true || TIMEOUT_CODES.test(code);
			const reason = timedOut
				? `no answer within ${timeoutMs} ms`
				: `the connection to ${baseUrl} failed (${code})`;
			throw tokenFailure(TOKEN_UNAVAILABLE, `Could not get an access token from Flinks: ${reason}`);
		}

		const { statusCode } = response;
		if (statusCode >= 300 && statusCode < 400) {
			throw tokenFailure(
				TOKEN_REFUSED,
				`Flinks answered the token request with HTTP ${statusCode}, a redirect to ${redirectOrigin(response.headers?.location, baseUrl)}. Credentials are never sent after a redirect: set the credential's 'Environment' or 'Base URL' to the exact address Flinks gave you.`,
			);
		}
		if (statusCode === 401 && isTooManyRequestsBody(response.body)) {
			throw tokenFailure(
				TOKEN_UNAVAILABLE,
				'Flinks is limiting token requests (HTTP 401 TOO_MANY_REQUESTS)',
				statusCode,
			);
		}
		if (statusCode === 401 || statusCode === 403) {
			throw tokenFailure(
				TOKEN_REFUSED,
				`Flinks rejected the client ID or secret (${statusCode}). Check the credential's 'Client ID', 'Client Secret' and 'Environment'.`,
			);
		}
		const body = (
			typeof response.body === 'object' && response.body !== null ? response.body : {}
		) as IDataObject;
		const accessToken = body.access_token ?? body.accessToken;
		if (statusCode >= 300 || typeof accessToken !== 'string' || accessToken === '') {
			// Scrubbed before it is cut: a gateway may echo the Basic header in its detail.
			const detail =
				typeof body.detail === 'string'
					? `: ${clip(scrubSecrets(body.detail, credentialSecrets(credentials)), 300)}`
					: '';
			const transient = statusCode === 429 || statusCode >= 500;
			throw tokenFailure(
				transient ? TOKEN_UNAVAILABLE : TOKEN_REFUSED,
				`Flinks did not issue an access token (HTTP ${statusCode}${statusCode < 300 ? ' without an access_token' : detail})${transient ? '' : ". Check the credential's 'Client ID', 'Client Secret' and 'Environment'."}`,
				statusCode,
			);
		}
		// n8n saves the whole object it was handed (n8n 2.x): never when the user edited it meanwhile.
		if (settings.credentialUnchanged && !(await settings.credentialUnchanged())) {
			throw tokenFailure(
				CREDENTIAL_CHANGED,
				'The Flinks Pay API credential was changed while this execution ran, so the access token requested with its old settings was discarded',
			);
		}
		return { accessToken, accessTokenFor: tokenAudience(credentials) };
	}

	// A function rather than an expression: n8n runs it for every request, and it needs no expression engine.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		// The credential test's own request is the token request: it proves the secret as saved.
		const authorization = isTokenRequest(requestOptions)
			? `Basic ${basicCredentials(credentials)}`
			: `Bearer ${String(credentials.accessToken ?? '')}`;
		requestOptions.headers = { ...requestOptions.headers, Authorization: authorization };
		return requestOptions;
	}

	/*
	 * n8n's tester runs preAuthentication only when no token is stored (its "always in a test"
	 * check never matches the node it builds), so the test request exchanges the client ID and
	 * secret itself: a wrong or rotated secret fails even while the stored token still works. It
	 * is sent in throwing mode: Flinks' authorize errors have no documented body to match a rule
	 * on, and a 401 makes n8n run preAuthentication, whose message says what was refused.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{$credentials.environment === "production" ? "' +
				PRODUCTION_URL +
				'" : $credentials.environment === "custom" ? $credentials.baseUrl.replace(/\\/+$/, "") : "' +
				SANDBOX_URL +
				'"}}',
			url: '/api/v1/authorize',
			method: 'POST',
			headers: {
				'Content-Type': 'application/x-www-form-urlencoded',
				Accept: 'application/json',
			},
			body: 'grant_type=client_credentials',
			timeout: DEFAULT_TOKEN_TIMEOUT_MS,
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
		},
	};
}
