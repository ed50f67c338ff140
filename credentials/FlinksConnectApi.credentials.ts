import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { MINTING_PATH, BASE_URL_EXPRESSION, TOOLBOX_CUSTOMER_ID } from './flinksConnectAddress';

/**
 * Flinks Connect (bank account data): its own host and keys, apart from Pay. The Secret Key mints
 * single-use authorize tokens; the API key goes with every data call. The test proves the address,
 * customer ID and Secret Key; a wrong API key shows on the first data call, named as such.
 */
export class FlinksConnectApi implements ICredentialType {
	name = 'flinksConnectApi';

	displayName = 'Flinks Connect API';

	icon: Icon = {
		light: 'file:../nodes/Flinks/flinks.svg',
		dark: 'file:../nodes/Flinks/flinks.dark.svg',
	};

	documentationUrl = 'https://github.com/n8n-nodes-flinks/n8n-nodes-flinks#flinks-connect-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{
					name: 'Custom Base URL',
					value: 'custom',
					description: 'Any other address, e.g. a proxy in front of your instance',
				},
				{
					name: 'Production Instance',
					value: 'production',
					description: 'https://{instance}-api.private.fin.ag, the instance Flinks gave you',
				},
				{
					name: 'Toolbox (Sandbox)',
					value: 'toolbox',
					description: `Flinks' public sandbox: instance toolbox, customer ID ${TOOLBOX_CUSTOMER_ID}`,
				},
			],
			default: 'toolbox',
			description: 'Which Flinks Connect instance these keys belong to',
		},
		{
			displayName: 'Instance',
			name: 'instance',
			type: 'string',
			default: '',
			placeholder: 'e.g. yourcompany',
			description:
				'The instance name Flinks gave you at onboarding: the part before "-api.private.fin.ag"',
			required: true,
			displayOptions: { show: { environment: ['production'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://yourcompany-api.private.fin.ag',
			description: 'The address to send requests to, without /v3 or the customer ID',
			hint: 'Use https://. Over http:// the keys travel unencrypted.',
			required: true,
			displayOptions: { show: { environment: ['custom'] } },
		},
		{
			displayName: 'Customer ID',
			name: 'customerId',
			type: 'string',
			default: '',
			placeholder: 'e.g. 43387ca6-0391-4c82-857d-70d95f087ecb',
			description: 'The customer ID (a UUID) Flinks gave you at onboarding',
			required: true,
			displayOptions: { show: { environment: ['production', 'custom'] } },
		},
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The secret key Flinks gave you. It is sent only to GenerateAuthorizeToken, which trades it for a single-use authorize token.',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				"The API key Flinks gave you, sent as the 'x-api-key' header with every data request",
		},
	];

	// A function rather than an expression: the Secret Key goes to one path only, never to data calls.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const mintsToken = String(requestOptions.url ?? '').endsWith(MINTING_PATH);
		requestOptions.headers = {
			...requestOptions.headers,
			'x-api-key': String(credentials.apiKey ?? ''),
			...(mintsToken ? { 'flinks-auth-key': String(credentials.secretKey ?? '') } : {}),
		};
		return requestOptions;
	}

	// One request can prove one key: the Secret Key, which also proves the instance and customer ID.
	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{${BASE_URL_EXPRESSION}}}`,
			url: MINTING_PATH,
			method: 'POST',
			body: {},
			timeout: 15_000,
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
		},
		// n8n 2.41 shows only the status text ("Unauthorized") without this; 2.8 its own 401 words.
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						"Flinks refused the Secret Key (401). Check the credential's 'Secret Key', 'Customer ID' and 'Environment'; if they are right, Flinks may be limiting requests: test again in a minute.",
				},
			},
		],
	};
}
