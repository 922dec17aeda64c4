import type { ProgressEvent, ProgressRecord } from '../domain/progress-types.js';
import type { HistoryPage, HistoryQuery } from './progress-store.js';

/** An event as a producer hands it over: everything but its place in the log (and `missed`, per subscriber). */
export type JournalEntry = Omit<ProgressEvent, 'seq' | 'cursor' | 'missed'>;

/** One atomic write: events, plus what they do to the active set and the history. */
export interface JournalBatch {
  events: readonly JournalEntry[];
  /** Unfinished records to upsert in the active set (latest state per id). */
  active: readonly ProgressRecord[];
  /** Finished records: out of the active set, into history (each finish is one entry). */
  finished: readonly ProgressRecord[];
  /** Also drop all but the newest events / history entries (retention). */
  prune?: { events: number; history: number } | null;
}

/** What a cursor says once decoded against the journal it points into. */
export type CursorCheck =
  | { ok: true; seq: number }
  /** Not a cursor this service issues. */
  | { ok: false; reason: 'malformed' }
  /** A cursor of another log (`lost`: replaced, lost, or a failed write) or older than the log keeps. */
  | { ok: false; reason: 'expired'; oldest: number | null; lost?: boolean }
  /** Points past the newest event. */
  | { ok: false; reason: 'ahead'; newest: number };

/** Live delivery: a batch of events in log order, or the news that the log was replaced. */
export type JournalListener = (events: readonly ProgressEvent[]) => void;

/**
 * The one place that owns the event log behind cursors: it issues positions, writes batches
 * (events and the state they change, atomically), publishes them live in log order, and pages
 * replays. Every instance sharing the journal sees the same events with the same cursors in
 * the same order. Two implementations: SQLite (one process; writes and publishes in the
 * caller's turn) and Redis Streams (several instances).
 */
export interface ProgressJournal {
  readonly backend: 'sqlite' | 'redis';
  /**
   * Seq of the last event this instance has delivered live: a subscriber registered now gets
   * every later event live, and replays up to here from the log.
   */
  readonly head: number;
  /** The log's identity: it changes when the log is lost or replaced (then old cursors expire). */
  readonly identity: string;
  /** The cursor string of an event of this log. */
  cursorOf(seq: number): string;
  /** Decodes a client's cursor against this log (identity, retention, newest). */
  checkCursor(cursor: string): Promise<CursorCheck>;
  /**
   * Writes the batch in one transaction, giving its events the next positions. Listeners
   * (on every instance) get them in log order; resolves with the positioned events once
   * they are durable.
   */
  append(batch: JournalBatch): Promise<ProgressEvent[]>;
  /** Events with `seq > after`, oldest first, at most `limit`. */
  readAfter(after: number, limit: number): Promise<ProgressEvent[]>;
  /** The oldest and newest seq kept; both null while the log is empty. */
  bounds(): Promise<{ oldest: number | null; newest: number | null }>;
  /** What pruning removed since the last call (for system_maintenance); counts only. */
  takePruned(): { events: number; history: number };
  /** Registers a live listener (at once, not lazily). Must not throw. Returns its remover. */
  listen(listener: JournalListener): () => void;
  /** Stops reading and releases connections; pending appends finish first. */
  close(): Promise<void>;
}

/** Active operations and history, as every instance sharing the journal reads them. */
export interface ProgressStateReader {
  loadActive(): Promise<ProgressRecord[]>;
  history(query: HistoryQuery): Promise<HistoryPage>;
  latestFinished(id: string): Promise<ProgressRecord | null>;
}
