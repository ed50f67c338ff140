import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

const WEBHOOK_CREDENTIAL_TYPE = 'flinksWebhookApi';

/** The HMAC secret of the node's Flinks Webhook API credential; without one nothing can be verified. */
export async function webhookSecret(ctx: IWebhookFunctions): Promise<string> {
	const { secret } = await ctx.getCredentials<{ secret?: unknown }>(WEBHOOK_CREDENTIAL_TYPE);
	if (typeof secret === 'string' && secret !== '') return secret;
	throw new NodeOperationError(ctx.getNode(), 'The Flinks Webhook API credential has no secret', {
		description:
			"Open the credential and enter in 'Secret' the HMAC secret Flinks gave you for this webhook.",
	});
}

/**
 * The credential's Test button (`testedBy`). Flinks has no endpoint that could check a webhook
 * secret, so this checks what can be checked: that it is there, without pasted whitespace.
 */
export async function testWebhookSecret(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const secret = credential.data?.secret;
	if (typeof secret !== 'string' || secret === '') {
		return { status: 'Error', message: 'Enter the secret Flinks gave you for this webhook' };
	}
	if (secret.trim() !== secret) {
		return {
			status: 'Error',
			message: 'The secret starts or ends with a space or line break; paste it again without them',
		};
	}
	return {
		status: 'OK',
		message:
			'Secret saved. Flinks cannot be asked to check it: deliveries signed with another secret are refused (401) and logged.',
	};
}
