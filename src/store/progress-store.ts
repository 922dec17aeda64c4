import type { ProgressEvent, ProgressRecord, ProgressStatus, ProgressType } from '../services/progress-types.js';

/**
 * The append-only event log behind cursors. `seq` values are assigned by the caller, strictly
 * increasing. A Redis Streams adapter implements the same four methods.
 */
export interface EventLog {
  append(events: readonly ProgressEvent[]): void;
  /** Events with `seq > after`, oldest first, at most `limit`. */
  readAfter(after: number, limit: number): ProgressEvent[];
  /** The oldest and newest `seq` kept; both null while the log is empty. */
  bounds(): { oldest: number | null; newest: number | null };
  /** Drops all but the newest `keep` events. */
  prune(keep: number): void;
}

export interface HistoryQuery {
  types?: readonly ProgressType[] | null;
  statuses?: readonly ProgressStatus[] | null;
  /** Only entries older than this history key (exclusive). */
  before?: number | null;
  limit: number;
}

export interface HistoryPage {
  entries: Array<{ key: number; record: ProgressRecord }>;
  totalCount: number;
  hasMore: boolean;
}

/** Unfinished operations (so a restart knows what was active) and finished ones (history). */
export interface ProgressStore {
  loadActive(): ProgressRecord[];
  saveActive(records: readonly ProgressRecord[]): void;
  /** Moves finished records out of the active set into history. */
  finish(records: readonly ProgressRecord[]): void;
  history(query: HistoryQuery): HistoryPage;
  /** The newest finished record with this id, if any. */
  latestFinished(id: string): ProgressRecord | null;
  /** Drops all but the newest `keep` history entries. */
  pruneHistory(keep: number): void;
}

/** Both stores plus the transaction that makes one flush atomic. */
export interface ProgressPersistence {
  eventLog: EventLog;
  store: ProgressStore;
  atomically<T>(fn: () => T): T;
}
