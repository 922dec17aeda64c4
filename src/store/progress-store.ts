import type { ProgressEvent, ProgressRecord, ProgressStatus, ProgressType } from '../domain/progress-types.js';

/**
 * The identity of an event log: cursors of one epoch are only resumed in that epoch.
 * `since` is the last seq issued before the epoch began (cursors of the epoch are >= it).
 */
export interface LogEpoch {
  readonly id: string;
  readonly since: number;
}

/**
 * The append-only event log behind cursors. `seq` values are assigned by the caller, strictly
 * increasing. A Redis Streams adapter implements the same methods.
 *
 * The log has an epoch: a new log (a new or replaced database) starts one, and so does a
 * failed write (`renewEpoch`), because events were then published that the log does not
 * hold. Cursors carry the epoch, so one from before the change is refused, never resumed
 * into other events.
 */
export interface EventLog {
  /** The current epoch. */
  readonly epoch: LogEpoch;
  /**
   * Starts a new epoch after `since` (the last seq issued), in effect at once; the store
   * records it together with the next append.
   */
  renewEpoch(since: number): LogEpoch;
  append(events: readonly ProgressEvent[]): void;
  /** Events with `seq > after`, oldest first, at most `limit`, with cursors of the current epoch. */
  readAfter(after: number, limit: number): ProgressEvent[];
  /** The oldest and newest `seq` kept; both null while the log is empty. */
  bounds(): { oldest: number | null; newest: number | null };
  /** Drops all but the newest `keep` events; returns how many went. */
  prune(keep: number): number;
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
  /** Drops all but the newest `keep` history entries; returns how many went. */
  pruneHistory(keep: number): number;
}

/** Both stores plus the transaction that makes one flush atomic. */
export interface ProgressPersistence {
  eventLog: EventLog;
  store: ProgressStore;
  atomically<T>(fn: () => T): T;
}
