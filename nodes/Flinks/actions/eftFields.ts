import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { shorten } from '../api/values';
import type { ItemFieldReader } from './itemFields';

const EFT_FIELDS: INodeProperties[] = [
	{
		displayName: 'Allow Amount Change',
		name: 'amountModification',
		type: 'boolean',
		default: false,
		description:
			'Whether the customer may change the amount in the hosted flow, within the minimum and maximum amounts',
	},
	{
		displayName: 'Exit URL',
		name: 'redirectExitUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://shop.example.com/payment/cancelled',
		description: 'Where the hosted flow sends the customer when they leave without paying',
	},
	{
		displayName: 'Maximum Amount',
		name: 'maximumAmount',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0.01, numberPrecision: 2 },
		placeholder: 'e.g. 10000',
		description: 'The largest amount in CAD the customer may choose when they can change it',
	},
	{
		displayName: 'Minimum Amount',
		name: 'minimumAmount',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0.01, numberPrecision: 2 },
		placeholder: 'e.g. 50',
		description: 'The smallest amount in CAD the customer may choose when they can change it',
	},
	{
		displayName: 'Payor Address Line',
		name: 'payorAddressLine1',
		type: 'string',
		default: '',
		placeholder: 'e.g. 123 Main Street',
		description: "The customer's street address",
	},
	{
		displayName: 'Payor City',
		name: 'payorCity',
		type: 'string',
		default: '',
		placeholder: 'e.g. Toronto',
	},
	{
		displayName: 'Payor Country',
		name: 'payorCountry',
		type: 'string',
		default: '',
		placeholder: 'e.g. CA',
		description: "Two-letter country code of the customer's address",
	},
	{
		displayName: 'Payor Date of Birth',
		name: 'payorDateOfBirth',
		type: 'string',
		default: '',
		placeholder: 'e.g. 1985-04-23',
		description: "The customer's date of birth, as YYYY-MM-DD",
	},
	{
		displayName: 'Payor Occupation',
		name: 'payorOccupation',
		type: 'string',
		default: '',
		placeholder: 'e.g. Engineer',
	},
	{
		displayName: 'Payor Phone',
		name: 'payorPhone',
		type: 'string',
		default: '',
		placeholder: 'e.g. +15145551234',
		description: "The customer's phone number",
	},
	{
		displayName: 'Payor Postal Code',
		name: 'payorPostalCode',
		type: 'string',
		default: '',
		placeholder: 'e.g. M5H 2N2',
	},
	{
		displayName: 'Payor Province',
		name: 'payorProvince',
		type: 'string',
		default: '',
		placeholder: 'e.g. ON',
		description: "Two-letter code of the customer's province",
	},
	{
		displayName: 'Show Consent Screen',
		name: 'showConsentScreen',
		type: 'boolean',
		default: false,
		description: "Whether the hosted flow shows Flinks' consent screen before the bank connection",
	},
	{
		displayName: 'Success URL',
		name: 'redirectSuccessUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://shop.example.com/payment/done',
		description: 'Where the hosted flow sends the customer after they complete it',
	},
];

