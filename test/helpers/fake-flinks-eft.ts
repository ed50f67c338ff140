import { randomUUID } from 'crypto';

import type { FakeSession } from './fake-flinks-server';

/**
 * Flinks' EFT and Guaranteed EFT sessions, as the public EFT v2 and GEFT API references describe
 * them: the same /api/v2/sessions endpoints as e-Transfer, `type: "EFT"`, a guarantee switch, the
 * RegularEft feature flag (403 without it), no payee for regular EFT, statusDetails codes
 * EFT0101…EFT0601, GEFT spelling `Canceled` and EFT v2 spelling `Cancelled`, the hosted flow's
 * steps, the name match (EFT0403) and the guarantee decision. The fake server calls in here.
 */

export type EftStep =
	| 'Start'
	| 'Consent'
	| 'BankSelection'
	| 'BankConnection'
	| 'AccountSelection'
	| 'AmountSelection'
	| 'GuaranteeOffer'
	| 'Review'
	| 'Pad'
	| 'Complete';

/** The codes Flinks documents in `statusDetails` for EFT and Guaranteed EFT sessions. */
export const EFT_CODES = {
	created: 'EFT0101',
	scheduled: 'EFT0301',
	awaitingPad: 'EFT0302',
	loginFailed: 'EFT0401',
	noGuarantee: 'EFT0402',
	identityFailed: 'EFT0403',
	insufficientBalance: 'EFT0404',
	cancelled: 'EFT0501',
	expired: 'EFT0601',
} as const;

export interface EftFeatures {
	/** Regular EFT (guarantee off) needs this feature on the client; without it Flinks answers 403. */
	regularEft: boolean;
	/** Guaranteed EFT is enabled by the client's Flinks representative. */
	guaranteedEft: boolean;
}

export interface EftAccount {
	institutionCode: string;
	transitNumber: string;
	accountNumber: string;
	accountLabel: string;
	availableBalance: number;
}

/** What an EFT session holds beyond an e-Transfer one. */
export interface EftSessionState {
	guaranteed: boolean;
	step: { current: EftStep; aggregationRequestId: string | null; padId: string | null };
	options: Record<string, unknown>;
	/** The payor's bank account, known once the customer connected their bank. */
	account: EftAccount | null;
	userDetails: { matchingPerformed: boolean; nameMatch: number | null };
	guaranteeDetails: {
		guaranteeOffered: boolean;
		guaranteeAccepted: boolean | null;
		highestDebitAmountToGuarantee: number | null;
		overallRiskLevel: string;
	} | null;
	/** How many guarantee confirmations Flinks processed (a second one means a resend). */
	confirmations: number;
}

/** A refusal as ProblemDetails fields; the server turns it into its answer. */
export interface EftProblem {
	status: number;
	title: string;
	detail: string;
	extensions?: Record<string, unknown>;
}

/** Below this share of matching name parts, Flinks' identity check fails the session (EFT0403). */
const NAME_MATCH_THRESHOLD = 80;
const DATE_OF_BIRTH = /^\d{4}-\d{2}-\d{2}$/;
const URL_SHAPE = /^https?:\/\/\S+$/i;

export function isEftCreate(input: Record<string, unknown>): boolean {
	return input.type === 'EFT';
}

/** The feature flags and the EFT-specific rules of POST /api/v2/sessions; undefined when accepted. */
export function eftCreateProblem(
	input: Record<string, unknown>,
	features: EftFeatures,
): EftProblem | undefined {
	const guaranteed = guaranteeRequested(input);
	if (!guaranteed && !features.regularEft) {
		return {
			status: 403,
			title: 'Forbidden',
			detail: 'The RegularEft feature is not enabled for this client.',
		};
	}
	if (guaranteed && !features.guaranteedEft) {
		return {
			status: 403,
			title: 'Forbidden',
			detail: 'Guaranteed EFT is not enabled for this client.',
		};
	}
	const errors = eftValidationErrors(input, guaranteed);
	if (Object.keys(errors).length === 0) return undefined;
	return {
		status: 400,
		title: 'One or more validation errors occurred.',
		detail: 'See errors for details.',
		extensions: { errors },
	};
}

function guaranteeRequested(input: Record<string, unknown>): boolean {
	const options = record(input.options);
	return record(options?.guarantee)?.enable === true;
}

