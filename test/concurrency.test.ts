import { ConcurrencyWindow } from '../nodes/Flinks/api/concurrency';
import { answerClean, rejected } from './helpers/window-steps';
import { tokenAudience } from '../credentials/flinksPayToken';
import type { FlinksTestBed } from './helpers/flinks-test-bed';
import { cancelParameters, useTestBed } from './helpers/flinks-test-bed';
import { atNthRequest, AUTHORIZE, CANCELS } from './helpers/fault-matrix';

let bed: FlinksTestBed;

useTestBed((started) => (bed = started));

const itemsFor = (sessions: Array<{ sessionId: string }>) =>
	sessions.map((session) => ({ sessionId: session.sessionId }));

/** What n8n stores beside a token the credential obtained: the base URL and client it is for. */
/** What n8n stores in `accessTokenFor` for a token another instance obtained with this credential. */
const issuedFor = (clientId = bed.server.clientId) =>
	tokenAudience({ ...bed.credentials, clientId });

describe('concurrent cancels', () => {
	it('keep output order and pairing equal to input order whatever finishes first', async () => {
		const sessions = bed.server.addSessions(12);
		// The first items answer last.
		sessions.slice(0, 3).forEach((session, index) =>
			bed.server.injectFault({
				kind: 'delay',
				ms: 150 - index * 40,
				path: `/api/v2/sessions/${session.sessionId}/cancel`,
			}),
		);
		const run = await bed.engine.run({ items: itemsFor(sessions), parameters: cancelParameters() });

		expect(run.items.map((item) => item.json.sessionId)).toEqual(sessions.map((s) => s.sessionId));
		expect(run.items.map((item) => item.pairedItem)).toEqual(sessions.map((_, item) => ({ item })));
		expect(bed.server.peakInFlight).toBeGreaterThan(1);
	});

	it('never exceed a fixed Concurrency', async () => {
		const sessions = bed.server.addSessions(30);
		bed.server.setLatency(20);
		const run = await bed.engine.run({
			items: itemsFor(sessions),
			parameters: cancelParameters({ concurrency: 3 }),
		});
		expect(run.items.every((item) => item.json.status === 'Cancelled')).toBe(true);
		expect(bed.server.peakInFlight).toBe(3);
	});

	it('grow beyond the adaptive start while Flinks answers cleanly', async () => {
		const sessions = bed.server.addSessions(150);
		bed.server.setLatency(10);
		await bed.engine.run({ items: itemsFor(sessions), parameters: cancelParameters() });
		expect(bed.server.peakInFlight).toBeGreaterThan(ConcurrencyWindow.ADAPTIVE_START);
		expect(bed.server.peakInFlight).toBeLessThanOrEqual(ConcurrencyWindow.ADAPTIVE_CEILING);
	});

	it('back off on 429 above a rate limit and lose nothing', async () => {
		const sessions = bed.server.addSessions(120);
		bed.server.setLatency(10);
		bed.server.setMaxInFlight(6, '0');
		const run = await bed.engine.run({ items: itemsFor(sessions), parameters: cancelParameters() });

		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json.status)).toEqual(sessions.map(() => 'Cancelled'));
		const cancelled = bed.server.requests.filter(
			(r) => r.path.endsWith('/cancel') && r.status === 200,
		);
		expect(cancelled).toHaveLength(120);
	});

	it('exchange the token once when many requests start at once', async () => {
		const sessions = bed.server.addSessions(40);
		bed.server.setLatency(15);
		await bed.engine.run({
			items: itemsFor(sessions),
			parameters: cancelParameters({ concurrency: 20 }),
		});
		expect(bed.server.count(AUTHORIZE)).toBe(1);
	});

	it('exchange the token once more when it expires mid-batch, however many requests hit the 401', async () => {
		const [warmUp, ...sessions] = bed.server.addSessions(61);
		await bed.engine.run({ items: itemsFor([warmUp]), parameters: cancelParameters() });
		bed.server.setLatency(15);
		atNthRequest(bed.server, { path: /\/cancel$/ }, 20, () => bed.server.expireTokensNow());
		const run = await bed.engine.run({
			items: itemsFor(sessions),
			parameters: cancelParameters({ concurrency: 10 }),
		});

		expect(run.items.map((item) => item.json.status)).toEqual(sessions.map(() => 'Cancelled'));
		expect(bed.server.requests.filter((r) => r.status === 401).length).toBeGreaterThan(1);
		expect(bed.server.count(AUTHORIZE)).toBe(2);
	});
});

