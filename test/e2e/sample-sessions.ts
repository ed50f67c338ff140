import type { FakeFlinksServer, SessionStatus } from '../helpers/fake-flinks-server';

export interface SampleSession {
	sessionId: string;
	referenceId: string;
	/** State on the fake server before the run; undefined: Flinks does not know the session. */
	status?: SessionStatus;
}

/**
 * The stale sessions the scheduled-cleanup example carries in its Code node, and the states
 * the demo and the suite give them on the fake server: two open, three already ended, one unknown.
 */
export const SAMPLE_SESSIONS: SampleSession[] = [
	{
		sessionId: '3f2c6a1e-8b4d-4c2a-9e1f-000000000001',
		referenceId: 'ORDER-1001',
		status: 'Initiated',
	},
	{
		sessionId: '3f2c6a1e-8b4d-4c2a-9e1f-000000000002',
		referenceId: 'ORDER-1002',
		status: 'Initiated',
	},
	{
		sessionId: '3f2c6a1e-8b4d-4c2a-9e1f-000000000004',
		referenceId: 'ORDER-1004',
		status: 'Completed',
	},
	{
		sessionId: '3f2c6a1e-8b4d-4c2a-9e1f-000000000005',
		referenceId: 'ORDER-1005',
		status: 'Expired',
	},
	{
		sessionId: '3f2c6a1e-8b4d-4c2a-9e1f-000000000006',
		referenceId: 'ORDER-1006',
		status: 'Cancelled',
	},
	{ sessionId: '3f2c6a1e-8b4d-4c2a-9e1f-000000000404', referenceId: 'ORDER-1404' },
];

/** Puts the sample sessions on the server in their starting states (again, if they exist). */
export function seedSampleSessions(server: FakeFlinksServer): void {
	for (const { sessionId, referenceId, status } of SAMPLE_SESSIONS) {
		if (!status) continue;
		const existing = server.session(sessionId);
		if (existing) existing.status = status;
		else server.addSession({ sessionId, referenceId, status });
	}
}
