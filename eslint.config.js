// ESLint flat config: @eslint/js and typescript-eslint's type-checked rules, with type-only
// imports enforced the way this package needs them (see `consistent-type-imports` below).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'dist-sample/', 'coverage/', 'bench/results/', '.pglite/']),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        // Lets `consistent-type-imports` see that a class used as the type of a decorated
        // constructor parameter is needed at runtime (Nest DI reads it from decorator metadata).
        emitDecoratorMetadata: true,
        experimentalDecorators: true,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'separate-type-imports' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    // Tests read untyped values by design (supertest's `getHttpServer()`, raw SQL rows).
    files: ['test/**/*.ts', '**/*.spec.ts', '**/*.e2e-spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Outside tsconfig.json's program: config files, and the consumer app that imports the
    // built package by name.
    files: ['**/*.js', 'test/consumers/**'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
