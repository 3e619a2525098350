// Lint: typescript-eslint's recommended rules plus the import direction of DESIGN.md
// (domain code never imports from protocols/; engines never know about HTTP).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const domainFolders = [
  'identitystore',
  'voiceid',
  'speech',
  'audio',
  'engines',
  'storage',
  'jobs',
  'blobs',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tmp/**', 'src/protocols/aws-json/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: domainFolders.map((f) => `src/${f}/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/protocols/**', 'fastify', '@fastify/*'],
              message:
                'Domain, storage and engine code must not depend on protocols or HTTP (DESIGN.md).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
