import type { Logger } from 'pino';
import { BadInputError, CursorExpiredError, NotFoundError } from './errors.js';
import { formatCursor, newEpoch, parseCursor } from './event-cursor.js';
import { LiveQueue, type DropTally } from './live-queue.js';
import type { ProgressPubSub } from './progress-pubsub.js';
import {
  EVENT_TYPE_OF,
  PROGRESS_TYPES,
  ROOM_OF,
  isFinished,
  type ProgressEvent,
  type ProgressMetadata,
  type ProgressRecord,
  type ProgressStatus,
  type ProgressType,
} from './progress-types.js';
import type { HistoryPage, ProgressPersistence } from '../store/progress-store.js';

/** Least time between two broadcasts of in-between updates of one operation. */
export const DEFAULT_THROTTLE_MS = 250;
/** Events the log keeps at least; the contract promises 10,000. */
export const MIN_EVENT_LOG_RETENTION = 10_000;
/** Finished operations kept in history by default. */
export const DEFAULT_HISTORY_LIMIT = 5_000;
/** Speed is smoothed exponentially with this time constant. */
export const SPEED_SMOOTHING_MS = 3_000;
/** Byte counts closer together than this are merged into one speed sample (noise). */
export const MIN_SPEED_SAMPLE_MS = 200;
/** Prune the log and history after this many appended events. */
const PRUNE_EVERY_EVENTS = 500;
/**
 * Least time between two system_maintenance records: pruning runs every 500 events, and a
 * record each time would crowd the history; counts add up in between. The first pruning of
 * a run is reported at once.
 */
export const MAINTENANCE_REPORT_MS = 10 * 60_000;
/** Events read from the log per page while replaying after a cursor. */
const REPLAY_PAGE = 500;

export const INTERRUPTED_ERROR =
  'Interrupted: the service stopped while this operation was in progress';
/** Progress id of the record that says pruning ran (the contract's). */
export const MAINTENANCE_PROGRESS_ID = 'system_maintenance';
/** Component name of a failed write of the event log: its ERROR record is error_persistence. */
export const PERSISTENCE_COMPONENT = 'persistence';

/** What a failure is reported as: an ERROR record `error_{source}`. */
export interface ErrorReport {
  /** The failed operation's progress id, or a component (`persistence`, `catalog`). */
  source: string;
  /** Machine-readable reason, e.g. DOWNLOAD_FAILED, CATALOG_UNAVAILABLE. */
  code: string;
  /** What went wrong, for people. */
  error: string;
  /** @default `Failed: {source}` */
  title?: string;
  metadata?: ProgressMetadata;
}

export interface ProgressServiceOptions {
  persistence: ProgressPersistence;
  pubsub: ProgressPubSub;
  logger: Logger;
  /** Least ms between broadcasts of in-between updates per id. @default DEFAULT_THROTTLE_MS */
  throttleMs?: number;
  /** Events kept in the log (never fewer than 10,000). @default MIN_EVENT_LOG_RETENTION */
  eventLogRetention?: number;
  /** Finished operations kept in history. @default DEFAULT_HISTORY_LIMIT */
  historyLimit?: number;
  /** Clock in epoch ms; tests inject one to check speed and ETA. @default Date.now */
  now?: () => number;
  /** Counts events dropped for slow subscribers, per reason (metrics). @default not counted */
  drops?: DropTally;
}

export interface StartOptions {
  message?: string | null;
  current?: number;
  total?: number | null;
  metadata?: ProgressMetadata;
  /** PENDING for work that waits its turn. @default 'IN_PROGRESS' */
  status?: 'PENDING' | 'IN_PROGRESS';
}

export interface UpdateOptions {
  current?: number;
  total?: number | null;
  message?: string | null;
  title?: string;
  /** Shallow-merged into the record's metadata. */
  metadata?: ProgressMetadata;
  status?: 'PENDING' | 'IN_PROGRESS';
  /** Broadcast now, even inside the throttle window. */
  forceBroadcast?: boolean;
  /** Forget the measured speed (and so the ETA): the transfer paused or restarts elsewhere. */
  resetRate?: boolean;
}

