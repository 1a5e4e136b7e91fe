import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Workflow code runs in Temporal's deterministic sandbox: no Node built-ins,
// no TensorFlow, no network clients. Activities are imported as types only.
// Built-ins are matched by exact name: as patterns, `constants` would also match './constants'.
const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)].map(
  (name) => ({ name, message: 'workflows/ is deterministic: no Node built-ins.' }),
);
const forbiddenInWorkflows = [
  '@tensorflow/*',
  '@aws-sdk/*',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', '.data/**', 'bin/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
  {
    // The command line loads each command lazily, so that `swnas stack` never loads TensorFlow.
    files: ['client/main.ts', 'client/commands/worker.ts', 'client/commands/search.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins,
          patterns: [
            {
              group: forbiddenInWorkflows,
              message: 'workflows/ is deterministic: move side effects into activities/.',
            },
            {
              group: ['../activities/*', '../activities'],
              allowTypeImports: true,
              message: 'Import activities as types only (proxyActivities<typeof ...>).',
            },
          ],
        },
      ],
    },
  },
);
