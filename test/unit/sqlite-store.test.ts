import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { EVENT_TYPE_OF, ROOM_OF, type ProgressEvent, type ProgressRecord, type ProgressStatus, type ProgressType } from '../../src/domain/progress-types.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { SqliteEventLog, SqliteProgressStore, createSqlitePersistence } from '../../src/store/sqlite-progress-store.js';
import { tempDir } from '../helpers/progress-fixture.js';
import { record } from '../helpers/journal-backends.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function openTemp(): Db {
  const dir = tempDir('progress-sqlite-');
  const db = openDatabase(dir);
  cleanups.push(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return db;
}

/** A record as journal-backends builds it, never completed (what these tests store). */
const rec = (id: string, type: ProgressType = 'DOWNLOAD', status: ProgressStatus = 'IN_PROGRESS', extra: Partial<ProgressRecord> = {}): ProgressRecord =>
  record(id, type, status, { completedAt: null, ...extra });

function ev(seq: number, progress: ProgressRecord): ProgressEvent {
  return { seq, cursor: String(seq), missed: 0, type: EVENT_TYPE_OF[progress.type], room: ROOM_OF[progress.type], progress };
}

describe('openDatabase', () => {
  it('turns WAL mode on', () => {
    const db = openTemp();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });
});

describe('SqliteEventLog', () => {
  it('appends, reads after a seq in order with a limit, and reports bounds', () => {
    const log = new SqliteEventLog(openTemp());
    expect(log.bounds()).toEqual({ oldest: null, newest: null });
    expect(log.readAfter(0, 10)).toEqual([]);
    const events = [1, 2, 3, 4, 5].map((s) => ev(s, rec(`op${s}`, s % 2 ? 'SCAN' : 'DOWNLOAD', 'IN_PROGRESS', { current: s, metadata: { n: s } })));
    log.append(events);
    expect(log.bounds()).toEqual({ oldest: 1, newest: 5 });
    // Read back with cursors of the log's epoch.
    expect(log.readAfter(0, 10)).toEqual(events.map((e) => ({ ...e, cursor: `${log.epoch.id}:${e.seq}` })));
    expect(log.readAfter(2, 2).map((e) => e.seq)).toEqual([3, 4]);
    expect(log.readAfter(5, 10)).toEqual([]);
  });

  it('prune keeps the newest N', () => {
    const log = new SqliteEventLog(openTemp());
    expect(() => log.prune(3)).not.toThrow(); // empty
    log.append([1, 2, 3, 4, 5, 6].map((s) => ev(s, rec('a'))));
    log.prune(3);
    expect(log.bounds()).toEqual({ oldest: 4, newest: 6 });
    expect(log.readAfter(0, 10).map((e) => e.seq)).toEqual([4, 5, 6]);
    log.prune(10);
    expect(log.bounds()).toEqual({ oldest: 4, newest: 6 });
  });

  it('rejects a duplicate seq, and atomically() rolls back the whole batch', () => {
    const db = openTemp();
    const p = createSqlitePersistence(db);
    p.eventLog.append([ev(1, rec('a'))]);
    expect(() =>
      p.atomically(() => {
        p.eventLog.append([ev(2, rec('b'))]);
        p.store.saveActive([rec('b')]);
        p.eventLog.append([ev(1, rec('c'))]);
      }),
    ).toThrow();
    expect(p.eventLog.bounds()).toEqual({ oldest: 1, newest: 1 });
    expect(p.store.loadActive()).toEqual([]);
  });
});

describe('SqliteProgressStore', () => {
  it('saves (upserts) and loads active records; finish moves them to history', () => {
    const store = new SqliteProgressStore(openTemp());
    store.saveActive([rec('a'), rec('b')]);
    store.saveActive([rec('a', 'DOWNLOAD', 'IN_PROGRESS', { current: 9 })]);
    expect(store.loadActive().sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      rec('a', 'DOWNLOAD', 'IN_PROGRESS', { current: 9 }),
      rec('b'),
    ]);
    store.finish([rec('a', 'DOWNLOAD', 'COMPLETED', { completedAt: 5 })]);
    expect(store.loadActive().map((r) => r.id)).toEqual(['b']);
    expect(store.latestFinished('a')).toEqual(rec('a', 'DOWNLOAD', 'COMPLETED', { completedAt: 5 }));
    expect(store.latestFinished('b')).toBeNull();
  });

  it('latestFinished is the newest finished run of an id', () => {
    const store = new SqliteProgressStore(openTemp());
    store.finish([rec('a', 'DOWNLOAD', 'FAILED', { title: 'run 1' })]);
    store.finish([rec('a', 'DOWNLOAD', 'COMPLETED', { title: 'run 2' })]);
    expect(store.latestFinished('a')?.title).toBe('run 2');
  });

  function seeded() {
    const store = new SqliteProgressStore(openTemp());
    store.finish([
      rec('d1', 'DOWNLOAD', 'COMPLETED'),
      rec('s1', 'SCAN', 'FAILED'),
      rec('d2', 'DOWNLOAD', 'FAILED'),
      rec('d3', 'DOWNLOAD', 'COMPLETED'),
      rec('q1', 'QUEUE', 'CANCELLED'),
      rec('d4', 'DOWNLOAD', 'COMPLETED'),
    ]);
    return store;
  }

  it('history is newest first, with filters, totalCount and hasMore', () => {
    const store = seeded();
    const all = store.history({ limit: 10 });
    expect(all.entries.map((e) => e.record.id)).toEqual(['d4', 'q1', 'd3', 'd2', 's1', 'd1']);
    expect([all.totalCount, all.hasMore]).toEqual([6, false]);

    const downloads = store.history({ types: ['DOWNLOAD'], limit: 3 });
    expect(downloads.entries.map((e) => e.record.id)).toEqual(['d4', 'd3', 'd2']);
    expect([downloads.totalCount, downloads.hasMore]).toEqual([4, true]);

    const exact = store.history({ types: ['DOWNLOAD'], limit: 4 });
    expect(exact.hasMore).toBe(false);

    const failedOrCancelled = store.history({ statuses: ['FAILED', 'CANCELLED'], limit: 10 });
    expect(failedOrCancelled.entries.map((e) => e.record.id)).toEqual(['q1', 'd2', 's1']);

    const both = store.history({ types: ['DOWNLOAD', 'SCAN'], statuses: ['FAILED'], limit: 10 });
    expect(both.entries.map((e) => e.record.id)).toEqual(['d2', 's1']);
    expect(both.totalCount).toBe(2);
  });

  it('pages with before (exclusive key); totalCount ignores the page', () => {
    const store = seeded();
    const first = store.history({ types: ['DOWNLOAD'], limit: 2 });
    const second = store.history({ types: ['DOWNLOAD'], limit: 2, before: first.entries.at(-1)!.key });
    expect(second.entries.map((e) => e.record.id)).toEqual(['d2', 'd1']);
    expect([second.totalCount, second.hasMore]).toEqual([4, false]);
    const keys = [...first.entries, ...second.entries].map((e) => e.key);
    expect(keys).toEqual([...keys].sort((a, b) => b - a));
  });

  it('pruneHistory keeps the newest N entries', () => {
    const store = seeded();
    store.pruneHistory(2);
    const page = store.history({ limit: 10 });
    expect(page.entries.map((e) => e.record.id)).toEqual(['d4', 'q1']);
    expect(page.totalCount).toBe(2);
    expect(store.latestFinished('d1')).toBeNull();
  });
});
