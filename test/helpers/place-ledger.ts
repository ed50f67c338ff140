import { ConcurrencyWindow } from '../../nodes/Flinks/api/concurrency';

interface Held {
	calls: number;
	tokens: number;
}

/**
 * Places taken and given back, counted per window (the calls' window and its token requests'
 * window apart) by spying on ConcurrencyWindow. `restore()` removes the spies.
 */
export function placeLedger() {
	const held = new Map<ConcurrencyWindow, Held>();
	const taken: Held = { calls: 0, tokens: 0 };
	const of = (window: ConcurrencyWindow) => {
		if (!held.has(window)) held.set(window, { calls: 0, tokens: 0 });
		return held.get(window) as Held;
	};
	const proto = ConcurrencyWindow.prototype;
	const { acquire, release, acquireTokenPlace, releaseTokenPlace } = proto;
	const count = (kind: keyof Held) =>
		async function (this: ConcurrencyWindow, ...args: Parameters<typeof acquire>) {
			const take = kind === 'calls' ? acquire : acquireTokenPlace;
			const inUse = await take.apply(this, args);
			of(this)[kind]++;
			taken[kind]++;
			return inUse;
		};
	const spies = [
		jest.spyOn(proto, 'acquire').mockImplementation(count('calls')),
		jest.spyOn(proto, 'acquireTokenPlace').mockImplementation(count('tokens')),
		jest.spyOn(proto, 'release').mockImplementation(function (this: ConcurrencyWindow) {
			of(this).calls--;
			release.apply(this);
		}),
		jest.spyOn(proto, 'releaseTokenPlace').mockImplementation(function (this: ConcurrencyWindow) {
			of(this).tokens--;
			releaseTokenPlace.apply(this);
		}),
	];
	return {
		/** Places taken over the run, every window together. */
		taken,
		/** Places still held, per window that was used. */
		held: () => [...held.values()],
		restore: () => spies.forEach((spy) => spy.mockRestore()),
	};
}

/** Every window gave back every place it handed out. */
export function expectEveryPlaceGivenBack(ledger: ReturnType<typeof placeLedger>): void {
	for (const held of ledger.held()) expect(held).toEqual({ calls: 0, tokens: 0 });
}
