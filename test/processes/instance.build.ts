import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The repository: test/processes/../.. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The instance app and the sibling file it imports, beside the library's build inputs. */
const APP_FILES = ['test/processes/instance.app.ts', 'test/processes/instance.config.ts'];

/** The instance app as JavaScript, runnable with plain `node`. */
export interface BuiltInstanceApp {
  /** The entry file: `node <entry>`. */
  entry: string;
  /** Removes the build. */
  remove(): Promise<void>;
}

/**
 * Transpiles the library (what `tsconfig.build.json` compiles: `lib/`, `migrations/`) and the
 * instance app, file by file, into a fresh temporary directory: Jest runs TypeScript through
 * ts-jest, but a child process runs JavaScript, and `dist/` may be missing or stale (a
 * developer runs `npm test` without `npm run build`). About a second, with no type check: the
 * project is typechecked by `npm run typecheck`, and every file is written with
 * `isolatedModules` + `verbatimModuleSyntax`, so each transpiles alone exactly as `tsc` emits
 * it (decorator metadata included). The directory gets `"type": "module"` and a link to the
 * project's `node_modules`, so the children load the very packages the tests do.
 */
export async function buildInstanceApp(): Promise<BuiltInstanceApp> {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.build.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('tsconfig.build.json could not be read');
  const compilerOptions: ts.CompilerOptions = {
    ...config.options,
    // ES modules as written (`./x.js` specifiers kept): transpileModule cannot look up the
    // package.json that makes NodeNext emit ESM, so the module kind is named outright
    module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    declaration: false,
    sourceMap: false,
    inlineSourceMap: true,
  };
  const outDir = await mkdtemp(join(tmpdir(), 'nestjs-sessions-instance-'));
  try {
    const files = [...config.fileNames, ...APP_FILES.map((file) => join(ROOT, file))];
    for (const file of files) {
      const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), {
        compilerOptions,
        fileName: file,
        reportDiagnostics: false,
      });
      const target = join(outDir, relative(ROOT, file)).replace(/\.ts$/, '.js');
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, outputText);
    }
    await writeFile(join(outDir, 'package.json'), '{ "type": "module" }\n');
    await symlink(join(ROOT, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  } catch (error) {
    await rm(outDir, { recursive: true, force: true });
    throw error;
  }
  return {
    entry: join(outDir, 'test/processes/instance.app.js'),
    remove: () => rm(outDir, { recursive: true, force: true }),
  };
}
