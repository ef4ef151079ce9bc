import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const buildDir = join(root, 'test', 'consumers', '.build');

/** The tsconfig of a consumer app: `main.ts`, compiled as a Nest app compiles. */
function writeConsumerTsconfig(dir: string, options: { skipLibCheck: boolean }): void {
  const compilerOptions = {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    skipLibCheck: options.skipLibCheck,
    types: ['node'],
  };
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions, files: ['main.ts'] }),
  );
}

/** Links this repo as `node_modules/nestjs-sessions`, the way an installed package resolves. */
function linkPackage(): void {
  const link = join(root, 'node_modules', 'nestjs-sessions');
  if (!existsSync(link)) symlinkSync('..', link, 'dir');
}

function buildConsumer(format: 'commonjs' | 'module'): string {
  const dir = join(buildDir, format);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: format }));
  copyFileSync(join(root, 'test', 'consumers', 'consumer-app.ts'), join(dir, 'main.ts'));
  writeConsumerTsconfig(dir, { skipLibCheck: true });
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir]);
  return join(dir, 'main.js');
}

/**
 * The packages an app needs to use ours: the required peers and their types. The optional peers
 * ({@link OPTIONAL_PEERS}) are deliberately absent.
 */
const REQUIRED_PACKAGES = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/platform-express',
  '@types/node',
  'class-transformer',
  'class-validator',
  'cookie',
  'reflect-metadata',
  'rxjs',
  'typeorm',
];

/** The optional peers: a bare consumer has none of them, and must compile and run without. */
const OPTIONAL_PEERS = [
  '@nestjs/throttler',
  'ioredis',
  'pg',
  '@nestjs/event-emitter',
  '@nestjs/terminus',
  '@nestjs/graphql',
  '@nestjs/websockets',
];

/**
 * A consumer app in a folder outside this repo whose node_modules holds a copy of the built
 * package (not a link: its own imports must resolve from there, as from an npm install) and
 * links to the required packages only, compiled with `skipLibCheck: false`.
 */
function buildBareConsumer(): { dir: string; main: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nestjs-sessions-bare-'));
  const installed = join(dir, 'node_modules', 'nestjs-sessions');
  mkdirSync(join(installed, 'dist'), { recursive: true });
  copyFileSync(join(root, 'package.json'), join(installed, 'package.json'));
  for (const folder of ['lib', 'migrations']) {
    cpSync(join(root, 'dist', folder), join(installed, 'dist', folder), { recursive: true });
  }
  for (const name of REQUIRED_PACKAGES) {
    const link = join(dir, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(root, 'node_modules', name), link, 'dir');
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  copyFileSync(join(root, 'test', 'consumers', 'bare-consumer-app.ts'), join(dir, 'main.ts'));
  writeConsumerTsconfig(dir, { skipLibCheck: false });
  return { dir, main: join(dir, 'main.js') };
}

describe('the built package in a consumer app', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [
      join(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(root, 'tsconfig.build.json'),
    ]);
    linkPackage();
  }, 120_000);

  afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

  it.each([
    ['commonjs', 'commonjs'],
    ['module', 'esm'],
  ] as const)(
    'works from a %s build (type-checked against dist/*.d.ts)',
    (format, expected) => {
      const main = buildConsumer(format);
      const output = execFileSync(process.execPath, [main], { encoding: 'utf8', timeout: 30_000 });
      expect(JSON.parse(output.trim())).toEqual({
        format: expected,
        anonymous: 401,
        me: { userId: 'u-42', theme: 'dark' },
        limited: [200, 200, 429],
        signedIn: ['u-42'],
      });
    },
    120_000,
  );

  it('compiles with skipLibCheck: false and runs with no optional peer installed', () => {
    const { dir, main } = buildBareConsumer();
    try {
      const tsc = join(root, 'node_modules/typescript/bin/tsc');
      // Throws with the compiler's diagnostics (e.g. "Cannot find module '@nestjs/throttler'").
      execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
      const resolveFromConsumer = createRequire(join(dir, 'main.js')).resolve;
      expect(resolveFromConsumer('reflect-metadata')).toContain('reflect-metadata'); // a required one
      for (const peer of OPTIONAL_PEERS) {
        // absent from the consumer's node_modules, and not reachable from any folder above it
        expect(existsSync(join(dir, 'node_modules', peer))).toBe(false);
        expect(() => resolveFromConsumer(peer)).toThrow(/Cannot find/);
      }
      const output = execFileSync(process.execPath, [main], { encoding: 'utf8', timeout: 30_000 });
      expect(JSON.parse(output.trim())).toEqual({
        anonymous: 401,
        me: { userId: 'u-7', theme: 'light' },
        health: { 'db-sessions': { status: 'up' } },
        events: ['session.signedIn', 'session.signedOut', 'session.revoked', 'session.expired'],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
