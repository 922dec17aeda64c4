/**
 * The README and GraphiQL's opening comment show the same series, and the progress ids and
 * folders they show are the ones the demo catalog really produces.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_SERIES } from '../../src/demo/demo-catalog.js';
import { episodeFileName, sanitizeName } from '../../src/core/library.js';
import { GRAPHIQL_DEFAULT_QUERY } from '../../src/server/yoga.js';
import { PROJECT_ROOT } from '../helpers/library-flow.js';

const README = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
const demoFolders = new Map(DEMO_SERIES.map((s) => [sanitizeName(s.name, s.key), s]));
const demoKeys = new Set(DEMO_SERIES.map((s) => s.key));
const addSeriesKeys = (text: string) => [...text.matchAll(/addSeries\(key: "([^"]+)"/g)].map((m) => m[1]!);

describe('README and GraphiQL examples', () => {
  it('suggest the same demo series', () => {
    const inGraphiQL = addSeriesKeys(GRAPHIQL_DEFAULT_QUERY);
    const inReadme = addSeriesKeys(README);
    expect(inGraphiQL).toHaveLength(1);
    expect(inReadme.length).toBeGreaterThan(0);
    expect(new Set([...inGraphiQL, ...inReadme])).toEqual(new Set(inGraphiQL));
    expect(demoKeys.has(inGraphiQL[0]!)).toBe(true);
  });

  it("show progress ids, titles and paths of the demo's real folders", () => {
    const ids = [...README.matchAll(/download_([^\s`()_]+(?: [^\s`()_]+)*)_(\d+)_(\d+)/g)];
    expect(ids.length).toBeGreaterThan(5);
    const key = addSeriesKeys(GRAPHIQL_DEFAULT_QUERY)[0]!;
    const series = DEMO_SERIES.find((s) => s.key === key)!;
    const folder = sanitizeName(series.name, series.key);
    for (const [id, f] of ids) {
      expect(demoFolders.has(f!), `${id}: "${f}" is not a demo folder (${[...demoFolders.keys()].join(', ')})`).toBe(true);
      expect(f, id).toBe(folder);
    }
    // Titles in the CLI samples are "<series name> SxxEyy"; files land where the downloader puts them.
    for (const [, title] of README.matchAll(/[✔✖▶] (\S[^(\n]*?) S\d\dE\d\d/g)) expect(title).toBe(series.name);
    expect(README).toContain(`library/${folder}/${episodeFileName(series.name, 1, 1)}`);
  });

  it('GraphiQL says to use another browser tab, not a GraphiQL tab', () => {
    expect(GRAPHIQL_DEFAULT_QUERY).toMatch(/another browser tab/);
    expect(README).toMatch(/another \*\*browser\*\* tab/);
  });
});
