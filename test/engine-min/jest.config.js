/**
 * The engine tests (`npm test`'s files, unchanged) against the n8n-core and n8n-workflow of the
 * minimum supported n8n release, installed by test/engine-min/run.ts (`npm run test:engine-min`).
 * @type {import('jest').Config}
 */
const base = require('../../jest.config.js');

const folder = process.env.FLINKS_ENGINE_MIN_FOLDER;
if (!folder)
	throw new Error('Run the engine tests on the minimum release with npm run test:engine-min');

module.exports = {
	...base,
	rootDir: '../..',
	// The product code, the tests and n8n-core itself all get the minimum release's packages.
	moduleNameMapper: { '^(n8n-core|n8n-workflow)$': `${folder}/node_modules/$1` },
	// n8n-core 2.8's SSH clients manager starts a 60 s interval it clears only on process exit
	// (2.41 unrefs it); with one worker jest runs in band and would wait on it for ever.
	forceExit: true,
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: `${folder}/tsconfig.json` }],
	},
};