describe('executions in one process', () => {
	it('share one token exchange and one adaptive window when they run at the same time', async () => {
		const batches = Array.from({ length: 5 }, () => bed.server.addSessions(8));
		bed.server.setLatency(50);
		const runs = await Promise.all(
			batches.map((sessions) =>
				bed.engine.run({ items: itemsFor(sessions), parameters: cancelParameters() }),
			),
		);

		for (const [index, run] of runs.entries()) {
			expect(run.items.map((item) => item.json.status)).toEqual(
				batches[index].map(() => 'Cancelled'),
			);
		}
		expect(bed.server.count(AUTHORIZE)).toBe(1);
		// After the first cancel (the one that exchanged the token), one window's start goes out:
		// five windows of their own would send 5 × 4 = 20 cancels at once.
		const cancels = bed.server.requests.filter((request) => request.path.endsWith('/cancel'));
		const burst = cancels.filter((request) => Math.abs(request.at - cancels[1].at) < 25);
		expect(burst.length).toBeLessThanOrEqual(ConcurrencyWindow.ADAPTIVE_START);
	});

	it('take the token another process stored meanwhile instead of exchanging their own', async () => {
		const [first, second] = bed.server.addSessions(2);
		await bed.engine.run({ items: itemsFor([first]), parameters: cancelParameters() });
		// Another worker renews the token after a revocation and n8n stores it.
		bed.server.revokeTokens();
		const accessToken = await bed.server.authorizeOverHttp();
		bed.engine.setStoredCredentials({
			...bed.credentials,
			accessToken,
			accessTokenFor: issuedFor(),
		});

		const run = await bed.engine.run({ items: itemsFor([second]), parameters: cancelParameters() });
		expect(run.items[0].json.status).toBe('Cancelled');
		expect(bed.server.requests.filter((r) => r.status === 401)).toHaveLength(0);
		expect(bed.server.count(AUTHORIZE)).toBe(2);
	});
});

