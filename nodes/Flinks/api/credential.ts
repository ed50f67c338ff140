import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { flinksBaseUrl } from '../../../credentials/flinksPayToken';

export const CREDENTIAL_TYPE = 'flinksPayApi';

/** The node's Flinks Pay API credential as stored when the execution read it. */
export interface FlinksCredential {
	credentials: ICredentialDataDecryptedObject;
	credentialsRef: { id: string; name: string };
	baseUrl: string;
	/** When the read began: a token set after it is newer than the stored one. */
	readStartedAt: number;
}

/** Reads the credential once per execution; a credential without a usable base URL fails it. */
export async function readFlinksCredential(ctx: IExecuteFunctions): Promise<FlinksCredential> {
	const readStartedAt = Date.now();
	const credentials = await ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPE);
	const baseUrl = flinksBaseUrl(credentials);
	if (!/^https?:\/\/[^/\s]+/i.test(baseUrl)) {
		throw new NodeOperationError(
			ctx.getNode(),
			'The Flinks Pay API credential has no valid base URL',
			{
				description: 'Open the credential and choose an environment or enter a Custom Base URL.',
			},
		);
	}
	const ref = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
	return {
		credentials,
		credentialsRef: { id: ref?.id ?? '', name: ref?.name ?? '' },
		baseUrl,
		readStartedAt,
	};
}
