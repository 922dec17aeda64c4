import type { ProgressEvent, ProgressRecord } from '../services/progress-types.js';
import type { Db } from './database.js';
import type {
  CursorCheck,
  JournalBatch,
  JournalListener,
  ProgressJournal,
  ProgressStateReader,
} from './progress-journal.js';
import type { EventLog, HistoryPage, HistoryQuery, ProgressPersistence, ProgressStore } from './progress-store.js';
import { createSqlitePersistence } from './sqlite-progress-store.js';

const CURSOR_PATTERN = /^\d{1,15}$/;

/** A journal whose every operation completes in the caller's turn (SQLite). */
export interface SyncJournal {
  appendNow(batch: JournalBatch): ProgressEvent[];
  checkCursorNow(cursor: string): CursorCheck;
  readAfterNow(after: number, limit: number): ProgressEvent[];
  readonly store: ProgressStore;
}

/**
 * The embedded journal: one SQLite file, one process. A batch is one transaction; listeners
 * are called in the appending turn, right after the commit, so a subscriber registered in a
 * synchronous turn never misses or doubles an event. Positions are 1, 2, 3… and the cursor
 * is the position itself.
 */
export class SqliteJournal implements ProgressJournal, ProgressStateReader, SyncJournal {
  readonly backend = 'sqlite' as const;
  readonly identity = 'sqlite';
  readonly log: EventLog;
  readonly store: ProgressStore;
  private readonly persistence: ProgressPersistence;
  private readonly listeners = new Set<JournalListener>();
  private seq: number;

  /** Over the tables of `persistence` (tests wrap it to make writes fail). */
  constructor(persistence: ProgressPersistence) {
    this.persistence = persistence;
    this.log = persistence.eventLog;
    this.store = persistence.store;
    this.seq = this.log.bounds().newest ?? 0;
  }

  static open(db: Db): SqliteJournal {
    return new SqliteJournal(createSqlitePersistence(db));
  }

  get head(): number {
    return this.seq;
  }

  cursorOf(seq: number): string {
    return String(seq);
  }

  /** Synchronous, as everything here: the service's in-turn paths rely on it. */
  checkCursorNow(cursor: string): CursorCheck {
    if (!CURSOR_PATTERN.test(cursor)) return { ok: false, reason: 'malformed' };
    const seq = Number(cursor);
    if (seq > this.seq) return { ok: false, reason: 'ahead', newest: this.seq };
    const { oldest } = this.log.bounds();
    // Resuming from `seq` needs seq + 1 onwards; the log holds oldest..newest.
    if (oldest !== null && seq < oldest - 1) return { ok: false, reason: 'expired', oldest };
    return { ok: true, seq };
  }

  checkCursor(cursor: string): Promise<CursorCheck> {
    return Promise.resolve(this.checkCursorNow(cursor));
  }

  /** Writes and publishes in this turn; the promise is already settled. */
  appendNow(batch: JournalBatch): ProgressEvent[] {
    const events: ProgressEvent[] = batch.events.map((e, i) => {
      const seq = this.seq + 1 + i;
      return { ...e, seq, cursor: String(seq) };
    });
    this.persistence.atomically(() => {
      this.log.append(events);
      this.store.finish(batch.finished);
      this.store.saveActive(batch.active);
      if (batch.prune) {
        this.log.prune(batch.prune.events);
        this.store.pruneHistory(batch.prune.history);
      }
    });
    this.seq += events.length;
    this.publish(events);
    return events;
  }

  /**
   * Publishes events that could not be written (the disk failed): live subscribers keep
   * getting progress; the log has a hole where they are.
   */
  publishUnwritten(batch: JournalBatch): ProgressEvent[] {
    const events: ProgressEvent[] = batch.events.map((e, i) => {
      const seq = this.seq + 1 + i;
      return { ...e, seq, cursor: String(seq) };
    });
    this.seq += events.length;
    this.publish(events);
    return events;
  }

  private publish(events: readonly ProgressEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.listeners) listener(events);
  }

  append(batch: JournalBatch): Promise<ProgressEvent[]> {
    try {
      return Promise.resolve(this.appendNow(batch));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  readAfterNow(after: number, limit: number): ProgressEvent[] {
    return this.log.readAfter(after, limit);
  }

  readAfter(after: number, limit: number): Promise<ProgressEvent[]> {
    return Promise.resolve(this.log.readAfter(after, limit));
  }

  bounds(): Promise<{ oldest: number | null; newest: number | null }> {
    return Promise.resolve(this.log.bounds());
  }

  listen(listener: JournalListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  loadActive(): Promise<ProgressRecord[]> {
    return Promise.resolve(this.store.loadActive());
  }

  history(query: HistoryQuery): Promise<HistoryPage> {
    return Promise.resolve(this.store.history(query));
  }

  latestFinished(id: string): Promise<ProgressRecord | null> {
    return Promise.resolve(this.store.latestFinished(id));
  }

  close(): Promise<void> {
    this.listeners.clear();
    return Promise.resolve();
  }
}
