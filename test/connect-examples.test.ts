/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test and tooling code runs in plain Node, never inside n8n */
/**
 * The Flinks Connect nodes of the examples, run as saved (parameters, options, error handling)
 * against the fake Connect server: what a user imports works with nothing but a credential.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import type { INode } from 'n8n-workflow';

import type { ConnectTestBed } from './helpers/connect-test-bed';
import { useConnectBed } from './helpers/connect-test-bed';

let bed: ConnectTestBed;
useConnectBed((started) => (bed = started));

function exampleNode(file: string, name: string): INode {
	const workflow = JSON.parse(readFileSync(join(__dirname, '..', 'examples', file), 'utf8')) as {
		nodes: INode[];
	};
	return workflow.nodes.find((node) => node.name === name) as INode;
}

describe('Flinks Connect examples', () => {
	it('customer connected: Get Accounts Detail then Get Pending Result give transaction rows', async () => {
		bed.server.connect.pendingPolls = 1;
		const login = bed.server.connect.addLogin({ accountCount: 2, transactionsPerAccount: 3 });
		const detail = exampleNode(
			'connect-customer-connected-transactions.json',
			'Get accounts and transactions',
		);
		const first = await bed.run([{ body: { loginId: login.loginId } }], {
			...detail.parameters,
			waitUpTo: 0,
		});
		expect(first.items.map((item) => item.json.status)).toEqual(['pending']);

		bed.server.connect.finishCollecting();
		const pending = exampleNode(
			'connect-customer-connected-transactions.json',
			'Get pending result',
		);
		const done = await bed.run([first.items[0].json], pending.parameters);
		expect(done.error).toBeUndefined();
		expect(done.items).toHaveLength(6);
		expect(done.items.every((item) => typeof item.json.transactionId === 'string')).toBe(true);
	});

	it('nightly balances: a live summary per login, MFA logins to the error output', async () => {
		const fine = bed.server.connect.addLogin({ accountCount: 2 });
		const asks = bed.server.connect.addLogin({ mfa: true });
		const node = exampleNode('connect-nightly-low-balances.json', 'Get balances');
		const run = await bed.run(
			[{ loginId: fine.loginId }, { loginId: asks.loginId }],
			node.parameters,
			{
				onError: node.onError as 'continueErrorOutput',
			},
		);

		expect(run.items.map((item) => [item.pairedItem, typeof item.json.balance])).toEqual([
			[{ item: 0 }, 'object'],
			[{ item: 0 }, 'object'],
		]);
		expect(run.errorItems.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(String(run.errorItems[0].json.error)).toContain('security question (MFA, HTTP 203)');
		expect(bed.server.connect.authorizations.every((authorization) => authorization.live)).toBe(
			true,
		);
	});
});