export interface FinishOptions {
  message?: string | null;
  metadata?: ProgressMetadata;
  /** On failProgress: the error code its ERROR record carries. @default `{TYPE}_FAILED` */
  code?: string;
}

export interface StreamOptions {
  types?: readonly ProgressType[] | null;
  ids?: readonly string[] | null;
  /** First one event per matching unfinished operation, then live. */
  snapshot?: boolean | null;
  /** First every logged event after this cursor, then live. Takes precedence over snapshot. */
  after?: string | null;
  /** Buffer bound of this subscriber before it conflates. */
  capacity?: number;
}

/** A registered live listener and what to deliver before its events. */
export interface Listening {
  /** Seq of the last event before the live ones. */
  head: number;
  /** Pages of events to deliver first (snapshot or replay), oldest first; null when done. */
  prefix: () => ProgressEvent[] | null;
  /** Removes the listener. */
  close: () => void;
}

/** In-process consumer events: every event, or only one event type (e.g. `download_progress`). */
export type ProgressEventName = 'progress' | (typeof EVENT_TYPE_OF)[ProgressType];
export type ProgressHandler = (event: ProgressEvent) => void | Promise<void>;

interface Tracked {
  record: ProgressRecord;
  lastEmitAt: number | null;
  trailing: NodeJS.Timeout | null;
  /** Last speed sample: when and at which `current`. */
  sampleAt: number;
  sampleCurrent: number;
}

/**
 * The single source of truth for progress: active operations and history, percent, speed
 * and ETA. Every broadcast gets the next sequence number, is written to the event log (with
 * the active/finished records, one transaction per batch) and only then published, so a
 * cursor a client saw is never lost on a crash.
 */
export class ProgressService {
  private readonly persistence: ProgressPersistence;
  private readonly pubsub: ProgressPubSub;
  private readonly logger: Logger;
  private readonly throttleMs: number;
  private readonly eventLogRetention: number;
  private readonly historyLimit: number;
  private readonly now: () => number;
  private readonly active = new Map<string, Tracked>();
  /** Records found active at open: failed as interrupted unless their owner claims them. */
  private readonly orphans = new Set<string>();
  private readonly handlers = new Map<ProgressEventName, Set<ProgressHandler>>();
  private readonly drops: DropTally | undefined;
  /** Emitted, not yet written nor published; cursors are given when the write's outcome is known. */
  private pending: Array<{ seq: number; progress: ProgressRecord }> = [];
  private readonly journalWriters = new Set<(events: readonly ProgressEvent[]) => void>();
  private flushScheduled: NodeJS.Immediate | null = null;
  private seq: number;
  private sincePrune = 0;
  /** Pruned and not yet reported in a system_maintenance record. */
  private unreported = { events: 0, history: 0 };
  private lastMaintenanceReport: number | null = null;
  /** The last write of the log failed: one error_persistence per streak of failures. */
  private persistenceFailing = false;
  private closed = false;

  constructor(options: ProgressServiceOptions) {
    this.persistence = options.persistence;
    this.pubsub = options.pubsub;
    this.logger = options.logger;
    this.throttleMs = options.throttleMs ?? DEFAULT_THROTTLE_MS;
    this.eventLogRetention = Math.max(MIN_EVENT_LOG_RETENTION, options.eventLogRetention ?? 0);
    this.historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    this.now = options.now ?? Date.now;
    this.drops = options.drops;
    // An epoch may begin past the newest event kept (renewed after a failed write): seqs
    // already handed out in it are never issued again.
    this.seq = Math.max(this.persistence.eventLog.bounds().newest ?? 0, this.persistence.eventLog.epoch.since);
    for (const record of this.persistence.store.loadActive()) {
      this.active.set(record.id, this.track(record));
      this.orphans.add(record.id);
    }
  }

  private track(record: ProgressRecord): Tracked {
    return { record, lastEmitAt: null, trailing: null, sampleAt: record.updatedAt, sampleCurrent: record.current };
  }

  // ---- the founding API -------------------------------------------------------------------

