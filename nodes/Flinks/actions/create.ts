import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { FlinksResponse } from '../api/errors';
import {
	flinksHttpError,
	itemError,
	mayHaveBeenCreated,
	unreadableAnswerError,
} from '../api/errors';
import { isPlainObject, isSuccessStatus, isUuid } from '../api/guards';
import { shorten } from '../api/values';
import { ItemFieldReader, MAX_AMOUNT } from './itemFields';
import { optionsCollection } from './fields';
import type { SessionOperation } from './operation';

const showForCreate = { show: { resource: ['session'], operation: ['create'] } };

const MAX_REFERENCE_ID_LENGTH = 100;
/** A shape check only; Flinks applies its own stricter rules and names the field when it refuses. */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;
const LANGUAGES = ['EN', 'FR'];
const DIRECTIONS = ['DEBIT', 'CREDIT'];

export const createDescription: INodeProperties[] = [
	{
		displayName:
			'Flinks sessions are Interac e-Transfer payments in Canadian dollars: the type (e-Transfer) and currency (CAD) are fixed',
		name: 'fixedTypeNotice',
		type: 'notice',
		default: '',
		displayOptions: showForCreate,
	},
	{
		displayName: 'Amount',
		name: 'amount',
		type: 'number',
		required: true,
		default: 0,
		typeOptions: { minValue: 0.01, maxValue: MAX_AMOUNT, numberPrecision: 2 },
		placeholder: 'e.g. 125.50',
		description: `Amount in Canadian dollars (CAD): greater than 0, at most ${MAX_AMOUNT.toLocaleString('en-US')}, with at most two decimals. Text from an expression must be a plain decimal number such as 125.50.`,
		displayOptions: showForCreate,
	},
	{
		displayName: 'Direction',
		name: 'direction',
		type: 'options',
		default: 'DEBIT',
		description: 'Who pays: the customer pays you (Debit), or you pay the customer (Credit)',
		options: [
			{
				name: 'Credit (Send Money to the Customer)',
				value: 'CREDIT',
				description: 'You send the amount to the customer',
			},
			{
				name: 'Debit (Collect Money From the Customer)',
				value: 'DEBIT',
				description: 'The customer (payor) pays you the amount',
			},
		],
		displayOptions: showForCreate,
	},
	{
		displayName: 'Payor First Name',
		name: 'payorFirstName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Jane',
		description: "The customer's first name, as their bank knows it",
		displayOptions: showForCreate,
	},
	{
		displayName: 'Payor Last Name',
		name: 'payorLastName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Doe',
		description: "The customer's last name, as their bank knows it",
		displayOptions: showForCreate,
	},
	{
		displayName: 'Payor Email',
		name: 'payorEmail',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. jane.doe@example.com',
		description: 'The email address Flinks and Interac send the payment notifications to',
		displayOptions: showForCreate,
	},
	{
		displayName: 'Reference ID',
		name: 'referenceId',
		type: 'string',
		default: '',
		placeholder: 'e.g. ORDER-10042',
		description:
			'Your own reference for this payment, such as an order or invoice number (at most 100 characters). Flinks returns it with the session.',
		displayOptions: showForCreate,
	},
	{
		displayName: 'Notification Language',
		name: 'notificationLanguage',
		type: 'options',
		default: 'EN',
		description: 'Language of the notifications the customer receives',
		options: [
			{ name: 'English', value: 'EN' },
			{ name: 'French', value: 'FR' },
		],
		displayOptions: showForCreate,
	},
	{
		displayName: 'Send Interac Link',
		name: 'sendInteracLink',
		type: 'boolean',
		default: true,
		description:
			"Whether Interac emails the customer the payment link. Turn off when the workflow sends the link in 'hostedUrl' itself.",
		displayOptions: showForCreate,
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		displayOptions: showForCreate,
		options: [
			{
				displayName: 'Payee Account Number',
				name: 'payeeAccountNumber',
				type: 'string',
				default: '',
				placeholder: 'e.g. 1234567',
				description:
					'Bank account number of the payee account. Set it together with the institution and transit numbers.',
			},
			{
				displayName: 'Payee Institution Code',
				name: 'payeeInstitutionCode',
				type: 'string',
				default: '',
				placeholder: 'e.g. 001',
				description: 'Three-digit institution number of the payee bank account',
			},
			{
				displayName: 'Payee Transit Number',
				name: 'payeeTransitNumber',
				type: 'string',
				default: '',
				placeholder: 'e.g. 00011',
				description: 'Five-digit transit (branch) number of the payee bank account',
			},
			{
				displayName: 'Payor Middle Name',
				name: 'payorMiddleName',
				type: 'string',
				default: '',
				placeholder: 'e.g. Marie',
				description: "The customer's middle name, if their bank knows one",
			},
		],
	},
	// Creates run one at a time (a token may initiate only one session), so Concurrency is not offered.
	optionsCollection('create', { concurrency: false, retriesOnlyOnRateLimit: true }),
];

export type CreatedSessionItem = {
	sessionId: string;
	referenceId: string | null;
	/** The page the customer opens to complete the payment. */
	hostedUrl: string;
};

