import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const buildDir = join(root, 'test', 'consumers', '.build');

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
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      skipLibCheck: true,
      types: ['node'],
    },
    files: ['main.ts'],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir]);
  return join(dir, 'main.js');
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
      });
    },
    120_000,
  );
});