  /** Starts (or restarts, when the id is already active) an operation and broadcasts it. */
  startProgress(id: string, type: ProgressType, title: string, options: StartOptions = {}): ProgressRecord {
    const now = this.now();
    const existing = this.active.get(id);
    if (existing?.trailing) clearTimeout(existing.trailing);
    this.orphans.delete(id);
    const current = options.current ?? 0;
    const total = options.total ?? null;
    const record: ProgressRecord = {
      id,
      type,
      status: options.status ?? 'IN_PROGRESS',
      title,
      message: options.message ?? null,
      percent: percentOf(current, total),
      current,
      total,
      speed: null,
      eta: null,
      error: null,
      metadata: options.metadata ?? {},
      startedAt: now,
      updatedAt: now,
      completedAt: null,
    };
    const tracked = this.track(record);
    this.active.set(id, tracked);
    this.emit(tracked);
    return record;
  }

  /**
   * Updates an active operation. Its state is current at once; the broadcast of an
   * in-between update is throttled per id, and the latest state goes out when the window
   * ends. A status change or `forceBroadcast` goes out at once.
   */
  updateProgress(id: string, update: UpdateOptions): ProgressRecord {
    const tracked = this.mustBeActive(id);
    const prev = tracked.record;
    const now = this.now();
    const current = update.current ?? prev.current;
    const total = update.total !== undefined ? update.total : prev.total;
    const status = update.status ?? prev.status;
    let speed = prev.speed;
    const dt = now - tracked.sampleAt;
    if (update.resetRate) {
      tracked.sampleAt = now;
      tracked.sampleCurrent = current;
      speed = null;
    } else if (current < tracked.sampleCurrent) {
      // Started over (e.g. a server that ignored Range): the old rate says nothing.
      tracked.sampleAt = now;
      tracked.sampleCurrent = current;
      speed = null;
    } else if (dt >= MIN_SPEED_SAMPLE_MS) {
      const instant = ((current - tracked.sampleCurrent) * 1000) / dt;
      const alpha = 1 - Math.exp(-dt / SPEED_SMOOTHING_MS);
      speed = speed === null ? instant : speed + alpha * (instant - speed);
      tracked.sampleAt = now;
      tracked.sampleCurrent = current;
    }
    tracked.record = {
      ...prev,
      status,
      title: update.title ?? prev.title,
      message: update.message !== undefined ? update.message : prev.message,
      current,
      total,
      percent: percentOf(current, total),
      speed,
      eta: etaOf(current, total, speed),
      metadata: update.metadata ? { ...prev.metadata, ...update.metadata } : prev.metadata,
      updatedAt: now,
    };
    if (update.forceBroadcast || status !== prev.status || tracked.lastEmitAt === null) {
      this.emit(tracked);
    } else {
      const wait = tracked.lastEmitAt + this.throttleMs - now;
      if (wait <= 0) this.emit(tracked);
      else if (!tracked.trailing) {
        tracked.trailing = setTimeout(() => {
          tracked.trailing = null;
          if (this.active.get(id) === tracked) this.emit(tracked);
        }, wait);
        tracked.trailing.unref();
      }
    }
    return tracked.record;
  }

  completeProgress(id: string, options: FinishOptions = {}): ProgressRecord {
    return this.finish(id, 'COMPLETED', null, options);
  }

  /** Fails an operation; an ERROR record `error_{id}` says so too (see reportError). */
  failProgress(id: string, error: string, options: FinishOptions = {}): ProgressRecord {
    const record = this.finish(id, 'FAILED', error, options);
    if (record.type !== 'ERROR') {
      this.reportError({
        source: id,
        code: options.code ?? `${record.type}_FAILED`,
        error,
        title: `${record.title} failed`,
      });
    }
    return record;
  }

  /**
   * Records a failure as one FAILED record `error_{source}` of type ERROR (metadata.source,
   * metadata.code), for operations that failed and for components that failed outside any
   * operation (`persistence`, `catalog`). A `types: [ERROR]` subscriber sees exactly these.
   */
  reportError(report: ErrorReport): ProgressRecord {
    return this.recordFinished(`error_${report.source}`, 'ERROR', report.title ?? `Failed: ${report.source}`, {
      status: 'FAILED',
      error: report.error,
      metadata: { ...report.metadata, source: report.source, code: report.code },
    });
  }