function eftValidationErrors(
	input: Record<string, unknown>,
	guaranteed: boolean,
): Record<string, string[]> {
	const errors: Record<string, string[]> = {};
	const fail = (field: string, message: string) => (errors[field] ??= []).push(message);
	if (input.direction !== 'DEBIT') fail('direction', "The direction must be 'DEBIT' for EFT.");
	if (input.currency !== 'CAD') fail('currency', "The currency must be 'CAD'.");
	if (input.amount !== undefined && !(typeof input.amount === 'number' && input.amount > 0)) {
		fail('amount', 'The amount must be a number greater than 0.');
	}
	if (!guaranteed && input.payee !== undefined && input.payee !== null) {
		fail('payee', 'The payee is not supported for EFT.');
	}
	const options = record(input.options) ?? {};
	if (typeof record(options.guarantee)?.enable !== 'boolean') {
		fail('options.guarantee.enable', 'The guarantee enable flag is required for EFT.');
	}
	const limits = record(options.limits);
	const min = limits?.minimumAmount;
	const max = limits?.maximumAmount;
	if (typeof min === 'number' && typeof max === 'number' && min > max) {
		fail('options.limits', 'The minimumAmount must not exceed the maximumAmount.');
	}
	const redirect = record(options.redirectPreferences);
	for (const name of ['urlSuccess', 'urlExit']) {
		const url = redirect?.[name];
		if (url !== undefined && !(typeof url === 'string' && URL_SHAPE.test(url))) {
			fail(`options.redirectPreferences.${name}`, `The ${name} must be an absolute URL.`);
		}
	}
	const payor = record(input.payor);
	if (!payor) return { ...errors, payor: ['The payor is required.'] };
	for (const name of ['firstName', 'lastName']) {
		const value = payor[name];
		if (typeof value !== 'string' || value.trim() === '' || value.length > 100) {
			fail(`payor.${name}`, `The payor ${name} is required (at most 100 characters).`);
		}
	}
	const birth = payor.dateOfBirth;
	if (birth !== undefined && !(typeof birth === 'string' && DATE_OF_BIRTH.test(birth))) {
		fail('payor.dateOfBirth', 'The dateOfBirth must be YYYY-MM-DD.');
	}
	return errors;
}

/** The state a freshly created EFT or Guaranteed EFT session starts with. */
export function newEftState(input: Record<string, unknown>): EftSessionState {
	return {
		guaranteed: guaranteeRequested(input),
		step: { current: 'Start', aggregationRequestId: null, padId: null },
		options: record(input.options) ?? {},
		account: null,
		userDetails: { matchingPerformed: false, nameMatch: null },
		guaranteeDetails: null,
		confirmations: 0,
	};
}

/** GEFT answers `Canceled`, EFT v2 `Cancelled`; both with EFT0501. */
export function cancelledSpellingOf(session: FakeSession): 'Cancelled' | 'Canceled' {
	return session.eft?.guaranteed ? 'Canceled' : 'Cancelled';
}

/** The EFT part of GET /details: step, options, the payor's account, name match, guarantee. */
export function eftDetails(session: FakeSession): Record<string, unknown> {
	const eft = session.eft;
	if (!eft) return {};
	return {
		step: eft.step,
		options: eft.options,
		payor: { ...session.payor, account: eft.account },
		payee: eft.guaranteed ? (session.payee ?? null) : null,
		userDetails: eft.userDetails,
		...(eft.guaranteed ? { guaranteeDetails: eft.guaranteeDetails } : {}),
	};
}

/**
 * The customer's side of the hosted flow, driven by tests: connecting a bank runs the name match
 * (a mismatch fails the session with EFT0403); a Guaranteed EFT then waits on the guarantee
 * decision (Confirm Guarantee); completing schedules the debit (EFT0301).
 */
export class FakeEftFlow {
	constructor(private readonly sessionById: (id: string) => FakeSession | undefined) {}

	connectBank(
		sessionId: string,
		holder: { firstName: string; lastName: string; availableBalance?: number },
	): FakeSession {
		const session = this.eftSession(sessionId);
		const eft = session.eft as EftSessionState;
		const nameMatch = nameMatchScore(session.payor, holder);
		eft.userDetails = { matchingPerformed: true, nameMatch };
		eft.step = { ...eft.step, current: 'AccountSelection', aggregationRequestId: randomUUID() };
		eft.account = {
			institutionCode: '003',
			transitNumber: '12345',
			accountNumber: '****1234',
			accountLabel: 'Checking (****1234)',
			availableBalance: holder.availableBalance ?? 5000,
		};
		if (nameMatch < NAME_MATCH_THRESHOLD) return this.end(session, 'Failed', 'identityFailed');
		if (eft.account.availableBalance < session.amount) {
			return this.end(session, 'Failed', 'insufficientBalance');
		}
		if (!eft.guaranteed) {
			eft.step.current = 'Pad';
			return session;
		}
		eft.step.current = 'GuaranteeOffer';
		eft.guaranteeDetails = {
			guaranteeOffered: true,
			guaranteeAccepted: null,
			highestDebitAmountToGuarantee: session.amount,
			overallRiskLevel: 'Low',
		};
		return session;
	}

