// NestJS 12 and TypeORM 1 ship as ES modules. Node 20.20 can require() them, but Jest's own
// module loader cannot, so Jest runs in its native ESM mode (`--experimental-vm-modules`, see
// the `test` script) and ts-jest emits ESM: the code under test loads Nest exactly as a
// user's app does, with no transform of node_modules.
import console from 'node:console';
import { existsSync } from 'node:fs';
import process from 'node:process';

// The browser suites (test/browser/) drive a headless Chromium: Debian's package, which CI
// installs, or CHROMIUM_PATH. Without one they are left out, with this one warning.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const browserSuites = existsSync(chromium) ? [] : ['<rootDir>/test/browser/'];
if (browserSuites.length > 0) {
  console.warn(
    `Browser tests (test/browser/) not run: no Chromium at ${chromium}. Install it ` +
      '(apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary.',
  );
}

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: [
    '<rootDir>/lib/**/*.spec.ts',
    '<rootDir>/test/**/*.spec.ts',
    '<rootDir>/test/**/*.e2e-spec.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', ...browserSuites],
  setupFiles: ['<rootDir>/test/setup/share-nest.ts'],
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  testTimeout: 30_000,
};