  /**
   * An operation that is over as soon as it is told (a failure, a maintenance run): one
   * event, straight to history. An active operation with the same id is replaced.
   */
  recordFinished(
    id: string,
    type: ProgressType,
    title: string,
    options: { status: ProgressStatus; error?: string | null; message?: string | null; metadata?: ProgressMetadata },
  ): ProgressRecord {
    const now = this.now();
    const existing = this.active.get(id);
    if (existing?.trailing) clearTimeout(existing.trailing);
    this.orphans.delete(id);
    const record: ProgressRecord = {
      id,
      type,
      status: options.status,
      title,
      message: options.message ?? null,
      percent: options.status === 'COMPLETED' ? 100 : 0,
      current: 0,
      total: null,
      speed: null,
      eta: options.status === 'COMPLETED' ? 0 : null,
      error: options.error ?? null,
      metadata: options.metadata ?? {},
      startedAt: now,
      updatedAt: now,
      completedAt: now,
    };
    this.emit(this.track(record));
    return record;
  }

  cancelProgress(id: string, options: FinishOptions = {}): ProgressRecord {
    return this.finish(id, 'CANCELLED', null, options);
  }

  /**
   * Runs `writer` with every batch of events inside the transaction that appends them to the
   * log, so what it writes (an outbox) commits with the events or not at all. It must be
   * synchronous; a throw rolls the batch back. Returns a function that removes it.
   */
  addJournalWriter(writer: (events: readonly ProgressEvent[]) => void): () => void {
    this.journalWriters.add(writer);
    return () => this.journalWriters.delete(writer);
  }

  private finish(id: string, status: ProgressStatus, error: string | null, options: FinishOptions): ProgressRecord {
    const tracked = this.mustBeActive(id);
    const prev = tracked.record;
    const now = this.now();
    tracked.record = {
      ...prev,
      status,
      error,
      message: options.message !== undefined ? options.message : prev.message,
      metadata: options.metadata ? { ...prev.metadata, ...options.metadata } : prev.metadata,
      percent: status === 'COMPLETED' ? 100 : prev.percent,
      eta: status === 'COMPLETED' ? 0 : null,
      updatedAt: now,
      completedAt: now,
    };
    this.orphans.delete(id);
    this.emit(tracked);
    return tracked.record;
  }

  private mustBeActive(id: string): Tracked {
    const tracked = this.active.get(id);
    if (!tracked) throw new NotFoundError(`no active operation with id "${id}"`);
    return tracked;
  }

  // ---- reads ------------------------------------------------------------------------------

  /** The active operation with this id, or the latest finished one. */
  getProgress(id: string): ProgressRecord | null {
    // A record finished this turn is in neither place yet: look at what awaits the flush.
    return (
      this.active.get(id)?.record ??
      this.pending.findLast((e) => e.progress.id === id)?.progress ??
      this.persistence.store.latestFinished(id)
    );
  }

  /** Unfinished operations, oldest first. */
  getActive(types?: readonly ProgressType[] | null): ProgressRecord[] {
    const wanted = types?.length ? new Set(types) : null;
    return [...this.active.values()]
      .map((t) => t.record)
      .filter((r) => !wanted || wanted.has(r.type))
      .sort((a, b) => a.startedAt - b.startedAt);
  }

  /** Finished operations, newest first. */
  getHistory(query: {
    types?: readonly ProgressType[] | null;
    statuses?: readonly ProgressStatus[] | null;
    before?: number | null;
    limit: number;
  }): HistoryPage {
    this.flush();
    return this.persistence.store.history(query);
  }

  // ---- restart recovery -------------------------------------------------------------------

  /** Ids that were active when the last process stopped and nobody has claimed yet. */
  interruptedIds(): string[] {
    return [...this.orphans];
  }

