import type { Logger } from 'pino';
import { withRelease } from '../lib/async-iterators.js';
import type { CursorCheck, JournalBatch, JournalEntry, ProgressJournal, ProgressStateReader } from '../store/progress-journal.js';
import type { HistoryPage, HistoryQuery } from '../store/progress-store.js';
import type { SyncJournal } from '../store/sqlite-journal.js';
import { BadInputError, CursorExpiredError, NotFoundError, ServiceError } from './errors.js';
import { LiveQueue, type DropTally } from './live-queue.js';
import { MAX_UNWRITTEN_EVENTS, UnwrittenEvents } from './unwritten-events.js';
import { DEFAULT_HISTORY_LIMIT, DEFAULT_THROTTLE_MS, MIN_EVENT_LOG_RETENTION } from './progress-limits.js';
import type { ProgressPubSub } from './progress-pubsub.js';
import { etaOf, finishedRecord, newRecord, nextSpeed, percentOf, type SpeedSample } from './progress-records.js';
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

/** Prune the log and history after this many appended events. */
const PRUNE_EVERY_EVENTS = 500;
/** Events read from the log per page while replaying after a cursor. */
const REPLAY_PAGE = 500;
/**
 * Least time between two system_maintenance records: pruning runs every 500 events, and a
 * record each time would crowd the history; counts add up in between. The first pruning of
 * a run is reported at once.
 */
export const MAINTENANCE_REPORT_MS = 10 * 60_000;
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

/** First and longest pause between two tries of a journal write that failed (Redis away). */
const WRITE_RETRY_MIN_MS = 100;
const WRITE_RETRY_MAX_MS = 2_000;
/** Most events in one write of an asynchronous journal (one append script). */
const WRITE_BATCH_MAX = 1_000;

export const INTERRUPTED_ERROR =
  'Interrupted: the service stopped while this operation was in progress';

