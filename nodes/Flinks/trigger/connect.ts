import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isPlainObject } from '../api/guards';
import { describeValue } from '../api/values';
import { answerItems } from '../connect/accounts';
import type { OutputMode } from '../connect/fields';

/** Which Flinks Connect deliveries start the workflow, by their `ResponseType`. */
const CONNECT_EVENTS: Record<string, string> = {
	accountsDetail: 'GetAccountsDetail',
	kyc: 'KYC',
};

/** What a Connect delivery is: its type, and the login and request it concerns. */
export interface ConnectDelivery {
	responseType: string | null;
	loginId: string | null;
	requestId: string | null;
	tag: string | null;
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);

export function readConnectDelivery(body: IDataObject): ConnectDelivery {
	const login = isPlainObject(body.Login) ? body.Login : {};
	return {
		responseType: text(body.ResponseType),
		loginId: text(login.Id) ?? text(body.LoginId),
		requestId: text(body.RequestId),
		tag: text(body.Tag) ?? text(body.tag),
	};
}

/** The Connect settings: which response types start the workflow, and how results become items. */
export function readConnectSettings(ctx: IWebhookFunctions): {
	responseTypes: Set<string>;
	output: OutputMode;
} {
	const invalid = (label: string, expected: string, value: unknown) =>
		new NodeOperationError(
			ctx.getNode(),
			`Invalid ${label}: expected ${expected}, got ${describeValue(value)}`,
			{
				description:
					'Correct this parameter of the Flinks Trigger, or the expression that sets it.',
			},
		);
	const events: unknown = ctx.getNodeParameter('connectEvents', []);
	const names = typeof events === 'string' ? events.split(',') : events;
	if (!Array.isArray(names)) throw invalid('Trigger On', 'a list of events', events);
	const responseTypes = names.map((name: unknown) => {
		const key = typeof name === 'string' ? name.trim() : '';
		if (!Object.prototype.hasOwnProperty.call(CONNECT_EVENTS, key)) {
			throw invalid('Trigger On', 'accountsDetail or kyc', name);
		}
		return CONNECT_EVENTS[key].toLowerCase();
	});
	const output = ctx.getNodeParameter('output', 'accounts') as unknown;
	if (output !== 'accounts' && output !== 'transactions' && output !== 'whole') {
		throw invalid('Output', 'accounts, transactions or whole', output);
	}
	return { responseTypes: new Set(responseTypes), output };
}

/** The items a delivery starts the workflow with: Get Accounts Detail's output, or the KYC result. */
export function connectDeliveryItems(
	delivery: ConnectDelivery,
	body: IDataObject,
	output: OutputMode,
): IDataObject[] {
	const extra = { tag: delivery.tag, responseType: delivery.responseType };
	if (delivery.responseType?.toLowerCase() === 'getaccountsdetail') {
		const origin = {
			loginId: delivery.loginId,
			requestId: delivery.requestId ?? '',
			resultOf: 'accountsDetail' as const,
		};
		return answerItems(body, origin, output).map((item) => ({ ...item, ...extra }));
	}
	return [
		{
			status: 'complete',
			loginId: delivery.loginId,
			requestId: delivery.requestId,
			...extra,
			event: body,
		},
	];
}
