import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { flinksRequestError, unreadableAnswerError } from '../../shared/answers';
import type { FlinksClient, FlinksResponse } from '../../shared/transport';
import { requestOptionsCollection } from './fields';

const showForCreate = { show: { resource: ['session'], operation: ['create'] } };

const MAX_REFERENCE_ID_LENGTH = 100;
/** A shape check only; Flinks applies its own stricter rules and names the field when it refuses. */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;
const LANGUAGES = ['EN', 'FR'];
const DIRECTIONS = ['DEBIT', 'CREDIT'];
const MAY_HAVE_BEEN_CREATED =
	'The session may have been created without its ID reaching n8n. Check the Flinks dashboard before creating it again.';

export const createDescription: INodeProperties[] = [
	{
		displayName:
			'Flinks creates an Interac e-Transfer session in Canadian dollars: type (e-Transfer) and currency (CAD) are fixed by the API',
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
		typeOptions: { minValue: 0.01, numberPrecision: 2 },
		placeholder: 'e.g. 125.50',
		description: 'Amount in Canadian dollars (CAD), greater than 0 with at most two decimals',
		displayOptions: showForCreate,
	},
	{
		displayName: 'Direction',
		name: 'direction',
		type: 'options',
		default: 'DEBIT',
		description: 'Whether the customer pays you or you pay the customer',
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
		placeholder: 'name@email.com',
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
			'Whether Interac emails the customer the payment link itself. Turn off when the workflow sends the hosted link (hostedUrl) on its own.',
		displayOptions: showForCreate,
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
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
	// Creates run one at a time (see createSession), so Concurrency is not offered.
	requestOptionsCollection('create', true),
];

export interface CreatedSessionItem {
	sessionId: string;
	referenceId: string | null;
	/** The page the customer opens to complete the payment. */
	hostedUrl: string;
}

interface CreateSessionBody extends IDataObject {
	referenceId?: string;
	type: 'e-Transfer';
	direction: string;
	currency: 'CAD';
	amount: number;
	options: { notificationPreferences: { language: string; sendInteracLink: boolean } };
	payor: { firstName: string; lastName: string; middleName?: string; email: string };
	payee?: { account: { institutionCode: string; transitNumber: string; accountNumber: string } };
}

/** One create at a time per execution: see createSession. */
const createQueues = new WeakMap<FlinksClient, Promise<unknown>>();

/**
 * Creates are sent one at a time even when the node runs items concurrently: a token may
 * initiate only one session, so parallel creates would all race for the same fresh token.
 */
export async function createSession(
	ctx: IExecuteFunctions,
	client: FlinksClient,
	itemIndex: number,
): Promise<CreatedSessionItem> {
	const body = readCreateBody(ctx, itemIndex);
	const previous = createQueues.get(client) ?? Promise.resolve();
	const turn = previous.then(async () => await sendCreate(ctx, client, itemIndex, body));
	createQueues.set(
		client,
		turn.catch(() => undefined),
	);
	return await turn;
}

async function sendCreate(
	ctx: IExecuteFunctions,
	client: FlinksClient,
	itemIndex: number,
	body: CreateSessionBody,
): Promise<CreatedSessionItem> {
	const what = 'Creating a session';
	const at = { itemIndex };
	const response = await client.send({ method: 'POST', path: '/api/v2/sessions', body, idempotent: false }, at);
	if (response.statusCode < 200 || response.statusCode >= 300) {
		const error = flinksRequestError(ctx, response, what, at);
		if (response.statusCode >= 500) {
			// A gateway can fail after Flinks created the session; a blind re-run would ask the customer twice.
			error.description = [error.description, MAY_HAVE_BEEN_CREATED].filter(Boolean).join(' — ');
		}
		throw error;
	}
	const sessionId = createdSessionId(response);
	if (!sessionId) {
		throw unreadableAnswerError(ctx, response, what, at, {
			missing: 'a session ID',
			consequence: MAY_HAVE_BEEN_CREATED,
		});
	}
	const answered = (response.body as IDataObject).referenceId;
	return {
		sessionId,
		referenceId: typeof answered === 'string' ? answered : (body.referenceId ?? null),
		hostedUrl: `${client.hostedBaseUrl}/app/?sessionId=${encodeURIComponent(sessionId)}`,
	};
}

function createdSessionId(response: FlinksResponse): string | undefined {
	const body = response.body;
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
	const sessionId = (body as IDataObject).sessionId;
	return typeof sessionId === 'string' && sessionId.trim() !== '' ? sessionId.trim() : undefined;
}

/** Reads and checks every parameter; throws one error naming all bad fields, before any request. */
function readCreateBody(ctx: IExecuteFunctions, itemIndex: number): CreateSessionBody {
	const problems: Array<{ field: string; problem: string }> = [];
	const fail = (field: string, problem: string) => problems.push({ field, problem });
	const text = (name: string, fallback = ''): string => {
		const value: unknown = ctx.getNodeParameter(name, itemIndex, fallback);
		if (value === null || value === undefined) return '';
		return typeof value === 'string' ? value.trim() : String(value).trim();
	};

	const amount = readAmount(ctx.getNodeParameter('amount', itemIndex, 0), fail);
	const direction = text('direction', 'DEBIT').toUpperCase();
	if (!DIRECTIONS.includes(direction)) fail('Direction', `"${direction}" is not DEBIT or CREDIT`);

	const firstName = text('payorFirstName');
	const lastName = text('payorLastName');
	const email = text('payorEmail');
	const middleName = text('additionalFields.payorMiddleName');
	if (firstName === '') fail('Payor First Name', 'is empty');
	if (lastName === '') fail('Payor Last Name', 'is empty');
	if (email === '') fail('Payor Email', 'is empty');
	else if (!EMAIL_SHAPE.test(email)) fail('Payor Email', `"${email}" is not an email address`);

	const referenceId = text('referenceId');
	if (referenceId.length > MAX_REFERENCE_ID_LENGTH) {
		fail(
			'Reference ID',
			`has ${referenceId.length} characters, at most ${MAX_REFERENCE_ID_LENGTH} are allowed`,
		);
	}
	const language = text('notificationLanguage', 'EN').toUpperCase();
	if (!LANGUAGES.includes(language)) fail('Notification Language', `"${language}" is not EN or FR`);
	const sendInteracLink = ctx.getNodeParameter('sendInteracLink', itemIndex, true) !== false;

	const account = {
		institutionCode: text('additionalFields.payeeInstitutionCode'),
		transitNumber: text('additionalFields.payeeTransitNumber'),
		accountNumber: text('additionalFields.payeeAccountNumber'),
	};
	const accountParts = Object.values(account).filter((part) => part !== '').length;
	if (accountParts > 0 && accountParts < 3) {
		fail('Payee Account', 'needs the institution code, transit number and account number together');
	}

	if (problems.length > 0) {
		const fields = [...new Set(problems.map((p) => p.field))].join(', ');
		const details = problems.map((p) => `${p.field} ${p.problem}`).join('; ');
		throw new NodeOperationError(
			ctx.getNode(),
			`Invalid ${fields} in item ${itemIndex}: ${details}`,
			{
				itemIndex,
				description:
					'Check the Create parameters or the expressions that set them. No request was sent.',
			},
		);
	}
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

/** Accepts a number or a decimal string (expressions often give text); CAD has cents, no smaller unit. */
function readAmount(
	value: unknown,
	fail: (field: string, problem: string) => void,
): number | undefined {
	if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) {
		fail('Amount', 'is empty');
		return undefined;
	}
	const amount = typeof value === 'string' ? Number(value) : value;
	if (typeof amount !== 'number' || !Number.isFinite(amount)) {
		fail('Amount', `${JSON.stringify(value)} is not a number`);
		return undefined;
	}
	if (amount <= 0) {
		fail('Amount', `${amount} is not greater than 0`);
		return undefined;
	}
	const cents = amount * 100;
	if (Math.abs(cents - Math.round(cents)) > 1e-6) {
		fail('Amount', `${amount} has more than two decimals`);
		return undefined;
	}
	return Math.round(cents) / 100;
}