describe('n8n instances sharing a credential (queue-mode workers)', () => {
	/** Another instance saw the token refused too, obtained a new one and n8n stored it. */
	const storeOthersToken = (accessToken: string, changes: Record<string, string> = {}) =>
		bed.engine.setStoredCredentials({
			...bed.credentials,
			...changes,
			accessToken,
			accessTokenFor: issuedFor(changes.clientId),
		});

	it('take the token another instance stored after theirs was refused, instead of exchanging one', async () => {
		const [warmUp, ...sessions] = bed.server.addSessions(31);
		await bed.engine.run({ items: itemsFor([warmUp]), parameters: cancelParameters() });
		const othersToken = await bed.server.authorizeOverHttp();
		bed.server.setLatency(15);
		atNthRequest(bed.server, CANCELS, 10, () => {
			bed.server.revokeTokens([othersToken]);
			storeOthersToken(othersToken);
		});

		const run = await bed.engine.run({
			items: itemsFor(sessions),
			parameters: cancelParameters({ concurrency: 10 }),
		});
		expect(run.items.map((item) => item.json.status)).toEqual(sessions.map(() => 'Cancelled'));
		expect(bed.server.requests.filter((r) => r.status === 401).length).toBeGreaterThan(0);
		// The warm-up's exchange and the other instance's: this execution asked for none.
		expect(bed.server.count(AUTHORIZE)).toBe(2);
	});

	it('take it on the retry when their own token request was answered 429', async () => {
		const [warmUp, session] = bed.server.addSessions(2);
		await bed.engine.run({ items: itemsFor([warmUp]), parameters: cancelParameters() });
		const othersToken = await bed.server.authorizeOverHttp();
		bed.server.revokeTokens([othersToken]);
		bed.server.injectFault({ ...AUTHORIZE, kind: 'status', status: 429, retryAfter: '0' });
		// While this execution's token request is being refused, the other instance stores its token.
		atNthRequest(bed.server, AUTHORIZE, 1, () => storeOthersToken(othersToken));

		const run = await bed.engine.run({
			items: itemsFor([session]),
			parameters: cancelParameters(),
		});
		expect(run.items[0].json.status).toBe('Cancelled');
		expect(
			bed.server.requests.filter((r) => r.path === AUTHORIZE.path).map((r) => r.status),
		).toEqual([200, 200, 429]);
	});

	it('renew once more when the stored token they took was revoked too', async () => {
		const [warmUp, session] = bed.server.addSessions(2);
		await bed.engine.run({ items: itemsFor([warmUp]), parameters: cancelParameters() });
		const othersToken = await bed.server.authorizeOverHttp();
		atNthRequest(bed.server, CANCELS, 1, () => {
			bed.server.revokeTokens();
			storeOthersToken(othersToken);
		});

		const run = await bed.engine.run({
			items: itemsFor([session]),
			parameters: cancelParameters(),
		});
		expect(run.items[0].json).toMatchObject({ status: 'Cancelled', attempts: 1 });
		// Refused: the token in use, then the one taken from the store; then one exchange.
		expect(bed.server.requests.filter((r) => r.status === 401)).toHaveLength(2);
		expect(bed.server.count(AUTHORIZE)).toBe(3);
	});

	it('fail the item rather than exchange with a credential edited under them', async () => {
		const [warmUp, session] = bed.server.addSessions(2);
		await bed.engine.run({ items: itemsFor([warmUp]), parameters: cancelParameters() });
		const othersToken = await bed.server.authorizeOverHttp();
		atNthRequest(bed.server, CANCELS, 1, () => {
			bed.server.revokeTokens([othersToken]);
			storeOthersToken(othersToken, { clientId: 'another-client' });
		});

		const run = await bed.engine.run({
			items: itemsFor([session]),
			parameters: cancelParameters(),
		});
		expect(run.error?.message).toBe(
			'The Flinks Pay API credential was changed while this execution ran, so no new access token was requested with its old settings [item 0]',
		);
		// Neither the edited credential's token nor an exchange with the old client secret.
		expect(bed.server.count(AUTHORIZE)).toBe(2);
		expect(bed.engine.storedCredentials().clientId).toBe('another-client');
	});
});

