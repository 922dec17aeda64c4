import type { CodegenConfig } from '@graphql-codegen/cli';

/** What both generated clients share: one schema, one mapping of its scalars and shapes. */
const shared = {
  useTypeImports: true,
  enumsAsTypes: true,
  scalars: { DateTime: 'string', JSON: 'unknown' },
  strictScalars: true,
  avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
} as const;

/**
 * Typed documents from the one checked-in schema, for two clients:
 * - src/client/ (the Node client and the CLI): graphql(`…`) calls there become parsed
 *   documents in src/client/generated/;
 * - src/dashboard/ (the web page at `/`): its graphql(`…`) calls become documents as plain
 *   strings (`documentMode: 'string'`), so the browser bundle needs no GraphQL parser or printer.
 * Run `npm run codegen` after changing the schema or an operation (npm test runs it too).
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  ignoreNoDocuments: false,
  generates: {
    'src/client/generated/': {
      documents: ['src/client/**/*.ts', '!src/client/generated/**'],
      preset: 'client',
      presetConfig: { gqlTagName: 'graphql', fragmentMasking: false },
      config: shared,
    },
    'src/dashboard/generated/': {
      documents: ['src/dashboard/**/*.{ts,tsx}', '!src/dashboard/generated/**', '!src/dashboard/dist/**'],
      preset: 'client',
      presetConfig: { gqlTagName: 'graphql', fragmentMasking: false },
      config: { ...shared, documentMode: 'string' },
    },
  },
  emitLegacyCommonJSImports: false,
};

export default config;
