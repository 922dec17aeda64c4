import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/domain/progress-types.js';
import {
  REDIS_MODES,
  entry,
  record,
  redisBackend,
  sqliteBackend,
  type Backend,
  type Journal,
} from '../helpers/journal-backends.js';
import { HAVE_REDIS, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';

let redis: RedisServer;
let prefixes = 0;
beforeAll(async () => {
  if (HAVE_REDIS) redis = await startRedis();
});
afterAll(async () => {
  await redis?.dispose();
});

const makers: Array<[string, () => Backend]> = [
  ['sqlite', () => sqliteBackend()],
  ...REDIS_MODES.map((mode): [string, () => Backend] => [`redis (${mode})`, () => redisBackend(() => redis, mode, `j${++prefixes}:`)]),
];

/** Collects what a journal delivers live. */
function collect(journal: Journal): ProgressEvent[] {
  const got: ProgressEvent[] = [];
  journal.listen((events) => got.push(...events));
  return got;
}

describe.each(makers)('ProgressJournal on %s', (_name, make) => {
  let backend: Backend;
  afterEach(async () => {
    await backend?.cleanup();
  });

  it('gives consecutive positions, delivers them live in order, and pages replays', async () => {
    backend = make();
    const journal = await backend.open();
    const live = collect(journal);
    expect(await journal.bounds()).toEqual({ oldest: null, newest: null });
    const first = await journal.append({ events: [entry(record('a')), entry(record('b'))], active: [], finished: [] });
    const second = await journal.append({ events: [entry(record('c', 'SCAN'))], active: [], finished: [] });
    expect([...first, ...second].map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(new Set([...first, ...second].map((e) => e.cursor)).size).toBe(3);
    expect(first[0]!.cursor).toBe(journal.cursorOf(1));
    await waitFor(() => live.length === 3, { message: 'three live events' });
    expect(live.map((e) => [e.seq, e.cursor, e.progress.id])).toEqual([
      [1, first[0]!.cursor, 'a'],
      [2, first[1]!.cursor, 'b'],
      [3, second[0]!.cursor, 'c'],
    ]);
    expect(journal.head).toBe(3);
    expect(await journal.bounds()).toEqual({ oldest: 1, newest: 3 });
    const replay = await journal.readAfter(1, 1);
    expect(replay.map((e) => [e.seq, e.cursor, e.type, e.room, e.progress.id])).toEqual([
      [2, first[1]!.cursor, 'download_progress', 'downloads', 'b'],
    ]);
    expect((await journal.readAfter(0, 10)).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(await journal.readAfter(3, 10)).toEqual([]);
  });

  it('writes the active set and history in the same batch as the events', async () => {
    backend = make();
    const journal = await backend.open();
    const a = record('a');
    const b = record('b', 'SCAN');
    await journal.append({ events: [entry(a), entry(b)], active: [a, b], finished: [] });
    expect((await journal.loadActive()).map((r) => r.id).sort()).toEqual(['a', 'b']);
    const aDone = record('a', 'DOWNLOAD', 'COMPLETED', { percent: 100 });
    const bFailed = record('b', 'SCAN', 'FAILED', { error: 'boom' });
    await journal.append({ events: [entry(aDone), entry(bFailed)], active: [], finished: [aDone, bFailed] });
    expect(await journal.loadActive()).toEqual([]);
    expect(await journal.latestFinished('a')).toEqual(aDone);
    expect(await journal.latestFinished('nope')).toBeNull();
    const all = await journal.history({ limit: 10 });
    expect(all.totalCount).toBe(2);
    expect(all.entries.map((e) => e.record.id)).toEqual(['b', 'a']);
    const failed = await journal.history({ statuses: ['FAILED'], limit: 10 });
    expect(failed.entries.map((e) => e.record.error)).toEqual(['boom']);
    expect(failed.totalCount).toBe(1);
    const scans = await journal.history({ types: ['SCAN'], statuses: ['COMPLETED'], limit: 10 });
    expect(scans).toEqual({ entries: [], totalCount: 0, hasMore: false });
  });

  it('pages history newest first with before/limit and prunes to the newest entries', async () => {
    backend = make();
    const journal = await backend.open();
    for (let i = 1; i <= 7; i++) {
      const r = record(`op${i}`, i % 2 ? 'DOWNLOAD' : 'SCAN', 'COMPLETED');
      await journal.append({ events: [entry(r)], active: [], finished: [r] });
    }
    const page1 = await journal.history({ limit: 3 });
    expect(page1.entries.map((e) => e.record.id)).toEqual(['op7', 'op6', 'op5']);
    expect(page1.hasMore).toBe(true);
    const page2 = await journal.history({ limit: 3, before: page1.entries[2]!.key });
    expect(page2.entries.map((e) => e.record.id)).toEqual(['op4', 'op3', 'op2']);
    const downloads = await journal.history({ types: ['DOWNLOAD'], limit: 2 });
    expect(downloads.entries.map((e) => e.record.id)).toEqual(['op7', 'op5']);
    expect(downloads.totalCount).toBe(4);
    const r = record('op8', 'SCAN', 'COMPLETED');
    await journal.append({ events: [entry(r)], active: [], finished: [r], prune: { events: 10_000, history: 3 } });
    const kept = await journal.history({ limit: 10 });
    expect(kept.entries.map((e) => e.record.id)).toEqual(['op8', 'op7', 'op6']);
    expect(kept.totalCount).toBe(3);
    expect((await journal.history({ types: ['SCAN'], limit: 10 })).totalCount).toBe(2);
  });

  it('checks cursors: its own are good, garbage is malformed, a future one is ahead', async () => {
    backend = make();
    const journal = await backend.open();
    const [e1, e2] = await journal.append({ events: [entry(record('a')), entry(record('b'))], active: [], finished: [] });
    expect(await journal.checkCursor(e1!.cursor)).toEqual({ ok: true, seq: 1 });
    expect(await journal.checkCursor(e2!.cursor)).toEqual({ ok: true, seq: 2 });
    expect(await journal.checkCursor(journal.cursorOf(0))).toEqual({ ok: true, seq: 0 });
    expect(await journal.checkCursor('not a cursor')).toEqual({ ok: false, reason: 'malformed' });
    expect(await journal.checkCursor(journal.cursorOf(99))).toMatchObject({ ok: false, reason: 'ahead', newest: 2 });
  });

  it('keeps at least 10,000 events and expires cursors older than what it keeps', async () => {
    backend = make();
    const journal = await backend.open();
    const total = 10_600;
    const batch = 500;
    const r = record('x');
    for (let n = 0; n < total; n += batch) {
      await journal.append({
        events: Array.from({ length: Math.min(batch, total - n) }, () => entry(r)),
        active: [],
        finished: [],
        prune: { events: 10_000, history: 5_000 },
      });
    }
    const { oldest, newest } = await journal.bounds();
    expect(newest).toBe(total);
    expect(newest! - oldest! + 1).toBeGreaterThanOrEqual(10_000);
    expect(await journal.checkCursor(journal.cursorOf(total - 10_000))).toEqual({ ok: true, seq: total - 10_000 });
    expect(await journal.checkCursor(journal.cursorOf(oldest! - 2))).toMatchObject({ ok: false, reason: 'expired' });
    const replay = await journal.readAfter(total - 10_000, 20_000);
    expect(replay.length).toBe(10_000);
    expect(replay[0]!.seq).toBe(total - 10_000 + 1);
  });
});

describe.each(REDIS_MODES)('RedisJournal shared by several instances (%s)', (mode) => {
  let backend: Backend;
  afterEach(async () => {
    await backend?.cleanup();
  });

  it('gives three instances one order: the same events, cursors and order live on each', async () => {
    backend = redisBackend(() => redis, mode, `shared${++prefixes}:`);
    const journals = [await backend.open(), await backend.open(), await backend.open()];
    const seen = journals.map(collect);
    const writes: Array<Promise<ProgressEvent[]>> = [];
    for (let i = 0; i < 60; i++) {
      const j = journals[i % 3]!;
      writes.push(j.append({ events: [entry(record(`w${i % 3}_${i}`)), entry(record(`w${i % 3}_${i}b`))], active: [], finished: [] }));
    }
    const written = (await Promise.all(writes)).flat().sort((a, b) => a.seq - b.seq);
    expect(written.map((e) => e.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    await waitFor(() => seen.every((s) => s.length === 120), { timeout: 5_000, message: '120 events on every instance' });
    const shape = (s: ProgressEvent[]) => s.map((e) => `${e.cursor}:${e.progress.id}`);
    expect(shape(seen[0]!)).toEqual(shape(written));
    expect(shape(seen[1]!)).toEqual(shape(written));
    expect(shape(seen[2]!)).toEqual(shape(written));
    // A cursor from one instance resumes on another.
    const cursor = seen[0]![49]!.cursor;
    const check = await journals[2]!.checkCursor(cursor);
    expect(check).toEqual({ ok: true, seq: 50 });
    expect((await journals[1]!.readAfter(50, 1000)).map((e) => e.cursor)).toEqual(written.slice(50).map((e) => e.cursor));
  });

  it('keeps reading live across a Redis restart, with the same cursors (appendonly)', async () => {
    const server = await startRedis();
    try {
      backend = redisBackend(() => server, mode, 'restart:');
      const [a, b] = [await backend.open(), await backend.open()];
      const seenB = collect(b);
      const before = await a.append({ events: [entry(record('one'))], active: [], finished: [] });
      await waitFor(() => seenB.length === 1, { message: 'first event on b' });
      await server.stop();
      await server.start();
      // Appends fail while it is down and work again once the connection is back.
      let after: ProgressEvent[] = [];
      const deadline = Date.now() + 10_000;
      for (;;) {
        try {
          after = await a.append({ events: [entry(record('two'))], active: [], finished: [] });
          break;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      expect(after[0]!.seq).toBe(2);
      expect(after[0]!.cursor.split(':')[0]).toBe(before[0]!.cursor.split(':')[0]);
      await waitFor(() => seenB.length === 2, { timeout: 10_000, message: 'event after the restart on b' });
      expect(seenB.map((e) => e.cursor)).toEqual([before[0]!.cursor, after[0]!.cursor]);
      expect(await b.checkCursor(before[0]!.cursor)).toEqual({ ok: true, seq: 1 });
    } finally {
      await backend.cleanup();
      await server.dispose();
    }
  });

  it('expires every old cursor when Redis comes back without its data, and never reuses one', async () => {
    const server = await startRedis(['--appendonly', 'no']);
    try {
      backend = redisBackend(() => server, mode, 'lost:');
      const [a, b] = [await backend.open(), await backend.open()];
      const seenB = collect(b);
      const old = await a.append({ events: [entry(record('one')), entry(record('two'))], active: [], finished: [] });
      await waitFor(() => seenB.length === 2, { message: 'events before the loss on b' });
      await server.kill();
      await server.start();
      const deadline = Date.now() + 10_000;
      let fresh: ProgressEvent[] = [];
      for (;;) {
        try {
          fresh = await a.append({ events: [entry(record('three'))], active: [], finished: [] });
          break;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      // Positions go on rising; the cursor names the new log.
      expect(fresh[0]!.seq).toBeGreaterThan(2);
      expect(old.map((e) => e.cursor)).not.toContain(fresh[0]!.cursor);
      expect(await b.checkCursor(old[1]!.cursor)).toMatchObject({ ok: false, reason: 'expired' });
      await waitFor(() => seenB.length === 3, { timeout: 10_000, message: 'the new log live on b' });
      expect(seenB[2]!.cursor).toBe(fresh[0]!.cursor);
      expect(await b.checkCursor(fresh[0]!.cursor)).toEqual({ ok: true, seq: fresh[0]!.seq });
    } finally {
      await backend.cleanup();
      await server.dispose();
    }
  });
});
