import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the client in src/client/: the client preset reads the checked-in
 * schema and every graphql(`…`) call in src/client, and writes src/client/generated/.
 * Run `npm run codegen` after changing the schema or an operation (npm test runs it too).
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['src/client/**/*.ts', '!src/client/generated/**'],
  ignoreNoDocuments: false,
  generates: {
    'src/client/generated/': {
      preset: 'client',
      presetConfig: { gqlTagName: 'graphql', fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', JSON: 'unknown' },
        strictScalars: true,
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
      },
    },
  },
  emitLegacyCommonJSImports: false,
};

export default config;