type CreateSessionBody = {
	referenceId?: string;
	type: 'e-Transfer';
	direction: string;
	currency: 'CAD';
	amount: number;
	options: { notificationPreferences: { language: string; sendInteracLink: boolean } };
	payor: { firstName: string; lastName: string; middleName?: string; email: string };
	payee?: { account: { institutionCode: string; transitNumber: string; accountNumber: string } };
};

/**
 * Sends one create. The node runs creates one at a time (a token may initiate only one session,
 * so parallel creates would all race for the same fresh token) and stops sending them after a
 * failure in "Stop Workflow" mode.
 */
export const createSession: SessionOperation<CreatedSessionItem> = async (
	ctx,
	client,
	itemIndex,
) => {
	const body = readCreateBody(ctx, itemIndex);
	const action = 'Creating a session';
	const item = { itemIndex, referenceId: body.referenceId };
	const response = await client.send(
		{
			method: 'POST',
			path: '/api/v2/sessions',
			body,
			action,
			idempotent: false,
			initiatesSession: true,
		},
		item,
	);
	if (!isSuccessStatus(response.statusCode)) {
		// A gateway can fail after Flinks created the session; a blind re-run would ask the customer twice.
		throw flinksHttpError(
			client.node,
			response,
			action,
			item,
			response.statusCode >= 500
				? {
						consequence: 'the session may have been created',
						advice: mayHaveBeenCreated(body.referenceId),
					}
				: {},
		);
	}
	const sessionId = createdSessionId(response);
	if (!sessionId) {
		throw unreadableAnswerError(client.node, response, action, item, {
			missing: 'a session ID (a UUID)',
			consequence: mayHaveBeenCreated(body.referenceId),
		});
	}
	const answered = isPlainObject(response.body) ? response.body.referenceId : undefined;
	if (body.referenceId && typeof answered === 'string' && answered !== body.referenceId) {
		// An answer to another request (a confused gateway or cache): this item's session is unknown.
		throw itemError(
			client.node,
			item,
			`${action}: Flinks answered HTTP ${response.statusCode} about another Reference ID ("${shorten(answered)}")`,
			{
				description: mayHaveBeenCreated(body.referenceId),
				httpCode: String(response.statusCode),
			},
		);
	}
	return {
		sessionId,
		referenceId: typeof answered === 'string' ? answered : (body.referenceId ?? null),
		hostedUrl: `${client.baseUrl}/app/?sessionId=${encodeURIComponent(sessionId)}`,
	};
};

function createdSessionId(response: FlinksResponse): string | undefined {
	const sessionId = isPlainObject(response.body) ? response.body.sessionId : undefined;
	return typeof sessionId === 'string' && isUuid(sessionId.trim()) ? sessionId.trim() : undefined;
}

/** Reads and checks every parameter; throws one error naming all bad fields, before any request. */
function readCreateBody(
	ctx: IExecuteFunctions,
	itemIndex: number,
): CreateSessionBody & IDataObject {
	const fields = new ItemFieldReader(ctx, itemIndex);
	const amount = fields.amount('amount', 'Amount');
	const direction = fields.choice('direction', 'Direction', DIRECTIONS, 'DEBIT');
	const firstName = fields.text('payorFirstName', 'Payor First Name');
	const lastName = fields.text('payorLastName', 'Payor Last Name');
	const email = fields.text('payorEmail', 'Payor Email');
	const middleName = fields.text('additionalFields.payorMiddleName', 'Payor Middle Name');
	const referenceId = fields.text('referenceId', 'Reference ID', { numbers: true });
	const language = fields.choice('notificationLanguage', 'Notification Language', LANGUAGES, 'EN');
	const sendInteracLink = fields.boolean('sendInteracLink', 'Send Interac Link', true);
	const account = {
		institutionCode: fields.text('additionalFields.payeeInstitutionCode', 'Payee Institution Code'),
		transitNumber: fields.text('additionalFields.payeeTransitNumber', 'Payee Transit Number'),
		accountNumber: fields.text('additionalFields.payeeAccountNumber', 'Payee Account Number'),
	};

	fields.require(firstName, 'Payor First Name');
	fields.require(lastName, 'Payor Last Name');
	fields.require(email, 'Payor Email');
	if (email !== '' && !EMAIL_SHAPE.test(email))
		fields.fail('Payor Email', `"${shorten(email)}" is not an email address`);
	if (referenceId.length > MAX_REFERENCE_ID_LENGTH) {
		fields.fail(
			'Reference ID',
			`has ${referenceId.length} characters, at most ${MAX_REFERENCE_ID_LENGTH} are allowed`,
		);
	}
	const accountParts = Object.values(account).filter((part) => part !== '').length;
	if (accountParts > 0 && accountParts < 3) {
		fields.fail(
			'Payee Account',
			'needs the institution code, transit number and account number together',
		);
	}
	fields.throwIfInvalid('Create');

	return {
		...(referenceId ? { referenceId } : {}),
		type: 'e-Transfer',
		direction,
		currency: 'CAD',
		amount: amount as number,
		options: { notificationPreferences: { language, sendInteracLink } },
		payor: { firstName, lastName, ...(middleName ? { middleName } : {}), email },
		...(accountParts === 3 ? { payee: { account } } : {}),
	};
}
