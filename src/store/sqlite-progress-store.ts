import type { Db } from './database.js';
import type { EventLog, HistoryPage, HistoryQuery, LogEpoch, ProgressPersistence, ProgressStore } from './progress-store.js';
import { formatCursor, newEpoch } from '../domain/event-cursor.js';
import type { ProgressEvent, ProgressRecord } from '../domain/progress-types.js';

type EventPayload = Omit<ProgressEvent, 'seq' | 'cursor' | 'missed'>;

export class SqliteEventLog implements EventLog {
  private readonly insert;
  private readonly selectAfter;
  private readonly selectBounds;
  private readonly deleteUpTo;
  private readonly writeEpoch;
  private current: LogEpoch;
  /** The current epoch is not in the database yet: the next append writes it first. */
  private epochUnwritten = false;

  constructor(db: Db) {
    this.writeEpoch = db.prepare<[string, number]>(
      'INSERT INTO event_log_epoch (id, epoch, since) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET epoch = excluded.epoch, since = excluded.since',
    );
    this.insert = db.prepare<[number, string, string, string]>(
      'INSERT INTO events (seq, progress_id, progress_type, payload) VALUES (?, ?, ?, ?)',
    );
    this.selectAfter = db.prepare<[number, number], { seq: number; payload: string }>(
      'SELECT seq, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    this.selectBounds = db.prepare<[], { oldest: number | null; newest: number | null }>(
      'SELECT MIN(seq) AS oldest, MAX(seq) AS newest FROM events',
    );
    this.deleteUpTo = db.prepare<[number]>('DELETE FROM events WHERE seq <= ?');
    const stored = db.prepare<[], LogEpoch>('SELECT epoch AS id, since FROM event_log_epoch WHERE id = 1').get();
    if (stored) {
      this.current = { id: stored.id, since: stored.since };
    } else {
      // A new database (or one from before epochs): its own epoch, so no cursor of another
      // log resumes here.
      this.current = { id: newEpoch(), since: this.bounds().newest ?? 0 };
      this.writeEpoch.run(this.current.id, this.current.since);
    }
  }

  get epoch(): LogEpoch {
    return this.current;
  }

  renewEpoch(since: number): LogEpoch {
    // Recorded with the next append, in its transaction: a write that just failed (a locked
    // or full disk) would most likely fail again now, after blocking for the busy timeout.
    this.current = { id: newEpoch(), since };
    this.epochUnwritten = true;
    return this.current;
  }

  append(events: readonly ProgressEvent[]): void {
    if (this.epochUnwritten) {
      this.writeEpoch.run(this.current.id, this.current.since);
      this.epochUnwritten = false;
    }
    for (const e of events) {
      const payload: EventPayload = { type: e.type, room: e.room, progress: e.progress };
      this.insert.run(e.seq, e.progress.id, e.progress.type, JSON.stringify(payload));
    }
  }

  /**
   * Cursors are of the current epoch; events from before it (seq <= epoch.since) thus get
   * cursors that the service refuses, never ones that resume elsewhere.
   */
  readAfter(after: number, limit: number): ProgressEvent[] {
    return this.selectAfter.all(after, limit).map(({ seq, payload }) => {
      const p = JSON.parse(payload) as EventPayload;
      return { seq, cursor: formatCursor(this.current.id, seq), type: p.type, room: p.room, progress: p.progress, missed: 0 };
    });
  }

  bounds(): { oldest: number | null; newest: number | null } {
    return this.selectBounds.get() ?? { oldest: null, newest: null };
  }

  prune(keep: number): number {
    const { newest } = this.bounds();
    return newest === null ? 0 : this.deleteUpTo.run(newest - keep).changes;
  }
}

export class SqliteProgressStore implements ProgressStore {
  private readonly db: Db;
  private readonly selectActive;
  private readonly upsertActive;
  private readonly deleteActive;
  private readonly insertHistory;
  private readonly selectLatest;
  private readonly deleteHistoryUpTo;
  private readonly selectMaxHid;

  constructor(db: Db) {
    this.db = db;
    this.selectActive = db.prepare<[], { payload: string }>('SELECT payload FROM active_progress');
    this.upsertActive = db.prepare<[string, string]>(
      'INSERT INTO active_progress (id, payload) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET payload = excluded.payload',
    );
    this.deleteActive = db.prepare<[string]>('DELETE FROM active_progress WHERE id = ?');
    this.insertHistory = db.prepare<[string, string, string, string]>(
      'INSERT INTO progress_history (id, type, status, payload) VALUES (?, ?, ?, ?)',
    );
    this.selectLatest = db.prepare<[string], { payload: string }>(
      'SELECT payload FROM progress_history WHERE id = ? ORDER BY hid DESC LIMIT 1',
    );
    this.deleteHistoryUpTo = db.prepare<[number]>('DELETE FROM progress_history WHERE hid <= ?');
    this.selectMaxHid = db.prepare<[], { hid: number | null }>('SELECT MAX(hid) AS hid FROM progress_history');
  }

  loadActive(): ProgressRecord[] {
    return this.selectActive.all().map((r) => JSON.parse(r.payload) as ProgressRecord);
  }

  saveActive(records: readonly ProgressRecord[]): void {
    for (const r of records) this.upsertActive.run(r.id, JSON.stringify(r));
  }

  finish(records: readonly ProgressRecord[]): void {
    for (const r of records) {
      this.deleteActive.run(r.id);
      this.insertHistory.run(r.id, r.type, r.status, JSON.stringify(r));
    }
  }

  history(query: HistoryQuery): HistoryPage {
    const where: string[] = [];
    const params: unknown[] = [];
    // Each distinct value once: the SQL has a bounded number of shapes (statements are kept per text).
    const types = [...new Set(query.types ?? [])];
    const statuses = [...new Set(query.statuses ?? [])];
    if (types.length) {
      where.push(`type IN (${types.map(() => '?').join(',')})`);
      params.push(...types);
    }
    if (statuses.length) {
      where.push(`status IN (${statuses.map(() => '?').join(',')})`);
      params.push(...statuses);
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const totalCount = (this.db.prepare(`SELECT COUNT(*) AS n FROM progress_history ${filter}`).get(...params) as {
      n: number;
    }).n;
    const page = [...where];
    const pageParams = [...params];
    if (query.before != null) {
      page.push('hid < ?');
      pageParams.push(query.before);
    }
    const rows = this.db
      .prepare(
        `SELECT hid, payload FROM progress_history ${page.length ? `WHERE ${page.join(' AND ')}` : ''} ORDER BY hid DESC LIMIT ?`,
      )
      .all(...pageParams, query.limit + 1) as Array<{ hid: number; payload: string }>;
    return {
      entries: rows
        .slice(0, query.limit)
        .map((r) => ({ key: r.hid, record: JSON.parse(r.payload) as ProgressRecord })),
      totalCount,
      hasMore: rows.length > query.limit,
    };
  }

  latestFinished(id: string): ProgressRecord | null {
    const row = this.selectLatest.get(id);
    return row ? (JSON.parse(row.payload) as ProgressRecord) : null;
  }

  pruneHistory(keep: number): number {
    const max = this.selectMaxHid.get()?.hid;
    return max == null ? 0 : this.deleteHistoryUpTo.run(max - keep).changes;
  }
}

export function createSqlitePersistence(db: Db): ProgressPersistence {
  return {
    eventLog: new SqliteEventLog(db),
    store: new SqliteProgressStore(db),
    atomically: (fn) => db.transaction(fn)(),
  };
}
