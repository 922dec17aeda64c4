/**
 * The README's benchmark table is generated from bench/RESULTS.md (bench/readme-table.ts):
 * the block between the markers is replaced, everything else stays byte for byte, and a file
 * without exactly one block is refused rather than half-written.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { README_BLOCK_END, README_BLOCK_START, README_PATH, extractBlock, replaceBlock, updateReadme } from '../../bench/readme-table.js';

const results = (body: string) => `# Results\n\n| a | b |\n${README_BLOCK_START}\n${body}\n${README_BLOCK_END}\n\n<details>steps</details>\n`;
const readme = (body: string) => `# Project\n\nintro\n\n### Performance\n\n${README_BLOCK_START}\n${body}\n${README_BLOCK_END}\n\n### Next\n\ntext\n`;

describe('bench README table', () => {
  it('replaces only the block, with the results block', () => {
    const out = replaceBlock(readme('| old | 1.33× |'), extractBlock(results('| new | 1.05× |\n| target | met |')));
    expect(out).toBe(readme('| new | 1.05× |\n| target | met |'));
  });

  it('is idempotent', () => {
    const block = extractBlock(results('| x | 2× |'));
    const once = replaceBlock(readme('old'), block);
    expect(replaceBlock(once, block)).toBe(once);
  });

  it('refuses a README or a results file without exactly one block', () => {
    expect(() => replaceBlock('# no markers\n', 'x')).toThrow(/no generated block/);
    expect(() => extractBlock('# Results without a block\n')).toThrow(/no generated block/);
    expect(() => replaceBlock(readme('a') + readme('b'), 'x')).toThrow(/more than one/);
    expect(() => replaceBlock(`${README_BLOCK_END}\n${README_BLOCK_START}\n`, 'x')).toThrow(/before/);
  });

  it('writes the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'readme-table-'));
    try {
      const file = join(dir, 'README.md');
      writeFileSync(file, readme('typed by hand'));
      updateReadme(file, results('| generated | 1.1× |'));
      expect(readFileSync(file, 'utf8')).toBe(readme('| generated | 1.1× |'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the repository's README has the block, and no hand-typed figure outside it in its Performance section", () => {
    const text = readFileSync(README_PATH, 'utf8');
    expect(() => replaceBlock(text, 'x')).not.toThrow();
    const section = text.slice(text.indexOf('### Performance'), text.indexOf('\n### ', text.indexOf('### Performance') + 1));
    const outside = section.slice(0, section.indexOf(README_BLOCK_START)) + section.slice(section.indexOf(README_BLOCK_END));
    // A ratio or a rate outside the generated block is a figure typed by hand.
    expect(outside).not.toMatch(/\d(\.\d+)?×|\d+ MB\/s|msgs\/s \d/);
  });
});
