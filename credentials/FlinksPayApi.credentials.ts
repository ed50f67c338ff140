import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

const SANDBOX_URL = 'https://payments-uat.flinksapp.com';
const PRODUCTION_URL = 'https://payments.flinksapp.com';

export class FlinksPayApi implements ICredentialType {
	name = 'flinksPayApi';

	displayName = 'Flinks Pay API';

	icon: Icon = {
		light: 'file:../nodes/FlinksSession/flinks.svg',
		dark: 'file:../nodes/FlinksSession/flinks.dark.svg',
	};

	documentationUrl = 'https://docs.flinks.com/docs/authorize';

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Sandbox', value: 'sandbox', description: SANDBOX_URL },
				{ name: 'Production', value: 'production', description: PRODUCTION_URL },
				{ name: 'Custom Base URL', value: 'custom', description: 'The instance URL Flinks gave you' },
			],
			default: 'sandbox',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://yourinstance.flinksapp.com',
			description: 'The {{BaseUri}} of your Flinks instance, without a path',
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
				'Optional. When set, sent as the x-client-ID header on every API call (some Flinks instances require it).',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString(
			'base64',
		);
		let response: { statusCode: number; body: unknown };
		try {
			response = await this.helpers.httpRequest({
				method: 'POST',
				url: `${flinksBaseUrl(credentials)}/api/v1/authorize`,
				headers: {
					Authorization: `Basic ${basic}`,
					'Content-Type': 'application/x-www-form-urlencoded',
					Accept: 'application/json',
				},
				body: 'grant_type=client_credentials',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				json: true,
			});
		} catch (error) {
			// The transport error carries the request config (with the Basic header): keep only its code.
			const code = (error as { code?: string }).code ?? 'network error';
			throw new Error(
				`Could not reach Flinks at ${flinksBaseUrl(credentials)} to get an access token (${code})`,
			);
		}
		const body = (typeof response.body === 'object' && response.body !== null
			? response.body
			: {}) as IDataObject;
		if (response.statusCode === 401 || response.statusCode === 403) {
			throw new Error(
				`Flinks rejected the client ID or secret (${response.statusCode}). Check the credential's Client ID, Client Secret and environment.`,
			);
		}
		const accessToken = body.access_token ?? body.accessToken;
		if (response.statusCode >= 300 || typeof accessToken !== 'string' || accessToken === '') {
			const detail = typeof body.detail === 'string' ? `: ${body.detail}` : '';
			throw new Error(
				`Flinks did not issue an access token (HTTP ${response.statusCode}${detail})`,
			);
		}
		return { accessToken };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.accessToken}}',
			},
		},
	};

	// preAuthentication runs first on a credential test, so a wrong secret fails there;
	// this request then proves the issued token is accepted (404 for the nil session is fine).
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{$credentials.environment === "production" ? "' +
				PRODUCTION_URL +
				'" : $credentials.environment === "custom" ? $credentials.baseUrl.replace(/\\/+$/, "") : "' +
				SANDBOX_URL +
				'"}}',
			url: '/api/v2/sessions/00000000-0000-0000-0000-000000000000/details',
			method: 'GET',
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'status',
					value: 401,
					message: 'Flinks issued an access token but rejected it (401). Check the environment.',
				},
			},
		],
	};
}

export function flinksBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	if (credentials.environment === 'production') return PRODUCTION_URL;
	if (credentials.environment === 'custom') return String(credentials.baseUrl ?? '').replace(/\/+$/, '');
	return SANDBOX_URL;
}