  /**
   * An owner takes over an operation the last process left active (e.g. the queue resuming a
   * download); it is then updated and finished as usual. Returns null when there is none.
   */
  claimInterrupted(id: string): ProgressRecord | null {
    if (!this.orphans.delete(id)) return null;
    const tracked = this.active.get(id);
    if (!tracked) return null;
    // The old process's rate says nothing about this one: measure speed afresh.
    const now = this.now();
    tracked.record = { ...tracked.record, speed: null, eta: null };
    tracked.sampleAt = now;
    tracked.sampleCurrent = tracked.record.current;
    return tracked.record;
  }

  /** Fails every operation the last process left active that no owner claimed. */
  failInterrupted(): ProgressRecord[] {
    return [...this.orphans].map((id) => this.failProgress(id, INTERRUPTED_ERROR, { code: 'INTERRUPTED' }));
  }

  // ---- emitting ---------------------------------------------------------------------------

  private emit(tracked: Tracked): void {
    if (tracked.trailing) {
      clearTimeout(tracked.trailing);
      tracked.trailing = null;
    }
    tracked.lastEmitAt = this.now();
    const progress = tracked.record;
    this.pending.push({ seq: ++this.seq, progress });
    if (isFinished(progress.status)) this.active.delete(progress.id);
    if (!this.flushScheduled && !this.closed) this.flushScheduled = setImmediate(() => this.flush());
  }

  /**
   * Writes pending events (and the records they carry) in one transaction, then publishes
   * them: nobody sees an event before it is in the log. Runs on the next turn of the event
   * loop after an emit, so a burst is one write.
   *
   * A failed write does not stop live progress, but the log now lacks events that were
   * published: they get cursors of an epoch no log will ever have (a resume from one is
   * CURSOR_EXPIRED, never a jump into other events), the log starts a new epoch (so cursors
   * from before the hole expire too), and error_persistence says what happened.
   */
  flush(): void {
    if (this.flushScheduled) {
      clearImmediate(this.flushScheduled);
      this.flushScheduled = null;
    }
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    // Every finish goes to history (even one restarted within the batch); the rest are upserted.
    const finished = batch.filter((e) => isFinished(e.progress.status)).map((e) => e.progress);
    const latest = new Map<string, ProgressRecord>();
    for (const e of batch) latest.set(e.progress.id, e.progress);
    const unfinished = [...latest.values()].filter((r) => !isFinished(r.status));
    this.sincePrune += batch.length;
    const prune = this.sincePrune >= PRUNE_EVERY_EVENTS;
    const log = this.persistence.eventLog;
    let epoch = log.epoch.id;
    const events = (cursorEpoch: string): ProgressEvent[] =>
      batch.map(({ seq, progress }) => ({
        seq,
        cursor: formatCursor(cursorEpoch, seq),
        missed: 0,
        type: EVENT_TYPE_OF[progress.type],
        room: ROOM_OF[progress.type],
        progress,
      }));
    let written = events(epoch);
    let pruned = { events: 0, history: 0 };
    try {
      this.persistence.atomically(() => {
        log.append(written);
        for (const writer of this.journalWriters) writer(written);
        this.persistence.store.finish(finished);
        this.persistence.store.saveActive(unfinished);
        if (prune) {
          pruned = {
            events: log.prune(this.eventLogRetention),
            history: this.persistence.store.pruneHistory(this.historyLimit),
          };
        }
      });
      if (prune) this.sincePrune = 0;
      this.persistenceFailing = false;
    } catch (err) {
      this.logger.error({ err, events: batch.length }, 'could not persist progress events');
      pruned = { events: 0, history: 0 }; // rolled back with the rest
      epoch = newEpoch();
      written = events(epoch);
      log.renewEpoch(this.seq);
      if (!this.persistenceFailing) {
        this.persistenceFailing = true;
        // Its own write may fail too: the streak flag keeps that from reporting itself forever.
        this.reportError({
          source: PERSISTENCE_COMPONENT,
          code: 'PERSISTENCE_FAILED',
          error: `could not write ${batch.length} progress events to the event log: ${(err as Error)?.message ?? String(err)}`,
          title: 'Event log write failed',
          metadata: { events: batch.length, firstSeq: batch[0]!.seq, lastSeq: batch[batch.length - 1]!.seq },
        });
      }
    }
    this.reportMaintenance(pruned);
    for (const event of written) {
      this.pubsub.publish(event);
      this.notify('progress', event);
      this.notify(event.type as ProgressEventName, event);
    }
  }

