/**
 * Which (session, status) pairs each trigger node started an execution for lately. The memory
 * lives in the n8n instance that answers the webhook (the main instance, or in queue mode each
 * webhook instance on its own) and is gone after a restart; see docs/trigger.md › Parameters.
 */
const lastStarted = new Map<string, number>();

/** Bounds the memory whatever the traffic (about 1 MB); past it, the oldest pair is forgotten. */
const MAX_REMEMBERED = 10_000;

export interface RepeatKey {
	/** The trigger node, e.g. `<workflow id>/<node id>`: workflows never share their memory. */
	scope: string;
	sessionId: string;
	status: string;
}

/**
 * True when the same session reached the same status at this node within `windowMs`;
 * otherwise remembers it from `now` (so a delivery arriving meanwhile is a repeat) and returns false.
 */
export function isRepeat(key: RepeatKey, windowMs: number, now: number): boolean {
	const id = idOf(key);
	const rememberedAt = lastStarted.get(id);
	if (rememberedAt !== undefined && now - rememberedAt < windowMs) return true;

	lastStarted.delete(id);
	lastStarted.set(id, now);
	// Insertion order is age order, as a pair seen again is deleted and set anew.
	if (lastStarted.size > MAX_REMEMBERED)
		lastStarted.delete(lastStarted.keys().next().value as string);
	return false;
}

/** A repeat arrived: it is remembered from `now`, so resends that keep coming stay repeats. */
export function rememberAgain(key: RepeatKey, now: number): void {
	const id = idOf(key);
	lastStarted.delete(id);
	lastStarted.set(id, now);
}

/** The delivery `isRepeat` remembered started nothing after all: its redelivery must start one. */
export function forgetRepeat(key: RepeatKey): void {
	lastStarted.delete(idOf(key));
}

/** Deliveries still deciding whether they start anything (Confirm With Flinks is asking). */
const undecided = new Map<string, Promise<void>>();

/**
 * Like `isRepeat`, but a copy arriving while the first is still being confirmed waits for it:
 * a repeat only if the first started an execution, else it is a first delivery itself. A
 * delivery that is not a repeat must call `decided` once it knows (the first copy's wait is
 * bounded by Confirm With Flinks' deadline).
 */
export async function claimDelivery(
	key: RepeatKey,
	windowMs: number,
): Promise<{ repeat: true } | { repeat: false; decided: () => void }> {
	const id = idOf(key);
	for (let pending = undecided.get(id); pending; pending = undecided.get(id)) await pending;
	if (isRepeat(key, windowMs, Date.now())) return { repeat: true };
	let decided!: () => void;
	undecided.set(
		id,
		new Promise<void>((resolve) => {
			decided = () => {
				undecided.delete(id);
				resolve();
			};
		}),
	);
	return { repeat: false, decided };
}

function idOf(key: RepeatKey): string {
	return [key.scope, key.sessionId.toLowerCase(), key.status.toLowerCase()].join('\n');
}
