import type { FakeFlinksServer } from '../helpers/fake-flinks-server';
import type { Check } from './report';

const EXCHANGE_PATH = '/api/v1/authorize';
const CREATE_PATH = '/api/v2/sessions';
const CALL_TIMEOUT_MS = 10 * 60_000;

export interface CreateRoundFigures {
	calls: number;
	customersPerCall: number;
	created: number;
	errorItems: number;
	/** Creates Flinks refused with 401 (a token that had already initiated a session). */
	refusedCreates: number;
	/** Token requests Flinks answered with a token: the exchanges. */
	tokensIssued: number;
	/** Token requests turned away (429 above the limit, rate limits): resent, issuing nothing. */
	tokenRequestsTurnedAway: number;
	/** Reference IDs Flinks holds more than once: a create sent twice. */
	createdTwice: number;
	wallMs: number;
}

/**
 * `calls` webhook calls at once, each creating `customersPerCall` sessions (one Create
 * execution per call, spread over the workers): every create needs a token of its own.
 */
export async function runCreateRound(
	server: FakeFlinksServer,
	webhookUrl: string,
	plan: { calls: number; customersPerCall: number },
): Promise<CreateRoundFigures> {
	const requestsBefore = server.requests.length;
	const sessionsBefore = server.allSessions().length;
	const tokenRequests = () =>
		server.requests.slice(requestsBefore).filter((r) => r.path === EXCHANGE_PATH);
	const started = performance.now();
	const answers = await Promise.all(
		Array.from({ length: plan.calls }, (_, call) =>
			postCustomers(
				webhookUrl,
				Array.from({ length: plan.customersPerCall }, (_, n) => customer(call, n)),
			),
		),
	);
	const wallMs = performance.now() - started;
	const requests = server.requests.slice(requestsBefore);
	const items = answers.flat();
	return {
		...plan,
		created: server.allSessions().length - sessionsBefore,
		errorItems: items.filter((item) => item.error !== undefined || item.sessionId === undefined)
			.length,
		refusedCreates: requests.filter((r) => r.path === CREATE_PATH && r.status === 401).length,
		tokensIssued: tokenRequests().filter((r) => r.status === 200).length,
		tokenRequestsTurnedAway: tokenRequests().filter((r) => r.status !== 200).length,
		createdTwice: twice(
			server
				.allSessions()
				.slice(sessionsBefore)
				.map((s) => s.referenceId),
		),
		wallMs,
	};
}

/**
 * What the create round must show: every session created once, none refused for a spent token,
 * and one token exchange per created session (plus at most one per worker for anything else).
 */
export function createRoundChecks(figures: CreateRoundFigures, workers: number): Check[] {
	const expected = figures.calls * figures.customersPerCall;
	return [
		{
			name: 'create round: every session created, no error item',
			passed: figures.created === expected && figures.errorItems === 0,
			detail: `${figures.created} of ${expected} created, ${figures.errorItems} error items`,
		},
		{
			name: 'create round: no session created twice',
			passed: figures.createdTwice === 0,
			detail: `${figures.createdTwice} Reference IDs twice`,
		},
		{
			name: 'create round: no create sent with a token that had already initiated a session',
			passed: figures.refusedCreates === 0,
			detail: `${figures.refusedCreates} refused with 401`,
		},
		{
			name: 'create round: one token exchange per created session (+ at most one per worker)',
			passed:
				figures.tokensIssued >= figures.created &&
				figures.tokensIssued <= figures.created + workers,
			detail: `${figures.tokensIssued} tokens issued for ${figures.created} sessions (${figures.tokenRequestsTurnedAway} token requests turned away and resent)`,
		},
	];
}

export function createRoundLine(figures: CreateRoundFigures): string {
	return `Create round: ${figures.calls} calls × ${figures.customersPerCall} customers at once: ${figures.created} created, ${figures.errorItems} error items, ${figures.refusedCreates} creates refused 401, ${figures.tokensIssued} tokens issued, ${figures.tokenRequestsTurnedAway} token requests turned away, ${figures.createdTwice} twice, ${(figures.wallMs / 1000).toFixed(1)} s`;
}

function customer(call: number, n: number) {
	const id = call * 100 + n;
	return {
		amount: 10 + id / 100,
		firstName: 'Queue',
		lastName: `Customer-${id}`,
		email: `queue+${id}@example.com`,
		orderId: `QUEUE-${id}`,
	};
}

async function postCustomers(
	url: string,
	customers: Array<Record<string, unknown>>,
): Promise<Array<Record<string, unknown>>> {
	try {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ customers }),
			signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
		});
		const body: unknown = JSON.parse((await response.text()) || 'null');
		if (response.status === 200 && Array.isArray(body))
			return body as Array<Record<string, unknown>>;
		return customers.map(() => ({ error: `HTTP ${response.status}` }));
	} catch (error) {
		return customers.map(() => ({ error: String(error) }));
	}
}

function twice(references: Array<string | null | undefined>): number {
	const present = references.filter((reference) => typeof reference === 'string');
	return present.length - new Set(present).size;
}
