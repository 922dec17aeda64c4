import { formatCursor, newEpoch, parseCursor } from '../domain/event-cursor.js';
import type { ProgressEvent, ProgressRecord } from '../domain/progress-types.js';
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

/** A journal whose every operation completes in the caller's turn (SQLite). */
export interface SyncJournal {
  appendNow(batch: JournalBatch): ProgressEvent[];
  /** After a failed appendNow: the events, published with cursors of a new epoch. */
  publishUnwritten(batch: JournalBatch): ProgressEvent[];
  takePruned(): { events: number; history: number };
  /** Runs `writer` with every batch inside the transaction that appends it (see ProgressService.addJournalWriter). */
  addWriter(writer: (events: readonly ProgressEvent[]) => void): () => void;
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
  readonly log: EventLog;
  readonly store: ProgressStore;
  private readonly persistence: ProgressPersistence;
  private readonly listeners = new Set<JournalListener>();
  private seq: number;
  private pruned = { events: 0, history: 0 };
  private readonly writers = new Set<(events: readonly ProgressEvent[]) => void>();

  /** Over the tables of `persistence` (tests wrap it to make writes fail). */
  constructor(persistence: ProgressPersistence) {
    this.persistence = persistence;
    this.log = persistence.eventLog;
    this.store = persistence.store;
    // An epoch may begin past the newest event kept (renewed after a failed write): seqs
    // already handed out in it are never issued again.
    this.seq = Math.max(this.log.bounds().newest ?? 0, this.log.epoch.since);
  }

  /** The log's epoch (see EventLog): cursors are `<epoch>:<seq>`. */
  get identity(): string {
    return this.log.epoch.id;
  }

  static open(db: Db): SqliteJournal {
    return new SqliteJournal(createSqlitePersistence(db));
  }

  get head(): number {
    return this.seq;
  }

  cursorOf(seq: number): string {
    return formatCursor(this.log.epoch.id, seq);
  }

  /** Synchronous, as everything here: the service's in-turn paths rely on it. */
  checkCursorNow(cursor: string): CursorCheck {
    const position = parseCursor(cursor);
    if (!position) return { ok: false, reason: 'malformed' };
    const epoch = this.log.epoch;
    if (position.epoch !== epoch.id || position.seq < epoch.since) {
      // Another database, or from before a failed write: resuming it would skip or mix events.
      return { ok: false, reason: 'expired', oldest: null, lost: true };
    }
    const seq = position.seq;
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
  private positioned(batch: JournalBatch, epoch: string): ProgressEvent[] {
    return batch.events.map((e, i) => {
      const seq = this.seq + 1 + i;
      return { ...e, seq, cursor: formatCursor(epoch, seq), missed: 0 };
    });
  }

  appendNow(batch: JournalBatch): ProgressEvent[] {
    const events = this.positioned(batch, this.log.epoch.id);
    let pruned = { events: 0, history: 0 };
    this.persistence.atomically(() => {
      this.log.append(events);
      for (const writer of this.writers) writer(events);
      this.store.finish(batch.finished);
      this.store.saveActive(batch.active);
      if (batch.prune) {
        pruned = { events: this.log.prune(batch.prune.events), history: this.store.pruneHistory(batch.prune.history) };
      }
    });
    // Counted only once committed: a rolled-back pruning removed nothing.
    this.pruned.events += pruned.events;
    this.pruned.history += pruned.history;
    this.seq += events.length;
    this.publish(events);
    return events;
  }

  /**
   * Publishes events that could not be written (the disk failed): live subscribers keep
   * getting progress, with cursors of an epoch no log will ever have (a resume from one is
   * CURSOR_EXPIRED, never a jump into other events), and the log starts a new epoch after
   * them, so cursors from before the hole expire too.
   */
  publishUnwritten(batch: JournalBatch): ProgressEvent[] {
    const events = this.positioned(batch, newEpoch());
    this.seq += events.length;
    this.log.renewEpoch(this.seq);
    this.publish(events);
    return events;
  }

  addWriter(writer: (events: readonly ProgressEvent[]) => void): () => void {
    this.writers.add(writer);
    return () => this.writers.delete(writer);
  }

  takePruned(): { events: number; history: number } {
    const out = this.pruned;
    this.pruned = { events: 0, history: 0 };
    return out;
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
