import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { shorten } from '../api/values';
import type { SessionType } from './createFields';
import { readEftOptions, readEftPayor } from './eftFields';
import { ItemFieldReader } from './itemFields';

const MAX_REFERENCE_ID_LENGTH = 100;
/** A shape check only; Flinks applies its own stricter rules and names the field when it refuses. */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;
const LANGUAGES = ['EN', 'FR'];
const DIRECTIONS = ['DEBIT', 'CREDIT'];

type PayeeAccount = { institutionCode: string; transitNumber: string; accountNumber: string };

/** POST /api/v2/sessions as Flinks documents it; EFT adds payor and option fields. */
export type CreateSessionBody = IDataObject & {
	referenceId?: string;
	type: 'e-Transfer' | 'EFT';
	direction: string;
	currency: 'CAD';
	amount: number;
	options: IDataObject;
	payor: IDataObject & { firstName: string; lastName: string; email: string };
	payee?: { account: PayeeAccount };
};

/**
 * Reads and checks every parameter of one item; throws one error naming all bad fields, before
 * any request. An e-Transfer body is exactly what version 1 sent.
 */
export function readCreateBody(
	ctx: IExecuteFunctions,
	itemIndex: number,
	sessionType: SessionType,
): CreateSessionBody {
	const fields = new ItemFieldReader(ctx, itemIndex);
	const eTransfer = sessionType === 'eTransfer';
	const amount = fields.amount('amount', 'Amount');
	const direction = eTransfer
		? fields.choice('direction', 'Direction', DIRECTIONS, 'DEBIT')
		: 'DEBIT';
	const firstName = fields.text('payorFirstName', 'Payor First Name');
	const lastName = fields.text('payorLastName', 'Payor Last Name');
	const email = fields.text('payorEmail', 'Payor Email');
	const middleName = fields.text('additionalFields.payorMiddleName', 'Payor Middle Name');
	const referenceId = fields.text('referenceId', 'Reference ID', { numbers: true });
	const language = fields.choice('notificationLanguage', 'Notification Language', LANGUAGES, 'EN');
	// Regular EFT settles to the client's own account: Flinks refuses a payee.
	const account = sessionType === 'eft' ? undefined : readPayeeAccount(fields);
	const added = ctx.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;

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
	const payor = { firstName, lastName, ...(middleName ? { middleName } : {}), email };
	const payee = account ? { payee: { account } } : {};
	if (eTransfer) {
		const sendInteracLink = fields.boolean('sendInteracLink', 'Send Interac Link', true);
		fields.throwIfInvalid('Create');
		return {
			...(referenceId ? { referenceId } : {}),
			type: 'e-Transfer',
			direction,
			currency: 'CAD',
			amount: amount as number,
			options: { notificationPreferences: { language, sendInteracLink } },
			payor,
			...payee,
		};
	}
	const eftPayor = readEftPayor(fields, added);
	const options = readEftOptions(fields, added);
	fields.throwIfInvalid('Create');
	return {
		...(referenceId ? { referenceId } : {}),
		type: 'EFT',
		direction,
		currency: 'CAD',
		amount: amount as number,
		options: {
			guarantee: { enable: sessionType === 'guaranteedEft' },
			notificationPreferences: { language },
			...options,
		},
		payor: { ...payor, ...eftPayor },
		...payee,
	};
}

/** The payee account when all three parts are set; one or two of them is a problem. */
function readPayeeAccount(fields: ItemFieldReader): PayeeAccount | undefined {
	const account = {
		institutionCode: fields.text('additionalFields.payeeInstitutionCode', 'Payee Institution Code'),
		transitNumber: fields.text('additionalFields.payeeTransitNumber', 'Payee Transit Number'),
		accountNumber: fields.text('additionalFields.payeeAccountNumber', 'Payee Account Number'),
	};
	const parts = Object.values(account).filter((part) => part !== '').length;
	if (parts === 3) return account;
	if (parts > 0) {
		fields.fail(
			'Payee Account',
			'needs the institution code, transit number and account number together',
		);
	}
	return undefined;
}
