/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs in plain Node, never inside n8n */
// Stop and faults while creates queue in a narrowed token requests' window, adaptive and with a
// fixed Concurrency (from the second review of issue 25's token window).
import type { FlinksTestBed } from './helpers/flinks-test-bed';
import { createParameters, customers, useTestBed } from './helpers/flinks-test-bed';
import { atNthRequest, AUTHORIZE, CREATES } from './helpers/fault-matrix';
import { expectEveryPlaceGivenBack, placeLedger } from './helpers/place-ledger';

let bed: FlinksTestBed;

useTestBed((started) => (bed = started));

describe('the token requests window under Stop and refusals', () => {
	it.each([
		{ kind: 'adaptive', options: {} },
		{ kind: 'a fixed Concurrency of 3', options: { concurrency: 3 } },
	])(
		'Stop while creates queue behind a token endpoint admitting 2 ($kind): every place given back, no create twice',
		async ({ options }) => {
			const ledger = placeLedger();
			try {
				bed.server.setLatency(10);
				bed.server.setMaxTokenRequestsInFlight(2);
				bed.server.injectFault({ ...AUTHORIZE, kind: 'delay', ms: 150, times: 100 });
				await bed.engine.run({
					items: customers(40),
					parameters: createParameters({ options }),
					onError: 'continueRegularOutput',
					onStarted: (execution) =>
						atNthRequest(bed.server, AUTHORIZE, 12, () => execution.cancel()),
				});
				await new Promise((resolve) => setTimeout(resolve, 300));
				expect(ledger.taken.tokens).toBeGreaterThan(0);
				expectEveryPlaceGivenBack(ledger);
				const references = bed.server.allSessions().map((session) => session.referenceId);
				expect(new Set(references).size).toBe(references.length);
				expect(bed.server.allSessions().length).toBeLessThanOrEqual(bed.server.count(CREATES));
			} finally {
				ledger.restore();
			}
		},
		40_000,
	);

	it('a token endpoint answering 429 (a limit in front of both) to a burst: every create once, places given back', async () => {
		const ledger = placeLedger();
		try {
			bed.server.setLatency(10);
			bed.server.injectFault({
				...AUTHORIZE,
				kind: 'status',
				status: 429,
				retryAfter: '0',
				times: 6,
			});
			bed.server.setMaxTokenRequestsInFlight(3);
			const run = await bed.engine.run({
				items: customers(40),
				parameters: createParameters(),
				onError: 'continueRegularOutput',
			});
			expect(run.items.filter((item) => 'error' in item.json)).toEqual([]);
			expect(bed.server.allSessions()).toHaveLength(40);
			expect(bed.server.count(CREATES)).toBe(40);
			expectEveryPlaceGivenBack(ledger);
		} finally {
			ledger.restore();
		}
	}, 60_000);
});
