/**
 * The three nodes the per-item bench compares, as workflow JSON for real n8n: each cancels one
 * session per input item with one POST to Flinks.
 */
import { describeFailure, hermeticEnv, runCommand } from '../../test/e2e/command';
import type { N8nInstall } from '../../test/e2e/n8n-install';
import { CREDENTIAL_TYPE } from '../../test/e2e/package-tarball';
import type { CredentialRef, WorkflowNode } from '../../test/e2e/workflows';
import { cancelNode } from '../../test/e2e/workflows';

export type RowKey = 'cancel' | 'header' | 'credential';

export const ROW_KEYS: RowKey[] = ['cancel', 'header', 'credential'];

/** What the measured node needs to know: where Flinks is, the token the bench typed, the node's version. */
export interface RowContext {
	baseUrl: string;
	token: string;
	httpRequest: HttpRequestNodeVersion;
	/** A credential of its own for each run (the rows that use one), so each starts without a stored token. */
	credential: CredentialRef;
}

export interface Row {
	key: RowKey;
	usesCredential: boolean;
	label: (httpRequest: HttpRequestNodeVersion) => string;
	node: (context: RowContext) => WorkflowNode;
}

const POSITION: [number, number] = [440, 0];
const CONCURRENCY = 10;

function cancelUrl(baseUrl: string): string {
	return `=${baseUrl}/api/v2/sessions/{{ $json.sessionId }}/cancel`;
}

function httpRequestNode(
	context: RowContext,
	parameters: Record<string, unknown>,
	credentials?: WorkflowNode['credentials'],
): WorkflowNode {
	return {
		id: '00000000-0000-4000-8000-00000000b001',
		name: 'HTTP Request',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: context.httpRequest.version,
		position: POSITION,
		parameters: { method: 'POST', url: cancelUrl(context.baseUrl), ...parameters, options: {} },
		...(credentials ? { credentials } : {}),
	};
}

export const ROWS: Record<RowKey, Row> = {
	cancel: {
		key: 'cancel',
		usesCredential: true,
		label: () => `Flinks Session › Cancel, Concurrency ${CONCURRENCY}`,
		node: ({ credential }) =>
			cancelNode({ credential, options: { concurrency: CONCURRENCY } }, POSITION),
	},
	header: {
		key: 'header',
		usesCredential: false,
		label: ({ version }) =>
			`HTTP Request ${version}, \`Authorization: Bearer …\` typed as a header`,
		node: (context) =>
			httpRequestNode(context, {
				sendHeaders: true,
				headerParameters: {
					parameters: [{ name: 'Authorization', value: `Bearer ${context.token}` }],
				},
			}),
	},
	credential: {
		key: 'credential',
		usesCredential: true,
		label: ({ version }) => `HTTP Request ${version}, Flinks Pay API credential (predefined type)`,
		node: (context) =>
			httpRequestNode(
				context,
				{ authentication: 'predefinedCredentialType', nodeCredentialType: CREDENTIAL_TYPE },
				{ [CREDENTIAL_TYPE]: context.credential },
			),
	},
};

export interface HttpRequestNodeVersion {
	/** The newest version of the node in that release (what a new node in the editor gets). */
	version: number;
	nodesBase: string;
}

/** Loads the release's own HTTP Request node with the release's Node and reads its versions. */
const READ_HTTP_REQUEST_VERSION = `
const path = require('path');
const n8n = path.dirname(require.resolve('n8n/package.json'));
const manifest = require.resolve('n8n-nodes-base/package.json', { paths: [n8n] });
const { HttpRequest } = require(path.join(path.dirname(manifest), 'dist/nodes/HttpRequest/HttpRequest.node.js'));
const versions = Object.keys(new HttpRequest().nodeVersions).map(Number);
process.stdout.write(JSON.stringify({ version: Math.max(...versions), nodesBase: require(manifest).version }));`;

export async function httpRequestNodeVersion(install: N8nInstall): Promise<HttpRequestNodeVersion> {
	const result = await runCommand(install.nodeBinary, ['-e', READ_HTTP_REQUEST_VERSION], {
		cwd: install.folder,
		env: hermeticEnv({ PATH: install.path }),
		timeoutMs: 60_000,
	});
	if (result.exitCode !== 0) {
		throw new Error(describeFailure('reading the HTTP Request node version', result));
	}
	return JSON.parse(result.stdout) as HttpRequestNodeVersion;
}
