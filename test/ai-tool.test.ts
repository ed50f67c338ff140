/**
 * Flinks Session as a tool of n8n's AI Agent, built and run by n8n-core's own code: what a model
 * is told about the tool, which arguments it fills, and what it gets back.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { ToolView } from './helpers/ai-agent';
import { askAgentWithTool, asAiTool, fromAi } from './helpers/ai-agent';
import type { FlinksTestBed } from './helpers/flinks-test-bed';
import { createParameters, useTestBed } from './helpers/flinks-test-bed';
import { FlinksSession } from '../nodes/Flinks/FlinksSession.node';

const TOOL_TYPE = 'flinksSessionTool';
const toolDescription = asAiTool(new FlinksSession()).description;

let bed: FlinksTestBed;

useTestBed((started) => (bed = started));

/** An Agent with Flinks Session as its one tool, named as n8n names a new tool node; the "model" makes `calls`. */
async function askAgent(parameters: INodeParameters, calls: IDataObject[]): Promise<ToolView> {
	return await askAgentWithTool(
		bed.engine,
		{ type: TOOL_TYPE, description: toolDescription },
		parameters,
		calls,
	);
}

const sessionTool = (operation: string, extra: INodeParameters = {}): INodeParameters => ({
	resource: 'session',
	operation,
	sessionId: fromAi('Session ID'),
	options: {},
	...extra,
});

describe('Flinks Session as an AI Agent tool', () => {
	it('Get: named and described by its action; the model fills the Session ID and gets the compact item', async () => {
		const session = bed.server.addSession({ status: 'Completed', amount: 80 });
		const view = await askAgent(sessionTool('getDetails'), [{ Session_ID: session.sessionId }]);

		expect(view.name).toBe('Get_a_payment_session_in_Flinks_Session');
		expect(view.description).toBe('Get a payment session in Flinks Session');
		expect(view.parameters).toMatchObject({
			type: 'object',
			properties: { Session_ID: { type: 'string' } },
			required: ['Session_ID'],
		});
		expect(Object.keys(view.parameters.properties as IDataObject)).toEqual(['Session_ID']);
		expect(view.calls).toEqual([
			{
				answer: [
					{
						sessionId: session.sessionId,
						referenceId: session.referenceId,
						status: 'Completed',
						statusDetails: null,
						amount: 80,
						direction: 'DEBIT',
						createdAt: session.createdAt,
					},
				],
			},
		]);
	});

	it('Cancel: cancels the session the model names; an ID that is not a UUID is refused, saying why and what to send, and nothing is sent for it', async () => {
		const open = bed.server.addSession();
		const view = await askAgent(sessionTool('cancel'), [
			{ Session_ID: open.sessionId },
			{ Session_ID: "the customer's last session" },
		]);

		expect(view.description).toBe('Cancel a payment session in Flinks Session');
		expect(view.calls[0]).toEqual({
			answer: [
				expect.objectContaining({
					sessionId: open.sessionId,
					status: 'Cancelled',
					alreadyEnded: false,
				}),
			],
		});
		expect(bed.server.session(open.sessionId)?.status).toBe('Cancelled');
		const refused = view.calls[1] as { error: string };
		expect(refused.error).toContain(
			`Invalid Session ID: "the customer's last session" is not a UUID [item 0]`,
		);
		expect(refused.error).toContain("Details: 'Session ID' takes the UUID Flinks returned");
		expect(bed.server.count({ path: /\/cancel$/ })).toBe(1);
	});

	it('Create: the model fills amount and payor; it gets the session ID and the link to send', async () => {
		const view = await askAgent(
			createParameters({
				amount: fromAi('Amount', 'number'),
				payorFirstName: fromAi('Payor First Name'),
				payorLastName: fromAi('Payor Last Name'),
				payorEmail: fromAi('Payor Email'),
				referenceId: '',
			}),
			[
				{
					Amount: 42.5,
					Payor_First_Name: 'Jane',
					Payor_Last_Name: 'Doe',
					Payor_Email: 'jane@example.com',
				},
			],
		);

		expect(view.description).toBe('Create a payment session in Flinks Session');
		expect(view.parameters).toMatchObject({
			properties: {
				Amount: { type: 'number' },
				Payor_First_Name: { type: 'string' },
				Payor_Last_Name: { type: 'string' },
				Payor_Email: { type: 'string' },
			},
		});
		expect(view.calls).toEqual([
			{
				answer: [
					{
						sessionId: expect.any(String),
						referenceId: null,
						hostedUrl: expect.stringMatching(/\/app\/\?sessionId=[0-9a-f-]{36}$/),
					},
				],
			},
		]);
	});

	it("tells the model nothing of the credential: no secret, token, client ID or Flinks' address", async () => {
		const session = bed.server.addSession();
		const view = await askAgent(sessionTool('getDetails'), [
			{ Session_ID: session.sessionId },
			{ Session_ID: '0f4c2a6e-1111-4222-8333-944455556666' },
		]);

		expect(view.calls[1]).toEqual({ error: expect.stringContaining('Flinks answered HTTP 404') });
		const seen = JSON.stringify(view);
		expect(bed.server.issuedTokens().length).toBeGreaterThan(0);
		for (const secret of [
			bed.server.clientSecret,
			bed.server.clientId,
			bed.server.baseUrl,
			...bed.server.issuedTokens(),
		]) {
			expect(seen).not.toContain(secret);
		}
	});
});
