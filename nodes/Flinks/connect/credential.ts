import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { connectBaseUrl } from '../../../credentials/flinksConnectAddress';
import type { RequestPolicy } from '../api/call';
import { KeyedFlinksClient } from '../api/keyedClient';

export const CONNECT_CREDENTIAL_TYPE = 'flinksConnectApi';

const CHECK_CREDENTIAL =
	"Open the Flinks Connect API credential and check 'Environment', 'Instance' or 'Base URL', and 'Customer ID' (a UUID).";

/** The client for this execution, with the credential as stored when it started. */
export async function openConnectClient(
	ctx: IExecuteFunctions,
	policy: RequestPolicy,
): Promise<KeyedFlinksClient> {
	const data = await ctx.getCredentials<ICredentialDataDecryptedObject>(CONNECT_CREDENTIAL_TYPE);
	const baseUrl = connectBaseUrl(data);
	if (baseUrl === '') {
		throw new NodeOperationError(
			ctx.getNode(),
			'The Flinks Connect API credential has no usable address',
			{
				description: CHECK_CREDENTIAL,
			},
		);
	}
	if (!data.secretKey || !data.apiKey) {
		throw new NodeOperationError(
			ctx.getNode(),
			'The Flinks Connect API credential lacks its Secret Key or API Key',
			{
				description: 'Open the credential and paste both keys Flinks gave you.',
			},
		);
	}
	const ref = ctx.getNode().credentials?.[CONNECT_CREDENTIAL_TYPE];
	return new KeyedFlinksClient(
		ctx,
		{ id: ref?.id ?? '', name: ref?.name ?? '', type: CONNECT_CREDENTIAL_TYPE, data },
		`${baseUrl}/BankingServices`,
		policy,
		'Flinks Connect',
	);
}
