/**
 * package.json "engines" says what is tested: the machine's Node (which runs this test) and
 * the LTS lines .ci/run runs the whole suite on, and no line that nobody runs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/library-flow.js';

const engines = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
const ciLines = (() => {
  const m = /^NODE_LINES=\(([\d ]+)\)$/m.exec(readFileSync(join(PROJECT_ROOT, '.ci/run'), 'utf8'));
  if (!m) throw new Error('.ci/run has no NODE_LINES=(…) line');
  return m[1]!.trim().split(/\s+/).map(Number);
})();

describe('engines', () => {
  it('accepts the Node running the tests', () => {
    expect(semver.satisfies(process.versions.node, engines), `${process.versions.node} in "${engines}"`).toBe(true);
  });

  it('covers every line .ci/run tests (22 and 24 at least), and only tested lines', () => {
    expect(ciLines).toEqual(expect.arrayContaining([22, 24]));
    // The machine's line: this Node, or (in .ci/run's runs on the other lines) the one its first run used.
    const machine = Number(process.env.CI_MACHINE_NODE_LINE || semver.major(process.versions.node));
    const tested = new Set([...ciLines, machine, semver.major(process.versions.node)]);
    for (const line of tested) expect(semver.intersects(`^${line}.0.0`, engines), `Node ${line} in "${engines}"`).toBe(true);
    for (let line = 18; line <= 30; line++) {
      if (!tested.has(line)) expect(semver.intersects(`^${line}.0.0`, engines), `untested Node ${line} in "${engines}"`).toBe(false);
    }
  });
});
