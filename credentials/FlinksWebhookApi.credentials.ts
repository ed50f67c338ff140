import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

/**
 * The HMAC secret Flinks hands over when it registers a webhook URL. Flinks offers no API that
 * could check it, so, like n8n's own signing-secret credentials, it is tested by the node
 * (Flinks Trigger's credential test checks its shape) and proven on every signed delivery.
 */
export class FlinksWebhookApi implements ICredentialType {
	name = 'flinksWebhookApi';

	displayName = 'Flinks Webhook API';

	icon: Icon = {
		light: 'file:../nodes/Flinks/flinks.svg',
		dark: 'file:../nodes/Flinks/flinks.dark.svg',
	};

	documentationUrl = 'https://github.com/n8n-nodes-flinks/n8n-nodes-flinks#flinks-trigger';

	properties: INodeProperties[] = [
		{
			displayName:
				'Flinks sets up webhooks through its support desk: send them the Production URL of your Flinks Trigger node, and they hand you this secret',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The HMAC secret Flinks gave you for this webhook. Flinks signs every delivery with it; deliveries without a matching signature are refused.',
		},
	];
}
