import type { IDataObject } from 'n8n-workflow';

import type { SessionDetails } from '../api/details';
import type { Confirmation } from './confirm';
import type { FlinksEvent } from './event';

/** One flat item per event; `event` is the body exactly as Flinks sent it. */
export function eventItem(event: FlinksEvent, body: IDataObject, receivedAt: number): IDataObject {
	return {
		sessionId: event.sessionId,
		referenceId: event.referenceId,
		status: event.status,
		statusDetails: event.statusDetails,
		occurredAt: new Date(event.occurredAt ?? receivedAt).toISOString(),
		event: body,
	};
}

const NOT_CONFIRMED: Omit<
	SessionDetails,
	'sessionId' | 'referenceId' | 'status' | 'statusDetails'
> = {
	amount: null,
	type: null,
	direction: null,
	currency: null,
	payor: null,
	payee: null,
	transactions: [],
	createdAt: null,
};

/**
 * With Confirm With Flinks: Get Details' keys, filled from Flinks when it answered, else from
 * the event (`confirmed: false` and why), so downstream nodes always find the same keys. Get
 * Details documents no `statusDetails` (and may omit `referenceId`): the event's fill the gap.
 */
export function confirmedItem(
	item: IDataObject,
	confirmation: Exclude<Confirmation, { outcome: 'unknownSession' }>,
): IDataObject {
	const { event, occurredAt, ...fromEvent } = item;
	const session =
		confirmation.outcome === 'confirmed'
			? {
					...confirmation.details,
					referenceId: confirmation.details.referenceId ?? fromEvent.referenceId,
					statusDetails: confirmation.details.statusDetails ?? fromEvent.statusDetails,
				}
			: { ...fromEvent, ...NOT_CONFIRMED };
	return {
		...session,
		occurredAt,
		confirmed: confirmation.outcome === 'confirmed',
		confirmationError: confirmation.outcome === 'confirmed' ? null : confirmation.reason,
		event,
	};
}