	/** The customer signed the PAD agreement: the debit is scheduled. */
	complete(sessionId: string): FakeSession {
		const session = this.eftSession(sessionId);
		(session.eft as EftSessionState).step.padId = randomUUID();
		return this.end(session, 'Completed', 'scheduled');
	}

	/** The session timed out. */
	expire(sessionId: string): FakeSession {
		return this.end(this.eftSession(sessionId), 'Expired', 'expired');
	}

	/** POST /guarantees/confirm: only a Guaranteed EFT session waiting on its guarantee takes it. */
	confirmGuarantee(session: FakeSession, body: unknown): EftProblem | Record<string, unknown> {
		const eft = session.eft;
		const accepted = record(body)?.guaranteeAccepted;
		if (typeof accepted !== 'boolean') {
			return problem(400, 'The guaranteeAccepted field must be a boolean.', {
				errors: { guaranteeAccepted: ['The guaranteeAccepted field must be a boolean.'] },
			});
		}
		if (!eft?.guaranteed) {
			return problem(400, `Session ${session.sessionId} is not a Guaranteed EFT session.`);
		}
		if (eft.step.current !== 'GuaranteeOffer' || session.status !== 'Initiated') {
			return problem(
				400,
				`Session ${session.sessionId} has no guarantee waiting for a decision (step ${eft.step.current}, status ${session.status}).`,
			);
		}
		eft.confirmations++;
		if (eft.guaranteeDetails) eft.guaranteeDetails.guaranteeAccepted = accepted;
		if (accepted) eft.step.current = 'Review';
		else this.end(session, 'Failed', 'noGuarantee');
		return { sessionId: session.sessionId, referenceId: session.referenceId ?? null };
	}

	private end(
		session: FakeSession,
		status: FakeSession['status'],
		code: keyof typeof EFT_CODES,
	): FakeSession {
		session.status = status;
		session.statusDetails = EFT_CODES[code];
		if (session.eft && status === 'Completed') session.eft.step.current = 'Complete';
		return session;
	}

	private eftSession(sessionId: string): FakeSession {
		const session = this.sessionById(sessionId);
		if (!session?.eft) throw new Error(`No EFT session ${sessionId}`);
		return session;
	}
}

/** 100 for the same names (any case, accents and spacing aside), less for each part that differs. */
export function nameMatchScore(
	payor: { firstName: string; lastName: string },
	holder: { firstName: string; lastName: string },
): number {
	const parts = (name: { firstName: string; lastName: string }) =>
		`${name.firstName} ${name.lastName}`
			.normalize('NFD')
			.replace(/[\u0300-\u036f]/g, '')
			.toLowerCase()
			.split(/[\s-]+/)
			.filter(Boolean);
	const expected = parts(payor);
	const given = new Set(parts(holder));
	const matched = expected.filter((part) => given.has(part)).length;
	return Math.round((100 * matched) / Math.max(expected.length, given.size));
}

function problem(status: number, detail: string, extensions?: Record<string, unknown>): EftProblem {
	return { status, title: 'Bad Request', detail, extensions };
}

export function isEftProblem(value: unknown): value is EftProblem {
	return record(value)?.title !== undefined && typeof record(value)?.status === 'number';
}

function record(value: unknown): Record<string, unknown> | undefined {
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}

/** What `addSession` takes for a ready-made EFT (or, with `guaranteed`, Guaranteed EFT) session. */
export function eftSessionInit(guaranteed: boolean): Partial<FakeSession> {
	return {
		type: 'EFT',
		direction: 'DEBIT',
		statusDetails: EFT_CODES.created,
		payee: undefined,
		eft: newEftState({ options: { guarantee: { enable: guaranteed } } }),
	};
}

/**
 * Adds a Guaranteed EFT session whose customer (Jane Doe) connected their bank: its guarantee
 * waits for the client's decision (step GuaranteeOffer).
 */
export function addGuaranteeAwaitingDecision(server: {
	addSession(init: Partial<FakeSession>): FakeSession;
	eft: FakeEftFlow;
}): FakeSession {
	const session = server.addSession({
		...eftSessionInit(true),
		payor: { firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@example.com' },
	});
	server.eft.connectBank(session.sessionId, { firstName: 'Jane', lastName: 'Doe' });
	return session;
}