export interface ProgressServiceOptions {
  /** Where events are written, numbered, published and replayed (SQLite or Redis). */
  journal: ProgressJournal & ProgressStateReader;
  /** This instance's local fan-out of delivered events, by type. */
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
  /** Events held while an asynchronous journal cannot be written (see UnwrittenEvents). @default MAX_UNWRITTEN_EVENTS */
  maxUnwrittenEvents?: number;
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

/** What a subscription asks for: which events, and what comes before the live ones. */
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

/** A page of the prefix (snapshot or replay); null once it is all delivered. */
export type PrefixPage = ProgressEvent[] | null;

/** A registered live listener and what to deliver before its events. */
export interface Listening {
  /** Seq of the last event before the live ones: live events at or before it are skipped. */
  readonly head: number;
  /**
   * Pages of events to deliver first (snapshot or replay), oldest first; null when done.
   * With SQLite every page is at hand; with Redis a page may have to be read first. Rejects
   * with CursorExpiredError or BadInputError for a cursor it cannot serve.
   */
  prefix: () => PrefixPage | Promise<PrefixPage>;
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
  sample: SpeedSample;
}

const EVENT_NAME_TYPES = new Map<string, ProgressType>(PROGRESS_TYPES.map((t) => [EVENT_TYPE_OF[t], t]));

function isSync(journal: ProgressJournal): journal is ProgressJournal & SyncJournal {
  return typeof (journal as Partial<SyncJournal>).appendNow === 'function';
}

/** The error a failed cursor check is answered with. */
function cursorError(cursor: string, check: Exclude<CursorCheck, { ok: true }>): ServiceError {
  switch (check.reason) {
    case 'malformed': {
      // Quoted only in part: whatever a client sends (10 KB of it) is not echoed back whole.
      const shown = cursor.length > 40 ? `${cursor.slice(0, 40)}…" (${cursor.length} characters)` : `${cursor}"`;
      return new BadInputError(`after: "${shown} is not a cursor this service issued`);
    }
    case 'ahead':
      return new BadInputError(`after: cursor "${cursor}" is ahead of the event log (newest: ${check.newest})`);
    case 'expired':
      return new CursorExpiredError(
        cursor,
        check.lost
          ? 'is from an event log this service no longer has (it was replaced or could not be written)'
          : `is older than the event log keeps (oldest kept: ${check.oldest})`,
      );
  }
}

/**
 * The single source of truth for progress. Producers (this instance's scans, downloads, the
 * queue) start, update and finish operations here: record math, throttling, then a batch per
 * turn to the journal, which numbers the events, writes them with the records they change and
 * delivers them — on every instance sharing it — back to `deliver`, the only place that
 * publishes. So subscribers of any instance see one order, and a cursor a client saw is in
 * the log. The view of active operations is what the journal delivered, overlaid with this
 * instance's own latest states.
 */
export class ProgressService {
  private readonly journal: ProgressJournal & ProgressStateReader;
  private readonly sync: (ProgressJournal & SyncJournal) | null;
  private readonly pubsub: ProgressPubSub;
  private readonly logger: Logger;
  private readonly throttleMs: number;
  private readonly eventLogRetention: number;
  private readonly historyLimit: number;
  private readonly now: () => number;
  /** Operations this instance produces. */
  private readonly active = new Map<string, Tracked>();
  /** Records left active by a process that is gone: failed as interrupted unless claimed. */
  private readonly orphans = new Set<string>();
  /** Unfinished operations as the journal delivered them (every instance's). */
  private readonly view = new Map<string, ProgressRecord>();
  /** Ids delivered since open() began (its load must not overwrite them). */
  private readonly seenSinceOpen = new Set<string>();
  /** This instance's finishes not yet delivered back: no longer active anywhere. */
  private readonly finishing = new Map<string, ProgressRecord>();
  private readonly handlers = new Map<ProgressHandler, Map<ProgressEventName, () => void>>();
  private readonly listenings = new Set<{ head: number }>();
  private readonly deliveredWriters = new Set<(events: readonly ProgressEvent[]) => void>();
  private pending: JournalEntry[] = [];
  /** Events for an asynchronous journal not yet written: conflated and bounded while it is away. */
  private readonly unwritten: UnwrittenEvents;
  /** In-between updates dropped at that bound, since the start. */
  private unwrittenDropped = 0;
  private writeLoop: Promise<void> | null = null;
  private writeChain: Promise<void> = Promise.resolve();
  private lastWritten = 0;
  private writeFailing = false;
  /** Stopping: a write that fails is given up rather than retried. */
  private closing = false;
  private readonly drops: DropTally | undefined;
  /** Pruned and not yet reported in a system_maintenance record. */
  private unreported = { events: 0, history: 0 };
  private lastMaintenanceReport: number | null = null;
  /** The last write of the log failed: one error_persistence per streak of failures. */
  private persistenceFailing = false;
  private flushScheduled: NodeJS.Immediate | null = null;
  private sincePrune = 0;
  private closed = false;
  private readonly stopListening: () => void;

  constructor(options: ProgressServiceOptions) {
    this.journal = options.journal;
    this.sync = isSync(options.journal) ? options.journal : null;
    this.pubsub = options.pubsub;
    this.logger = options.logger;
    this.throttleMs = options.throttleMs ?? DEFAULT_THROTTLE_MS;
    this.eventLogRetention = Math.max(MIN_EVENT_LOG_RETENTION, options.eventLogRetention ?? 0);
    this.historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    this.now = options.now ?? Date.now;
    this.drops = options.drops;
    this.unwritten = new UnwrittenEvents(options.maxUnwrittenEvents ?? MAX_UNWRITTEN_EVENTS);
    // Conflated only while writes fail: a journal that keeps up gets every event.
    this.unwritten.conflating = false;
    if (this.sync) {
      // One process: whatever the last one left active is this one's to resume or fail.
      for (const record of this.sync.store.loadActive()) {
        this.view.set(record.id, record);
        this.active.set(record.id, this.track(record));
        this.orphans.add(record.id);
      }
    }
    this.stopListening = (this.journal as ProgressJournal & { listen: RedisListen }).listen(
      (events) => this.deliver(events),
      () => this.onLogReset(),
    );
  }

