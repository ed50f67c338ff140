import type { FlinksTriggerBed } from './helpers/flinks-trigger-bed';
import { useTriggerBed } from './helpers/flinks-trigger-bed';

/** Found reviewing Flinks Connect (issue 27): Flinks' resend cadence against Ignore Repeats. */

let bed: FlinksTriggerBed;
useTriggerBed((started) => (bed = started));

const MINUTE = 60_000;

afterEach(() => jest.useRealTimers());

describe('Flinks Trigger › Flinks Connect resends', () => {
	it('starts once for a result Flinks resends every 30 minutes, past the 60-minute Repeat Window', async () => {
		const trigger = await bed.activate({ source: 'connect' });
		const login = bed.server.connect.addLogin({ accountCount: 1 });
		const event = bed.server.connect.accountsDetailWebhook(login.loginId);
		// Only the clock is moved: sockets and timers run as usual.
		jest.useFakeTimers({
			doNotFake: [
				'hrtime',
				'nextTick',
				'performance',
				'queueMicrotask',
				'requestAnimationFrame',
				'cancelAnimationFrame',
				'requestIdleCallback',
				'cancelIdleCallback',
				'setImmediate',
				'clearImmediate',
				'setInterval',
				'clearInterval',
				'setTimeout',
				'clearTimeout',
			],
		});
		const firstAt = Date.now();

		const statuses: number[] = [];
		for (let resend = 0; resend < 4; resend++) {
			jest.setSystemTime(firstAt + resend * 31 * MINUTE);
			statuses.push((await bed.webhooks.deliver(trigger.url, event, { form: 'connect' })).status);
		}

		expect(statuses).toEqual([200, 200, 200, 200]);
		expect(trigger.executions).toHaveLength(1);
	});
});
