import { existsSync, readFileSync } from 'node:fs';
import { buildSchema, findBreakingChanges } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILE, printedSchema } from '../../src/schema/print.js';

const CONTRACT = new URL('../../../shared/contract/schema.graphql', import.meta.url);

describe('schema/schema.graphql', () => {
  it('is what the Pothos builder prints (run `npm run schema:print` after changing the schema)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(printedSchema());
  });

  it.skipIf(!existsSync(CONTRACT))('keeps the public contract (../shared/contract/schema.graphql)', () => {
    const breaks = findBreakingChanges(
      buildSchema(readFileSync(CONTRACT, 'utf8')),
      buildSchema(printedSchema()),
    );
    expect(breaks).toEqual([]);
  });
});