  /** Loads the active operations other instances run (asynchronous journals only). */
  async open(): Promise<void> {
    if (this.sync) return;
    for (const record of await this.journal.loadActive()) {
      if (!this.seenSinceOpen.has(record.id)) this.view.set(record.id, record);
    }
    this.seenSinceOpen.clear();
  }

  /** Which backend holds the journal. */
  get backend(): 'sqlite' | 'redis' {
    return this.journal.backend;
  }

  private track(record: ProgressRecord): Tracked {
    return { record, lastEmitAt: null, trailing: null, sample: { at: record.updatedAt, current: record.current } };
  }

  // ---- the founding API -------------------------------------------------------------------

  /** Starts (or restarts, when the id is already active) an operation and broadcasts it. */
  startProgress(id: string, type: ProgressType, title: string, options: StartOptions = {}): ProgressRecord {
    const existing = this.active.get(id);
    if (existing?.trailing) clearTimeout(existing.trailing);
    this.orphans.delete(id);
    const record = newRecord(id, type, title, this.now(), { ...options, status: options.status ?? 'IN_PROGRESS' });
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
    if (update.resetRate) tracked.sample = { at: now, current: Number.POSITIVE_INFINITY };
    // A reset sample (or a current below it) makes nextSpeed start over.
    const speed = nextSpeed(tracked.sample, prev.speed, current, now);
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
   * An operation that is over as soon as it is told (a failure, a maintenance run, a new
   * queue runner): one event, straight to history. An active operation with the same id is
   * replaced.
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
      ...newRecord(id, type, title, now, { status: options.status, message: options.message, metadata: options.metadata }),
      percent: options.status === 'COMPLETED' ? 100 : 0,
      eta: options.status === 'COMPLETED' ? 0 : null,
      error: options.error ?? null,
      completedAt: now,
    };
    this.emit(this.track(record));
    return record;
  }

  cancelProgress(id: string, options: FinishOptions = {}): ProgressRecord {
    return this.finish(id, 'CANCELLED', null, options);
  }

  /**
   * Runs `writer` with every batch of events. With SQLite it runs inside the transaction that
   * appends them to the log, so what it writes (an outbox) commits with the events or not at
   * all; it must be synchronous, and a throw rolls the batch back. With Redis it runs with
   * every batch delivered to this instance, after it is in the log. Returns its remover.
   */
  addJournalWriter(writer: (events: readonly ProgressEvent[]) => void): () => void {
    if (this.sync) return this.sync.addWriter(writer);
    this.deliveredWriters.add(writer);
    return () => this.deliveredWriters.delete(writer);
  }

