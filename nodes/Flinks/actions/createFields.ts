import type { INodeProperties } from 'n8n-workflow';

import { eftAdditionalFields } from './eftFields';
import { MAX_AMOUNT } from './itemFields';

/** The kinds of session Create starts; Flinks sends EFT and Guaranteed EFT both as `type: "EFT"`. */
export type SessionType = 'eTransfer' | 'eft' | 'guaranteedEft';

export const SESSION_TYPES: SessionType[] = ['eTransfer', 'eft', 'guaranteedEft'];

const forCreate = { resource: ['session'], operation: ['create'] };
const showForCreate = { show: forCreate };
/** Shown only when Create starts a session of one of `types`. */
function showForTypes(...types: SessionType[]) {
	return { show: { ...forCreate, sessionType: types } };
}

const payeeAccountFields: INodeProperties[] = [
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
];

const payorMiddleNameField: INodeProperties = {
	displayName: 'Payor Middle Name',
	name: 'payorMiddleName',
	type: 'string',
	default: '',
	placeholder: 'e.g. Marie',
	description: "The customer's middle name, if their bank knows one",
};

export const createFields: INodeProperties[] = [
	{
		displayName: 'Session Type',
		name: 'sessionType',
		type: 'options',
		noDataExpression: true,
		default: 'eTransfer',
		description: 'How the customer pays. Each type shows the fields Flinks takes for it.',
		options: [
			{
				name: 'EFT',
				value: 'eft',
				description:
					'A pre-authorized debit from the bank account the customer connects; needs the Regular EFT feature at Flinks',
			},
			{
				name: 'Guaranteed EFT',
				value: 'guaranteedEft',
				description:
					'An EFT debit Flinks guarantees before funds move; you can accept or reject the guarantee with Confirm Guarantee',
			},
			{
				name: 'Interac E-Transfer',
				value: 'eTransfer',
				description: 'An Interac e-Transfer the customer sends from their bank',
			},
		],
		displayOptions: showForCreate,
	},
	{
		displayName:
			'Interac e-Transfer sessions are payments in Canadian dollars (CAD), the only currency Flinks offers',
		name: 'fixedTypeNotice',
		type: 'notice',
		default: '',
		displayOptions: showForTypes('eTransfer'),
	},
	{
		displayName:
			'EFT sessions debit the customer in Canadian dollars (CAD): the customer connects their bank account in the hosted flow',
		name: 'eftNotice',
		type: 'notice',
		default: '',
		displayOptions: showForTypes('eft', 'guaranteedEft'),
	},
	{
		displayName: 'Amount',
		name: 'amount',
		type: 'number',
		required: true,
		default: 0,
		// No minValue: the editor would show it in place of the default 0, and a Create the user never
		// gave an amount would ask the customer for 0.01 CAD. With 0 the run stops and says so.
		typeOptions: { maxValue: MAX_AMOUNT, numberPrecision: 2 },
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
		displayOptions: showForTypes('eTransfer'),
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
		description:
			'The email address Flinks sends the payment notifications to (Interac too, for an e-Transfer)',
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
		displayOptions: showForTypes('eTransfer'),
	},
	// One 'additionalFields' per type, each listing only the fields Flinks takes for that type.
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		displayOptions: showForTypes('eTransfer'),
		options: [...payeeAccountFields, payorMiddleNameField],
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		displayOptions: showForTypes('eft'),
		options: eftAdditionalFields([payorMiddleNameField]),
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		displayOptions: showForTypes('guaranteedEft'),
		// Guaranteed EFT may settle to a given account; regular EFT always settles to the client's own.
		options: eftAdditionalFields([payorMiddleNameField, ...payeeAccountFields]),
	},
];