  /** system_maintenance: what pruning removed (see MAINTENANCE_REPORT_MS). */
  private reportMaintenance(pruned: { events: number; history: number }): void {
    this.unreported.events += pruned.events;
    this.unreported.history += pruned.history;
    const { events, history } = this.unreported;
    if (events === 0 && history === 0) return;
    const now = this.now();
    if (this.lastMaintenanceReport !== null && now - this.lastMaintenanceReport < MAINTENANCE_REPORT_MS) return;
    this.lastMaintenanceReport = now;
    this.unreported = { events: 0, history: 0 };
    this.recordFinished(MAINTENANCE_PROGRESS_ID, 'SYSTEM', 'Maintenance', {
      status: 'COMPLETED',
      message: `Pruned ${events} events from the log and ${history} entries from history`,
      metadata: { eventsPruned: events, historyPruned: history, eventLogRetention: this.eventLogRetention, historyLimit: this.historyLimit },
    });
  }

  // ---- in-process consumers ---------------------------------------------------------------

  /** Calls `handler` for every event (`progress`) or every event of one type. */
  subscribe(event: ProgressEventName, handler: ProgressHandler): void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler);
  }

  unsubscribe(event: ProgressEventName, handler: ProgressHandler): void {
    this.handlers.get(event)?.delete(handler);
  }

  private notify(name: ProgressEventName, event: ProgressEvent): void {
    const set = this.handlers.get(name);
    if (!set) return;
    for (const handler of set) {
      try {
        const result = handler(event);
        if (result && typeof result.then === 'function') {
          result.then(undefined, (err: unknown) => this.logger.error({ err, event: name }, 'progress handler rejected'));
        }
      } catch (err) {
        this.logger.error({ err, event: name }, 'progress handler threw');
      }
    }
  }

  // ---- streams for subscriptions ----------------------------------------------------------

  /** The cursor a new subscriber would resume from: the last event broadcast. */
  get lastCursor(): string {
    this.flush();
    return formatCursor(this.persistence.eventLog.epoch.id, this.seq);
  }

  /**
   * A live stream of events matching `types` and `ids`, preceded by a snapshot or by a
   * replay after a cursor. The live listener is registered before the snapshot or replay
   * is read, in the same synchronous turn, so nothing falls between them; live events at or
   * before the replay's end are skipped, so nothing comes twice.
   * Throws CursorExpiredError or BadInputError at once for a cursor it cannot serve.
   */
  stream(options: StreamOptions = {}): AsyncIterableIterator<ProgressEvent> {
    let live: LiveQueue<ProgressEvent> | null = null;
    const listening = this.listen(options, (e) => live!.push(e));
    live = new LiveQueue<ProgressEvent>({
      keyOf: (e) => e.progress.id,
      capacity: options.capacity,
      onClose: listening.close,
      markMissed: (e, missed) => ({ ...e, missed }),
      onDrop: this.drops?.add,
    });
    return withPrefix(listening.prefix, live, listening.head);
  }

  /**
   * The synchronous core of `stream`: registers `onEvent` for live events matching `types`
   * and `ids` (called inside the publisher's turn; it must not throw), and returns the
   * prefix to deliver first — a pager over the log after `after`, or the snapshot — which
   * ends at `head`. Live events all come after `head`.
   * Throws CursorExpiredError or BadInputError at once for a cursor it cannot serve.
   */
  listen(options: Omit<StreamOptions, 'capacity'>, onEvent: (event: ProgressEvent) => void): Listening {
    const after = options.after != null ? this.parseCursor(options.after) : null;
    this.flush();
    const types = options.types?.length ? [...new Set(options.types)] : PROGRESS_TYPES;
    const ids = options.ids?.length ? new Set(options.ids) : null;
    const matches = (p: ProgressRecord) => (!ids || ids.has(p.id)) && types.includes(p.type);
    const close = this.pubsub.subscribe(types, (e) => {
      if (!ids || ids.has(e.progress.id)) onEvent(e);
    });
    const head = this.seq;
    let prefix: Listening['prefix'] = () => null;
    if (after !== null) {
      let cursor = after;
      prefix = () => {
        if (cursor >= head) return null;
        const page = this.persistence.eventLog.readAfter(cursor, REPLAY_PAGE).filter((e) => e.seq <= head);
        cursor = page.length ? page[page.length - 1]!.seq : head;
        return page.filter((e) => matches(e.progress));
      };
    } else if (options.snapshot) {
      const cursor = formatCursor(this.persistence.eventLog.epoch.id, head);
      let snapshot: ProgressEvent[] | null = this.getActive(types)
        .filter(matches)
        .map((progress) => ({
          seq: head,
          cursor,
          missed: 0,
          type: EVENT_TYPE_OF[progress.type],
          room: ROOM_OF[progress.type],
          progress,
        }));
      prefix = () => {
        const page = snapshot;
        snapshot = null;
        return page;
      };
    }
    return { head, prefix, close };
  }

  private parseCursor(cursor: string): number {
    const position = parseCursor(cursor);
    if (!position) {
      // Quoted only in part: whatever a client sends (10 KB of it) is not echoed back whole.
      const shown = cursor.length > 40 ? `${cursor.slice(0, 40)}…" (${cursor.length} characters)` : `${cursor}"`;
      throw new BadInputError(`after: "${shown} is not a cursor this service issued`);
    }
    this.flush();
    const epoch = this.persistence.eventLog.epoch;
    if (position.epoch !== epoch.id || position.seq < epoch.since) {
      // Another database, or from before a failed write: resuming it would skip or mix events.
      throw new CursorExpiredError(cursor, 'is from an event log this service no longer has (it was replaced or could not be written)');
    }
    const seq = position.seq;
    if (seq > this.seq) {
      throw new BadInputError(`after: cursor "${cursor}" is ahead of the event log (newest: ${this.seq})`);
    }
    const { oldest } = this.persistence.eventLog.bounds();
    // Resuming from `seq` needs seq + 1 onwards; the log holds oldest..newest.
    if (oldest !== null && seq < oldest - 1) {
      throw new CursorExpiredError(cursor, `is older than the event log keeps (oldest kept: ${oldest})`);
    }
    return seq;
  }

  // ---- lifecycle --------------------------------------------------------------------------

  /** Sends every throttled state, writes what is pending, and stops timers. */
  close(): void {
    for (const tracked of this.active.values()) {
      if (tracked.trailing) this.emit(tracked);
    }
    this.flush();
    this.closed = true;
  }
}