describe('ConcurrencyWindow', () => {
	it('doubles per round trip until the first congestion, and grows only while it is full', () => {
		const window = new ConcurrencyWindow();
		// One round trip: the 4 requests of the start come back clean.
		for (let i = 0; i < 4; i++) answerClean(window);
		expect(window.limit).toBe(8);
		// Answers while fewer are wanted than the window holds say nothing about a larger one.
		const idle = new ConcurrencyWindow();
		for (let i = 0; i < 20; i++) idle.recordClean();
		expect(idle.limit).toBe(ConcurrencyWindow.ADAPTIVE_START);
	});

	it('leaves slow start at the limit the first rejected request met, not at the overshoot', () => {
		const now = jest.spyOn(Date, 'now');
		try {
			now.mockReturnValue(1_000);
			const window = new ConcurrencyWindow();
			for (let i = 0; i < 12; i++) answerClean(window, 40);
			expect(window.limit).toBe(16);
			// Flinks takes 10 at once: the requests sent 11th to 16th come back 429.
			expect(window.recordCongestion(rejected(990, 12))).toBe(true);
			expect(window.limit).toBe(8); // 12 × 0.7
			expect(window.recordCongestion(rejected(991, 11))).toBe(false);
			expect(window.limit).toBe(7); // 11 × 0.7: the 11th met the limit
			// Regrows one per answer to just below where the limit was met (11), and holds there.
			for (let i = 0; i < 5; i++) answerClean(window, 40);
			expect(window.limit).toBe(10);
			for (let i = 0; i < ConcurrencyWindow.HOLD_WINDOWS * 10 - 1; i++) answerClean(window, 40);
			expect(window.limit).toBe(10);
		} finally {
			now.mockRestore();
		}
	});

	it('after slow start adds about one per window of clean answers and shrinks to 70 % once per episode', () => {
		const window = new ConcurrencyWindow();
		window.addBacklog(1_000);
		for (let i = 0; i < 4; i++) answerClean(window);
		const before = Date.now() - 1;
		window.recordCongestion(rejected(before));
		window.recordCongestion(rejected(before)); // same episode: requests sent before the decrease
		expect(window.limit).toBe(5); // 8 × 0.7 = 5.6
		// Regrown to the plateau (7), held, then one per window above it.
		let cleanAnswers = 0;
		while (window.limit < 9) {
			answerClean(window);
			cleanAnswers++;
		}
		// 2 to regrow, 8 windows of 7 held, then 7 + 8 for two steps.
		expect(cleanAnswers).toBeGreaterThanOrEqual(2 + ConcurrencyWindow.HOLD_WINDOWS * 7 + 13);
		expect(cleanAnswers).toBeLessThanOrEqual(2 + ConcurrencyWindow.HOLD_WINDOWS * 7 + 17);
	});

	it('counts 429s for requests sent within one round trip after a decrease as the same episode', () => {
		const now = jest.spyOn(Date, 'now');
		try {
			now.mockReturnValue(1_000);
			const window = new ConcurrencyWindow();
			for (let i = 0; i < 4; i++) answerClean(window, 40);
			window.recordCongestion(rejected(999));
			expect(window.limit).toBe(5);
			// Sent 30 ms after the decrease, answered 429 at once: the server is still full of older requests.
			now.mockReturnValue(1_030);
			expect(window.recordCongestion(rejected(1_030))).toBe(false);
			expect(window.limit).toBe(5);
			// A round trip later the decrease has taken effect: a 429 now is news.
			now.mockReturnValue(1_050);
			expect(window.recordCongestion(rejected(1_045))).toBe(true);
			expect(window.limit).toBe(3); // 5.6 × 0.7 = 3.9
		} finally {
			now.mockRestore();
		}
	});

	it('does not probe above a known limit when less work is left than two Retry-After waits', () => {
		const probesWith = (backlog: number) => {
			const window = new ConcurrencyWindow();
			window.addBacklog(backlog);
			for (let i = 0; i < 12; i++) answerClean(window, 50);
			window.recordCongestion(rejected(Date.now() - 1, 11, 1_000));
			for (let i = 0; i < 3; i++) answerClean(window, 50);
			expect(window.limit).toBe(10);
			for (let i = 0; i < ConcurrencyWindow.HOLD_WINDOWS * 10 + 20; i++) answerClean(window, 50);
			return window.limit > 10;
		};
		// 300 items at 10 per 50 ms: 1.5 s of work, less than 2 × 1 s.
		expect(probesWith(300)).toBe(false);
		// 1,000 items: 5 s of work, a probe may pay.
		expect(probesWith(1_000)).toBe(true);
	});

	it('restarts low after a minute with nothing in flight, and regrows quickly to its old plateau', async () => {
		const now = jest.spyOn(Date, 'now');
		try {
			now.mockReturnValue(1_000_000);
			const window = new ConcurrencyWindow();
			for (let i = 0; i < 6; i++) answerClean(window);
			expect(window.limit).toBe(10);
			window.recordCongestion(rejected(999_999));
			for (let i = 0; i < 2; i++) answerClean(window);
			expect(window.limit).toBe(9);
			while (window.inFlight > 0) window.release();

			now.mockReturnValue(1_000_000 + ConcurrencyWindow.IDLE_RESTART_MS - 1);
			await window.acquire();
			expect(window.limit).toBe(9);
			window.release();

			now.mockReturnValue(1_000_000 + 2 * ConcurrencyWindow.IDLE_RESTART_MS);
			await window.acquire();
			expect(window.limit).toBe(ConcurrencyWindow.ADAPTIVE_START);
			for (let i = 0; i < 5; i++) answerClean(window);
			expect(window.limit).toBe(9);
		} finally {
			now.mockRestore();
		}
	});

	it.each([
		// A fixed Concurrency: a token request takes one of the calls' places until it is given back.
		{ kind: 'a fixed Concurrency of 3', window: () => new ConcurrencyWindow(3), places: 3 },
		// Adaptive: as many as the window's, held from the exchange until the create is sent.
		{
			kind: 'the adaptive window',
			window: () => new ConcurrencyWindow(),
			places: ConcurrencyWindow.ADAPTIVE_START,
		},
	])('gives creates $places token places with $kind', async ({ window: make, places }) => {
		const window = make();
		for (let i = 0; i < places; i++) await window.acquireTokenPlace();
		let next = false;
		const waiting = window.acquireTokenPlace().then(() => (next = true));
		await Promise.resolve();
		expect(next).toBe(false);
		window.releaseTokenPlace();
		await waiting;
		expect(next).toBe(true);
	});

	it("narrows the token requests' own window on a token endpoint rate limit, not the calls' window", () => {
		const now = jest.spyOn(Date, 'now');
		try {
			now.mockReturnValue(1_000);
			const window = new ConcurrencyWindow();
			const exchanges = window.exchanges as ConcurrencyWindow;
			for (let i = 0; i < 6; i++) answerClean(window, 50);
			for (let i = 0; i < 6; i++) answerClean(exchanges, 50);
			expect(window.limit).toBe(10);
			expect(exchanges.limit).toBe(10);
			// The token endpoint answers TOO_MANY_REQUESTS to a token request sent with 10 others on the wire.
			expect(exchanges.recordCongestion(rejected(999, 11))).toBe(true);
			expect(exchanges.limit).toBe(7);
			expect(window.limit).toBe(10);
			// And a 429 to a call narrows the calls' window only.
			expect(window.recordCongestion(rejected(999, 11))).toBe(true);
			expect(window.limit).toBe(7);
			expect(exchanges.limit).toBe(7);
		} finally {
			now.mockRestore();
		}
	});

	it("lets token requests follow the calls' window until the token endpoint signals a limit of its own", () => {
		const window = new ConcurrencyWindow();
		const exchanges = window.exchanges as ConcurrencyWindow;
		expect(exchanges.limit).toBe(ConcurrencyWindow.ADAPTIVE_START);
		for (let i = 0; i < 4; i++) answerClean(window, 50);
		expect(window.limit).toBe(8);
		expect(exchanges.limit).toBe(8);
		// Never wider than the calls' window, even after clean token answers of its own.
		for (let i = 0; i < 12; i++) answerClean(exchanges, 50);
		expect(exchanges.limit).toBe(8);
	});

	it("has no window of its own for token requests with a fixed Concurrency (they take the calls' places)", () => {
		expect(new ConcurrencyWindow(5).exchanges).toBeUndefined();
		expect(new ConcurrencyWindow().exchanges?.exchanges).toBeUndefined();
	});

	it('stays at a fixed value', () => {
		const window = new ConcurrencyWindow(7);
		window.recordCongestion(rejected(Date.now()));
		window.recordClean();
		expect(window.limit).toBe(7);
	});
});
