/**
 * The CLI's queue bar shows the service's overall percent (the download_queue operation's,
 * which is queue.overallPercent), not a count of its own.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ProgressEventMessage } from '../../src/client/index.js';
import { createTtyRenderer } from '../../src/cli/watch/tty-renderer.js';

function terminal(): NodeJS.WriteStream & { text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  }) as unknown as NodeJS.WriteStream & { text(): string };
  Object.assign(stream, { isTTY: true, columns: 120, rows: 40, cursorTo: () => true, moveCursor: () => true, clearLine: () => true, clearScreenDown: () => true });
  stream.text = () => chunks.join('');
  return stream;
}

const event = (p: Partial<ProgressEventMessage['progress']> & { id: string; type: 'QUEUE' | 'DOWNLOAD' }): ProgressEventMessage =>
  ({
    cursor: '1',
    type: p.type === 'QUEUE' ? 'queue_progress' : 'download_progress',
    progress: {
      status: 'IN_PROGRESS',
      title: p.id,
      message: null,
      percent: 0,
      current: 0,
      total: null,
      speed: null,
      eta: null,
      error: null,
      metadata: {},
      startedAt: new Date(0).toISOString(),
      updatedAt: new Date(0).toISOString(),
      completedAt: null,
      ...p,
    },
  }) as ProgressEventMessage;

describe('watch: the queue bar', () => {
  it("is the download_queue operation's percent, whatever the downloads' own bars say", () => {
    const out = terminal();
    const renderer = createTtyRenderer(out, { showQueue: true });
    // The bar takes the percent as the service gives it: counting items here (1 of 2 done,
    // the other at 90%) would say 95%.
    renderer.update(event({ id: 'download_queue', type: 'QUEUE', percent: 37.4, current: 1, total: 2, message: '1 to go, 1 done, 0 failed' }), undefined);
    renderer.update(event({ id: 'download_X_1_2', type: 'DOWNLOAD', percent: 90, current: 90, total: 100 }), undefined);
    renderer.close();
    const queueLines = out
      .text()
      .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '\n')
      .split('\n')
      .filter((l) => l.includes('Queue') && l.includes('to go'));
    expect(queueLines.length).toBeGreaterThan(0);
    expect(queueLines.at(-1)).toMatch(/ 37% 1 to go, 1 done, 0 failed/);
  });
});
