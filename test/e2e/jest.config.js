/**
 * The end-to-end suite: the packed package inside real n8n releases (test/e2e/n8n-versions.json).
 * `npm run test:e2e`; N8N_E2E_VERSIONS=2.8.4 limits it to some versions.
 * @type {import('jest').Config}
 */
module.exports = {
	rootDir: '../..',
	preset: 'ts-jest',
	testEnvironment: 'node',
	// Not *.test.ts, so the unit-test run (`npm test`) never picks these up.
	testMatch: ['<rootDir>/test/e2e/**/*.e2e.ts'],
	// The build copies package.json into dist/: one package of that name for jest's module map.
	modulePathIgnorePatterns: ['<rootDir>/dist'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
	},
	// Builds, packs and installs n8n (first run only) before any test.
	globalSetup: '<rootDir>/test/e2e/global-setup.ts',
	globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
	// One n8n at a time: the machine has 2 cores and each n8n process is heavy.
	maxWorkers: 1,
	testTimeout: 5 * 60_000,
	slowTestThreshold: 60,
	verbose: true,
};
