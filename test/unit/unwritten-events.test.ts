/**
 * Progress produced while the journal cannot be written (Redis away) waits in a bounded buffer
 * conflated per progress id: the latest update of each operation and every start, status
 * change and finish are kept; in-between updates that would grow it past its cap are dropped
 * and counted. Checked on its own and through ProgressService against a real redis-server
 * that is stopped and started again.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessPubSub } from '../../src/services/progress-pubsub.js';
import { ProgressService } from '../../src/services/progress-service.js';
import { UnwrittenEvents } from '../../src/services/unwritten-events.js';
import { entry, record, redisBackend, silent, type Backend } from '../helpers/journal-backends.js';
import { HAVE_REDIS, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';

const states = (events: ReadonlyArray<{ progress: { id: string; status: string; current: number } }>, id: string) =>
  events.filter((e) => e.progress.id === id).map((e) => `${e.progress.status}:${e.progress.current}`);

describe('UnwrittenEvents', () => {
  it('keeps starts, status changes, finishes and the latest update of each id, in order', () => {
    const buffer = new UnwrittenEvents(100);
    buffer.push(entry(record('a', 'DOWNLOAD', 'PENDING')));
    buffer.push(entry(record('b', 'DOWNLOAD', 'IN_PROGRESS')));
    for (let i = 1; i <= 50; i++) buffer.push(entry(record('a', 'DOWNLOAD', 'PENDING', { current: i })));
    buffer.push(entry(record('a', 'DOWNLOAD', 'IN_PROGRESS', { current: 51 })));
    for (let i = 1; i <= 50; i++) buffer.push(entry(record('b', 'DOWNLOAD', 'IN_PROGRESS', { current: i })));
    for (let i = 52; i <= 60; i++) buffer.push(entry(record('a', 'DOWNLOAD', 'IN_PROGRESS', { current: i })));
    buffer.push(entry(record('a', 'DOWNLOAD', 'COMPLETED', { current: 60 })));
    const held = buffer.take(Infinity);
    expect(states(held, 'a')).toEqual(['PENDING:0', 'PENDING:50', 'IN_PROGRESS:51', 'IN_PROGRESS:60', 'COMPLETED:60']);
    expect(states(held, 'b')).toEqual(['IN_PROGRESS:0', 'IN_PROGRESS:50']);
    expect(buffer.takeDropped()).toBe(0);
  });

  it('past its cap drops in-between updates that need a new slot (counted), never a transition', () => {
    const buffer = new UnwrittenEvents(3);
    for (const id of ['a', 'b', 'c', 'd']) buffer.push(entry(record(id)));
    expect(buffer.size).toBe(4);
    // a's update would need a slot of its own (its start stays): dropped.
    expect(buffer.push(entry(record('a', 'DOWNLOAD', 'IN_PROGRESS', { current: 1 })))).toBe(false);
    expect(buffer.push(entry(record('a', 'DOWNLOAD', 'FAILED', { current: 1 })))).toBe(true);
    expect(buffer.takeDropped()).toBe(1);
    expect(states(buffer.take(Infinity), 'a')).toEqual(['IN_PROGRESS:0', 'FAILED:1']);
  });

  it('while the journal keeps up (not conflating) every event is kept, until the cap', () => {
    const buffer = new UnwrittenEvents(5);
    buffer.conflating = false;
    for (let i = 0; i <= 3; i++) buffer.push(entry(record('a', 'DOWNLOAD', 'IN_PROGRESS', { current: i })));
    expect(buffer.size).toBe(4);
    // At the cap it conflates anyway: the newest update takes the place of the one before.
    buffer.push(entry(record('a', 'DOWNLOAD', 'IN_PROGRESS', { current: 4 })));
    buffer.push(entry(record('a', 'DOWNLOAD', 'IN_PROGRESS', { current: 5 })));
    expect(states(buffer.take(Infinity), 'a')).toEqual(['IN_PROGRESS:0', 'IN_PROGRESS:1', 'IN_PROGRESS:2', 'IN_PROGRESS:3', 'IN_PROGRESS:5']);
    expect(buffer.takeDropped()).toBe(0);
  });

  it('a failed write goes back in front of what came since, conflated with it', () => {
    const buffer = new UnwrittenEvents(100);
    buffer.push(entry(record('a')));
    buffer.push(entry(record('a', 'DOWNLOAD', 'IN_PROGRESS', { current: 1 })));
    const inFlight = buffer.take(10);
    buffer.push(entry(record('a', 'DOWNLOAD', 'IN_PROGRESS', { current: 2 })));
    buffer.push(entry(record('a', 'DOWNLOAD', 'IN_PROGRESS', { current: 3 })));
    buffer.putBack(inFlight);
    expect(states(buffer.take(Infinity), 'a')).toEqual(['IN_PROGRESS:0', 'IN_PROGRESS:3']);
    // At the cap, what goes back is not dropped: it was accepted already.
    const full = new UnwrittenEvents(3);
    full.push(entry(record('a')));
    full.push(entry(record('a', 'DOWNLOAD', 'IN_PROGRESS', { current: 1 })));
    full.push(entry(record('b')));
    full.push(entry(record('c')));
    // Takes the place of a's first update, at the end: behind three starts, past the cap.
    full.push(entry(record('a', 'DOWNLOAD', 'IN_PROGRESS', { current: 2 })));
    full.putBack(full.take(Infinity));
    expect(states(full.take(Infinity), 'a')).toEqual(['IN_PROGRESS:0', 'IN_PROGRESS:2']);
    expect(full.takeDropped()).toBe(0);
  });
});

describe.skipIf(!HAVE_REDIS)('progress while Redis is away (real redis-server, stopped and started)', () => {
  let redis: RedisServer;
  let backend: Backend;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.dispose();
  });
  afterEach(async () => {
    await backend?.cleanup();
  });

  it('holds a bounded, conflated buffer and writes it, transitions and latest states in order, once Redis is back', { timeout: 60_000 }, async () => {
    backend = redisBackend(() => redis, 'pubsub', 'buffer:');
    const journal = await backend.open();
    const progress = new ProgressService({ journal, pubsub: createInProcessPubSub(), logger: silent, throttleMs: 0, maxUnwrittenEvents: 10 });
    await progress.open();
    progress.startProgress('download_before', 'DOWNLOAD', 'before');
    await progress.settled();

    await redis.stop();
    const updates = 500;
    for (const id of ['a', 'b', 'c']) progress.startProgress(`download_${id}`, 'DOWNLOAD', id, { total: updates * 10 });
    for (let i = 1; i <= updates; i++) {
      for (const id of ['a', 'b', 'c']) progress.updateProgress(`download_${id}`, { current: i, forceBroadcast: true });
      // One turn per round, as a download reports: each round is its own flush.
      await new Promise((r) => setImmediate(r));
    }
    progress.completeProgress('download_a');
    progress.failProgress('download_b', 'catalog gone');
    progress.flush();
    // a: start, latest, complete; b: start, latest, fail (and its error_ record); c: start, latest.
    await waitFor(() => progress.unwrittenStats().held === 9, { timeout: 5_000 });
    // Past the cap (10): new starts are kept, in-between updates that need a slot are dropped.
    for (const id of ['d', 'e', 'f']) progress.startProgress(`download_${id}`, 'DOWNLOAD', id);
    for (let i = 1; i <= 20; i++) {
      progress.updateProgress('download_d', { current: i, forceBroadcast: true });
      await new Promise((r) => setImmediate(r));
    }
    // c's latest update takes the place of the one held: nothing dropped for it.
    progress.updateProgress('download_c', { current: updates + 1, forceBroadcast: true });
    progress.flush();
    await waitFor(() => progress.unwrittenStats().held === 12, { timeout: 5_000 });
    expect(progress.unwrittenStats().dropped).toBe(20);

    await redis.start();
    await progress.settled();
    const logged = (await journal.readAfter(0, 10_000)).filter((e) => e.progress.id !== 'download_before');
    expect(states(logged, 'download_a')).toEqual(['IN_PROGRESS:0', `IN_PROGRESS:${updates}`, `COMPLETED:${updates}`]);
    expect(states(logged, 'download_b')).toEqual(['IN_PROGRESS:0', `IN_PROGRESS:${updates}`, `FAILED:${updates}`]);
    expect(states(logged, 'download_c')).toEqual(['IN_PROGRESS:0', `IN_PROGRESS:${updates + 1}`]);
    expect(states(logged, 'download_d')).toEqual(['IN_PROGRESS:0']);
    expect(states(logged, 'error_download_b')).toEqual(['FAILED:0']);
    expect(logged).toHaveLength(12);
    expect(progress.unwrittenStats().held).toBe(0);
    await progress.closeAndSettle();
  });
});
