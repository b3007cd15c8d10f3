// Lint rules for the whole code base (typescript-eslint), run by `npm test`. Formatting is Prettier's job
// (eslint-config-prettier turns off the rules it owns); max-len catches the comments and strings Prettier
// leaves long.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'generated/',
      '.tools/',
      '.data/',
      'coverage/',
      'bench/results/',
      'test/workflows/histories/',
      'console/dist/',
      'console/node_modules/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['prisma.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'max-len': ['error', { code: 140, ignoreUrls: false, ignoreStrings: false, ignoreTemplateLiterals: false }],
      // Unawaited promises lose errors and ordering; mark deliberate fire-and-forget with `void`.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-console': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  { files: ['jest.config.js'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable' } } },
  // The API docs page's script runs in the browser next to swagger-ui's bundle; the OAuth return page's alone.
  {
    files: ['api/static/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', URLSearchParams: 'readonly', SwaggerUIBundle: 'readonly' } },
  },
  {
    // The provider fakes are independent witnesses of the adapters: code shared with the product would make a
    // mapping mistake twice and hide it. Only Node built-ins and npm packages, not even types.
    files: ['fakes/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(providers|domain|services|activities|workflows|api|db|vault|data|clients)(/|$)',
              message: 'fakes/ must not import product code: give the fake its own implementation (see fakes/README.md).',
            },
            {
              // The one exception: the sandbox OAuth clients are the service's configuration, which the fakes accept.
              regex: '^(\\.\\./)+config/(?!sandbox$)',
              message: 'fakes/ may import only config/sandbox from the product (the sandbox OAuth clients).',
            },
          ],
        },
      ],
    },
  },
  // The layers (README, Layout): each folder may import only the layers below it. Type-only imports of a
  // contract (activity interfaces, workflow messages) are allowed across.
  ...layer(
    'domain/**/*.ts',
    ['providers', 'services', 'activities', 'workflows', 'api', 'clients', 'data', 'db', 'vault', 'config', 'fakes'],
    {
      why: 'domain/ is pure logic: no I/O, no Temporal, no database',
    },
  ),
  ...layer('workflows/**/*.ts', ['providers', 'services', 'activities', 'api', 'clients', 'data', 'db', 'vault', 'config', 'fakes'], {
    why: 'workflow code is deterministic: all I/O goes through activities',
    packages: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'node:*'],
  }),
  ...layer('data/**/*.ts', ['services', 'activities', 'api', 'clients', 'fakes'], { why: 'data/ is database access only' }),
  ...layer('services/**/*.ts', ['activities', 'api', 'fakes'], { why: 'services are called by activities and the API, not the reverse' }),
  ...layer('activities/**/*.ts', ['api', 'clients', 'fakes'], { why: 'activities run in the worker' }),
  ...layer('api/**/*.ts', ['activities', 'fakes'], {
    why: 'the API reaches provider work only through the connection workflow (clients/)',
  }),
  ...layer('{providers,clients,worker,config,vault,db}/**/*.ts', ['fakes'], { why: 'production code never loads the fakes' }),
  {
    // The console is a client of the public API, like a CRM's own UI: it imports nothing of the service.
    files: ['console/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(\\.\\./)+\\.\\.', message: 'console/ uses the public API only: no imports from the service.' }] },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Test doubles and JSON bodies are typed loosely on purpose.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);

/**
 * A layering rule: files matching `files` may not import (except types) from the `forbidden` top-level
 * folders, nor the given packages.
 */
function layer(files, forbidden, { why, packages = [] }) {
  return [
    {
      files: [files],
      rules: {
        '@typescript-eslint/no-restricted-imports': [
          'error',
          {
            patterns: [
              { regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`, message: `${why}.`, allowTypeImports: true },
              {
                // Every provider call of the service is metered by the provider budget (services/provider-budget).
                regex: '(^|/)providers/unmetered$',
                message: 'production code never calls a provider around the provider budget: UNMETERED is for tests and benchmarks.',
              },
              ...(packages.length ? [{ group: packages, message: `${why}.` }] : []),
            ],
          },
        ],
      },
    },
  ];
}