  private finish(id: string, status: ProgressStatus, error: string | null, options: FinishOptions): ProgressRecord {
    const tracked = this.mustBeActive(id);
    tracked.record = finishedRecord(tracked.record, status, error, this.now(), options);
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

  /**
   * The unfinished operation with this id (this instance's latest state, or as delivered from
   * another instance), or null. Synchronous, for producers deciding what to do.
   */
  activeRecord(id: string): ProgressRecord | null {
    const own = this.active.get(id);
    if (own) return own.record;
    if (this.finishing.has(id)) return null;
    return this.view.get(id) ?? null;
  }

  /** This instance produces the operation: it is active and this instance's to update. */
  isProducing(id: string): boolean {
    return this.active.has(id);
  }

  /**
   * The active operation with this id, or the latest finished one. With an asynchronous
   * journal (Redis) history is not at hand: use fetchProgress.
   */
  getProgress(id: string): ProgressRecord | null {
    const active = this.activeRecord(id);
    if (active) return active;
    // Finished this turn or being written: not in the store yet.
    const pending = this.pending.findLast((e) => e.progress.id === id)?.progress;
    if (pending) return pending;
    const finishing = this.finishing.get(id);
    if (finishing) return finishing;
    return this.sync ? this.sync.store.latestFinished(id) : null;
  }

  /** getProgress on any backend. */
  async fetchProgress(id: string): Promise<ProgressRecord | null> {
    return this.getProgress(id) ?? (this.sync ? null : this.journal.latestFinished(id));
  }

  /** Unfinished operations, oldest first. */
  getActive(types?: readonly ProgressType[] | null): ProgressRecord[] {
    const wanted = types?.length ? new Set(types) : null;
    // This instance's own (in the order they started), then other instances' as delivered.
    const all = new Map<string, ProgressRecord>();
    for (const [id, tracked] of this.active) all.set(id, tracked.record);
    for (const [id, record] of this.view) if (!all.has(id) && !this.finishing.has(id)) all.set(id, record);
    return [...all.values()].filter((r) => !wanted || wanted.has(r.type)).sort((a, b) => a.startedAt - b.startedAt);
  }

  /** Finished operations, newest first (SQLite: in this turn; use fetchHistory on any backend). */
  getHistory(query: HistoryQuery): HistoryPage {
    if (!this.sync) throw new Error('getHistory needs a synchronous journal: use fetchHistory');
    this.flush();
    return this.sync.store.history(query);
  }

  async fetchHistory(query: HistoryQuery): Promise<HistoryPage> {
    if (this.sync) return this.getHistory(query);
    await this.settled();
    return this.journal.history(query);
  }

  // ---- restart recovery -------------------------------------------------------------------

  /** Ids that were active when the last process stopped and nobody has claimed yet. */
  interruptedIds(): string[] {
    return [...this.orphans];
  }

  /**
   * Adopts the unfinished operations of `types` that the journal shows and this instance does
   * not run: what a queue runner that died left (several instances). They become this
   * instance's interrupted operations, to claim or to fail.
   */
  adoptInterrupted(types: readonly ProgressType[]): string[] {
    const adopted: string[] = [];
    const oldestFirst = [...this.view].sort(([, a], [, b]) => a.startedAt - b.startedAt);
    for (const [id, record] of oldestFirst) {
      if (this.active.has(id) || this.finishing.has(id) || !types.includes(record.type)) continue;
      this.active.set(id, this.track(record));
      this.orphans.add(id);
      adopted.push(id);
    }
    return adopted;
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
    tracked.record = { ...tracked.record, speed: null, eta: null };
    tracked.sample = { at: this.now(), current: tracked.record.current };
    return tracked.record;
  }

  /** Fails every operation the last process left active that no owner claimed. */
  failInterrupted(): ProgressRecord[] {
    return [...this.orphans].map((id) => this.failProgress(id, INTERRUPTED_ERROR, { code: 'INTERRUPTED' }));
  }

  /**
   * Forgets this instance's operations without finishing them (it lost the right to run
   * them: the queue lease went to another instance, which adopts them).
   */
  release(ids: readonly string[]): void {
    for (const id of ids) {
      const tracked = this.active.get(id);
      if (tracked?.trailing) clearTimeout(tracked.trailing);
      this.active.delete(id);
      this.orphans.delete(id);
    }
  }

  // ---- emitting ---------------------------------------------------------------------------

  private emit(tracked: Tracked): void {
    if (tracked.trailing) {
      clearTimeout(tracked.trailing);
      tracked.trailing = null;
    }
    tracked.lastEmitAt = this.now();
    const progress = tracked.record;
    this.pending.push({ type: EVENT_TYPE_OF[progress.type], room: ROOM_OF[progress.type], progress });
    if (isFinished(progress.status)) {
      this.active.delete(progress.id);
      this.finishing.set(progress.id, progress);
    }
    if (!this.flushScheduled && !this.closed) this.flushScheduled = setImmediate(() => this.flush());
  }

  /**
   * Hands pending events (and the records they carry) to the journal as one batch. Runs on
   * the next turn of the event loop after an emit, so a burst is one write. With SQLite the
   * write and the publishing happen in this call; with Redis batches are written in order,
   * one after another, and retried while Redis is away (live progress then waits for it, held
   * in UnwrittenEvents: conflated per id and bounded).
   */
  flush(): void {
    if (this.flushScheduled) {
      clearImmediate(this.flushScheduled);
      this.flushScheduled = null;
    }
    if (this.pending.length === 0) return;
    const entries = this.pending;
    this.pending = [];
    if (this.sync) {
      const batch = this.batchOf(entries);
      try {
        this.sync.appendNow(batch);
        this.persistenceFailing = false;
      } catch (err) {
        // Live progress goes on, but the log lacks these events: the journal gives them
        // cursors of an epoch no log will have and starts a new one (cursors from before the
        // hole expire too), and error_persistence says what happened.
        this.logger.error({ err, events: entries.length }, 'could not persist progress events');
        const events = this.sync.publishUnwritten(batch);
        if (!this.persistenceFailing) {
          this.persistenceFailing = true;
          // Its own write may fail too: the streak flag keeps that from reporting itself forever.
          this.reportError({
            source: PERSISTENCE_COMPONENT,
            code: 'PERSISTENCE_FAILED',
            error: `could not write ${entries.length} progress events to the event log: ${(err as Error)?.message ?? String(err)}`,
            title: 'Event log write failed',
            metadata: { events: entries.length, firstSeq: events[0]?.seq, lastSeq: events.at(-1)?.seq },
          });
        }
      }
      this.reportMaintenance(this.sync.takePruned());
      return;
    }
    for (const entry of entries) {
      if (this.unwritten.push(entry)) continue;
      this.unwrittenDropped += 1;
      // Once per outage: the count comes when writes succeed again.
      if (this.unwritten.dropped === 1) {
        this.logger.warn({ held: this.unwritten.size }, 'the journal cannot be written and holds as many events as it may: in-between progress updates are dropped (the latest of each operation and every start and finish are kept)');
      }
    }
    if (!this.writeLoop) this.writeChain = this.writeLoop = this.writeUnwritten();
  }

  /** Events held and in-between updates dropped while the journal could not be written. */
  unwrittenStats(): { held: number; dropped: number } {
    return { held: this.unwritten.size, dropped: this.unwrittenDropped };
  }

  private batchOf(entries: JournalEntry[]): JournalBatch {
    // Every finish goes to history (even one restarted within the batch); the rest are upserted.
    const finished = entries.filter((e) => isFinished(e.progress.status)).map((e) => e.progress);
    const latest = new Map<string, ProgressRecord>();
    for (const e of entries) latest.set(e.progress.id, e.progress);
    const active = [...latest.values()].filter((r) => !isFinished(r.status));
    this.sincePrune += entries.length;
    const prune = this.sincePrune >= PRUNE_EVERY_EVENTS;
    if (prune) this.sincePrune = 0;
    return { events: entries, active, finished, prune: prune ? { events: this.eventLogRetention, history: this.historyLimit } : null };
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

  /** Writes what is held, oldest first, until nothing is; retries (with backoff) while it fails. */
  private async writeUnwritten(): Promise<void> {
    // Starts after the caller has recorded this loop as writeLoop (it clears it when done).
    await Promise.resolve();
    let pause = WRITE_RETRY_MIN_MS;
    for (;;) {
      const entries = this.unwritten.take(WRITE_BATCH_MAX);
      if (entries.length === 0) {
        // In the same turn as the check: a flush after this starts a new loop.
        this.writeLoop = null;
        return;
      }
      try {
        const events = await this.journal.append(this.batchOf(entries));
        this.lastWritten = events.at(-1)?.seq ?? this.lastWritten;
        this.reportMaintenance(this.journal.takePruned());
        const dropped = this.unwritten.takeDropped();
        if (this.writeFailing || dropped) {
          this.logger.warn({ dropped }, `progress events are written again${dropped ? `; ${dropped} in-between updates were dropped meanwhile` : ''}`);
        }
        this.writeFailing = false;
        this.unwritten.conflating = false;
        pause = WRITE_RETRY_MIN_MS;
      } catch (err) {
        if (this.closed || this.closing) {
          const lost = entries.length + this.unwritten.take(Infinity).length;
          this.logger.error({ err, events: lost }, 'stopping with progress events that could not be written');
          this.writeLoop = null;
          return;
        }
        if (!this.writeFailing) this.logger.error({ err: (err as Error).message }, 'could not write progress events; retrying');
        this.writeFailing = true;
        this.unwritten.putBack(entries);
        await new Promise((r) => setTimeout(r, pause));
        pause = Math.min(WRITE_RETRY_MAX_MS, pause * 2);
      }
    }
  }

  /** Resolves once everything emitted so far is written and delivered back to this instance. */
  async settled(): Promise<void> {
    this.flush();
    await this.writeChain;
    const target = this.lastWritten;
    while (this.journal.head < target && !this.closed) await new Promise((r) => setTimeout(r, 5));
  }

  /** Where the journal hands over events, in log order, from every instance. */
  private deliver(events: readonly ProgressEvent[]): void {
    for (const event of events) {
      const p = event.progress;
      if (!this.sync) this.seenSinceOpen.add(p.id);
      if (isFinished(p.status)) {
        this.view.delete(p.id);
        const own = this.finishing.get(p.id);
        if (own && own.updatedAt <= p.updatedAt) this.finishing.delete(p.id);
      } else {
        this.view.set(p.id, p);
      }
      this.pubsub.publish(event);
    }
    for (const writer of this.deliveredWriters) {
      try {
        writer(events);
      } catch (err) {
        this.logger.error({ err }, 'journal writer failed');
      }
    }
  }

  /** The shared log was lost and a new one began: live listeners take everything from now on. */
  private onLogReset(): void {
    for (const l of this.listenings) l.head = 0;
    this.view.clear();
    for (const [id, tracked] of this.active) this.view.set(id, tracked.record);
  }

  // ---- in-process consumers ---------------------------------------------------------------

  /**
   * Calls `handler` for every event (`progress`) or every event of one type, as delivered (on
   * every instance). A handler that throws or rejects is logged and stops nothing.
   */
  subscribe(event: ProgressEventName, handler: ProgressHandler): void {
    const types = event === 'progress' ? PROGRESS_TYPES : [EVENT_NAME_TYPES.get(event)!];
    let byName = this.handlers.get(handler);
    if (!byName) this.handlers.set(handler, (byName = new Map()));
    if (byName.has(event)) return;
    byName.set(
      event,
      this.pubsub.subscribe(types, (e) => {
        try {
          const result = handler(e);
          if (result && typeof result.then === 'function') {
            result.then(undefined, (err: unknown) => this.logger.error({ err, event }, 'progress handler rejected'));
          }
        } catch (err) {
          this.logger.error({ err, event }, 'progress handler threw');
        }
      }),
    );
  }

  unsubscribe(event: ProgressEventName, handler: ProgressHandler): void {
    const byName = this.handlers.get(handler);
    byName?.get(event)?.();
    byName?.delete(event);
    if (byName?.size === 0) this.handlers.delete(handler);
  }

  // ---- streams for subscriptions ----------------------------------------------------------

  /** The cursor a new subscriber would resume from: the last event delivered here. */
  get lastCursor(): string {
    this.flush();
    return this.journal.cursorOf(this.journal.head);
  }

  /** lastCursor once this instance's own events are written and delivered (any backend). */
  async currentCursor(): Promise<string> {
    await this.settled();
    return this.journal.cursorOf(this.journal.head);
  }

  /**
   * A live stream of events matching `types` and `ids`, preceded by a snapshot or by a
   * replay after a cursor (see listen). With SQLite a cursor it cannot serve throws here;
   * with Redis the first next() rejects.
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
    const queue = live;
    async function* run(): AsyncGenerator<ProgressEvent> {
      for (let page = await listening.prefix(); page !== null; page = await listening.prefix()) yield* page;
      // What was dropped before an event the replay already delivered counts for the next one.
      let missed = 0;
      for await (const event of queue) {
        missed += event.missed;
        if (event.seq <= listening.head) continue;
        yield missed === event.missed ? event : { ...event, missed };
        missed = 0;
      }
    }
    return withRelease(run(), () => queue.close());
  }

  /**
   * The core of every subscription (yoga's stream and the WebSocket fan-out): registers
   * `onEvent` for live events matching `types` and `ids` at once (called inside the
   * delivering turn; it must not throw), and returns the prefix to deliver first — a pager
   * over the log after `after`, or the snapshot — which ends at `head`. Live events all come
   * after `head`. With SQLite a cursor it cannot serve throws CursorExpiredError or
   * BadInputError at once; with Redis the prefix rejects with them.
   */
  listen(options: Omit<StreamOptions, 'capacity'>, onEvent: (event: ProgressEvent) => void): Listening {
    return this.prefixFor(options, onEvent);
  }

  /**
   * The prefix alone (snapshot or replay up to the head at this turn), with no listener of
   * its own: for a subscriber that joins a group already listening (the WebSocket fan-out).
   */
  prefixFor(options: Omit<StreamOptions, 'capacity'>, onEvent?: (event: ProgressEvent) => void): Listening {
    const after = options.after ?? null;
    let checked: CursorCheck | Promise<CursorCheck> | null = null;
    if (after !== null) {
      if (this.sync) {
        this.flush();
        const check = this.sync.checkCursorNow(after);
        if (!check.ok) throw cursorError(after, check);
        checked = check;
      } else {
        checked = this.journal.checkCursor(after);
        // Handled by the prefix; never an unhandled rejection meanwhile.
        checked.catch(() => undefined);
      }
    }
    this.flush();
    const types = options.types?.length ? [...new Set(options.types)] : PROGRESS_TYPES;
    const ids = options.ids?.length ? new Set(options.ids) : null;
    const matches = (p: ProgressRecord) => (!ids || ids.has(p.id)) && types.includes(p.type);
    const unsubscribe = onEvent
      ? this.pubsub.subscribe(types, (e) => {
          if (!ids || ids.has(e.progress.id)) onEvent(e);
        })
      : () => undefined;
    const state = { head: this.journal.head };
    this.listenings.add(state);
    const close = () => {
      unsubscribe();
      this.listenings.delete(state);
    };
    let prefix: Listening['prefix'] = () => null;
    if (checked !== null) {
      let cursor: number | null = null;
      const page = (rows: ProgressEvent[]) => {
        const upTo = rows.filter((e) => e.seq <= state.head);
        cursor = upTo.length && upTo.length === rows.length ? rows[rows.length - 1]!.seq : state.head;
        return upTo.filter((e) => matches(e.progress));
      };
      if (this.sync) {
        const sync = this.sync;
        cursor = (checked as Extract<CursorCheck, { ok: true }>).seq;
        prefix = () => (cursor! >= state.head ? null : page(sync.readAfterNow(cursor!, REPLAY_PAGE)));
      } else {
        const pending = checked;
        prefix = async () => {
          if (cursor === null) {
            const check = await pending;
            if (!check.ok) throw cursorError(after!, check);
            cursor = check.seq;
            // A cursor another instance handed out before this one delivered it: live
            // events up to it are not for this subscriber.
            if (cursor > state.head) state.head = cursor;
          }
          if (cursor >= state.head) return null;
          return page(await this.journal.readAfter(cursor, REPLAY_PAGE));
        };
      }
    } else if (options.snapshot) {
      const cursor = this.journal.cursorOf(state.head);
      // As delivered, with this instance's own latest states (a throttled update is current).
      let snapshot: PrefixPage = this.getActive(types)
        .filter(matches)
        .map((progress) => ({
          seq: state.head,
          cursor,
          missed: 0,
          type: EVENT_TYPE_OF[progress.type],
          room: ROOM_OF[progress.type],
          progress,
        }));
      prefix = () => {
        const out = snapshot;
        snapshot = null;
        return out;
      };
    }
    return {
      get head() {
        return state.head;
      },
      prefix,
      close,
    };
  }

  // ---- lifecycle --------------------------------------------------------------------------

  /** Sends every throttled state, writes what is pending, and stops timers. */
  close(): void {
    for (const tracked of this.active.values()) {
      if (tracked.trailing) this.emit(tracked);
    }
    this.flush();
    this.closed = true;
    this.stopListening();
  }

  /** close(), then waits for the writes in hand (asynchronous journals). */
  async closeAndSettle(): Promise<void> {
    this.closing = true;
    for (const tracked of this.active.values()) {
      if (tracked.trailing) this.emit(tracked);
    }
    this.flush();
    await this.writeChain;
    this.closed = true;
    this.stopListening();
  }
}

/** The journals' listen(); the Redis one also tells when its log was replaced. */
type RedisListen = (listener: (events: readonly ProgressEvent[]) => void, onReset?: () => void) => () => void;