/** EFT's Additional Fields plus `shared` ones (middle name, a payee for Guaranteed EFT), sorted. */
export function eftAdditionalFields(shared: INodeProperties[]): INodeProperties[] {
	return [...EFT_FIELDS, ...shared].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

const DATE_OF_BIRTH = /^\d{4}-\d{2}-\d{2}$/;
const WEB_ADDRESS = /^https?:\/\/[^\s/]+\S*$/i;
const ADDRESS_PARTS = {
	addressLine1: ['payorAddressLine1', 'Payor Address Line'],
	city: ['payorCity', 'Payor City'],
	postalCode: ['payorPostalCode', 'Payor Postal Code'],
	province: ['payorProvince', 'Payor Province'],
	country: ['payorCountry', 'Payor Country'],
} as const;

/** The payor fields only EFT takes, each sent only when set. */
export function readEftPayor(fields: ItemFieldReader, added: IDataObject): IDataObject {
	const text = (name: string, label: string, numbers = false) =>
		name in added ? fields.text(`additionalFields.${name}`, label, { numbers }) : '';
	const payor: IDataObject = {};
	// Spreadsheets and CRMs often hand a phone number over as a number.
	const phone = text('payorPhone', 'Payor Phone', true);
	const dateOfBirth = text('payorDateOfBirth', 'Payor Date of Birth');
	const occupation = text('payorOccupation', 'Payor Occupation');
	if (dateOfBirth !== '') checkDateOfBirth(fields, dateOfBirth);
	const address: IDataObject = {};
	for (const [key, [name, label]] of Object.entries(ADDRESS_PARTS)) {
		const value = text(name, label);
		if (value !== '') address[key] = value;
	}
	if (phone) payor.phone = phone;
	if (dateOfBirth) payor.dateOfBirth = dateOfBirth;
	if (occupation) payor.occupation = occupation;
	if (Object.keys(address).length > 0) payor.address = address;
	return payor;
}

/** The `options` only EFT takes: limits, amount change, consent screen and redirect URLs. */
export function readEftOptions(fields: ItemFieldReader, added: IDataObject): IDataObject {
	const options: IDataObject = {};
	const limits: IDataObject = {};
	const limit = (name: string, label: string) =>
		name in added ? fields.optionalAmount(`additionalFields.${name}`, label) : undefined;
	const minimumAmount = limit('minimumAmount', 'Minimum Amount');
	const maximumAmount = limit('maximumAmount', 'Maximum Amount');
	if (minimumAmount !== undefined) limits.minimumAmount = minimumAmount;
	if (maximumAmount !== undefined) limits.maximumAmount = maximumAmount;
	if (typeof minimumAmount === 'number' && typeof maximumAmount === 'number') {
		if (minimumAmount > maximumAmount) {
			fields.fail(
				'Minimum Amount',
				`${minimumAmount} is more than the Maximum Amount ${maximumAmount}`,
			);
		}
	}
	if (Object.keys(limits).length > 0) options.limits = limits;
	if ('amountModification' in added) {
		options.amountModification = fields.boolean(
			'additionalFields.amountModification',
			'Allow Amount Change',
			false,
		);
	}
	if ('showConsentScreen' in added) {
		options.showConsentScreen = fields.boolean(
			'additionalFields.showConsentScreen',
			'Show Consent Screen',
			false,
		);
	}
	const redirect: IDataObject = {};
	for (const [key, name, label] of [
		['urlSuccess', 'redirectSuccessUrl', 'Success URL'],
		['urlExit', 'redirectExitUrl', 'Exit URL'],
	] as const) {
		const url = name in added ? fields.text(`additionalFields.${name}`, label) : '';
		if (url !== '' && !WEB_ADDRESS.test(url)) {
			fields.fail(label, 'is not a web address starting with https:// or http://');
		}
		if (url !== '') redirect[key] = url;
	}
	if (Object.keys(redirect).length > 0) options.redirectPreferences = redirect;
	return options;
}

function checkDateOfBirth(fields: ItemFieldReader, dateOfBirth: string): void {
	if (!(DATE_OF_BIRTH.test(dateOfBirth) && isCalendarDate(dateOfBirth))) {
		fields.fail('Payor Date of Birth', `"${shorten(dateOfBirth)}" is not a date as YYYY-MM-DD`);
	} else if (dateOfBirth > new Date().toISOString().slice(0, 10)) {
		fields.fail('Payor Date of Birth', `"${dateOfBirth}" is in the future`);
	}
}

function isCalendarDate(text: string): boolean {
	const date = new Date(`${text}T00:00:00Z`);
	return Number.isFinite(date.getTime()) && date.toISOString().startsWith(text);
}