function percentOf(current: number, total: number | null): number {
  if (total === null || total <= 0) return 0;
  return Math.min(100, Math.max(0, (current / total) * 100));
}

function etaOf(current: number, total: number | null, speed: number | null): number | null {
  if (total === null || speed === null || speed <= 0) return null;
  return Math.max(0, total - current) / speed;
}

/** Yields the pages of `prefix` until it returns null, then `live` past `head`. */
function withPrefix(
  prefix: () => ProgressEvent[] | null,
  live: LiveQueue<ProgressEvent>,
  head: number,
): AsyncIterableIterator<ProgressEvent> {
  async function* run(): AsyncGenerator<ProgressEvent> {
    try {
      for (let page = prefix(); page !== null; page = prefix()) yield* page;
      // What was dropped before an event the replay already delivered counts for the next one.
      let missed = 0;
      for await (const event of live) {
        missed += event.missed;
        if (event.seq <= head) continue;
        yield missed === event.missed ? event : { ...event, missed };
        missed = 0;
      }
    } finally {
      live.close();
    }
  }
  const gen = run();
  // An async generator ignores return() while it awaits, and never runs `finally` if it was
  // not started: close the queue first so the listener goes in both cases.
  return {
    next: () => gen.next(),
    return: (value?: unknown) => {
      live.close();
      return gen.return(value as undefined);
    },
    throw: (error?: unknown) => {
      live.close();
      return gen.throw(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
