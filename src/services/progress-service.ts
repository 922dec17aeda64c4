import type { Logger } from 'pino';
import {
  EVENT_TYPE_OF,
  ROOM_OF,
  type ProgressEvent,
  type ProgressMetadata,
  type ProgressRecord,
  type ProgressStatus,
  type ProgressType,
} from '../domain/progress-types.js';
import type { ProgressJournal, ProgressStateReader } from '../store/progress-journal.js';
import type { HistoryPage, HistoryQuery } from '../store/progress-store.js';
import type { SyncJournal } from '../store/sqlite-journal.js';
import { NotFoundError } from './errors.js';
import type { DropTally } from './live-queue.js';
import { ProgressHandlers, type ProgressEventName, type ProgressHandler } from './progress-handlers.js';
import { DEFAULT_HISTORY_LIMIT, DEFAULT_THROTTLE_MS, MIN_EVENT_LOG_RETENTION } from './progress-limits.js';
import { MAINTENANCE_PROGRESS_ID, MaintenanceReports } from './progress-maintenance.js';
import type { ProgressPubSub } from './progress-pubsub.js';
import { etaOf, finishedRecord, newRecord, nextSpeed, percentOf } from './progress-records.js';
import { INTERRUPTED_ERROR, Recovery } from './progress-recovery.js';
import { ProgressState } from './progress-state.js';
import { ProgressStreams, type Listening, type StreamOptions } from './progress-streams.js';
import { Throttle, track, type Tracked } from './progress-throttle.js';
import { ProgressWriter } from './progress-writer.js';

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

/** The journals' listen(); the Redis one also tells when its log was replaced. */
type JournalListen = (listener: (events: readonly ProgressEvent[]) => void, onReset?: () => void) => () => void;

function isSync(journal: ProgressJournal): journal is ProgressJournal & SyncJournal {
  return typeof (journal as Partial<SyncJournal>).appendNow === 'function';
}

/**
 * The single source of truth for progress, and the facade over its parts. Producers (this
 * instance's scans, downloads, the queue) start, update and finish operations here: record
 * math (progress-records), throttling (progress-throttle), then a batch per turn to the
 * journal (progress-writer), which numbers the events, writes them with the records they
 * change and delivers them — on every instance sharing it — back to `deliver`, the only place
 * that publishes. So subscribers of any instance see one order, and a cursor a client saw is
 * in the log. The view of active operations (progress-state) is what the journal delivered,
 * overlaid with this instance's own latest states; what a gone process left active is
 * recovered (progress-recovery). Subscriptions read through progress-streams, in-process
 * consumers through progress-handlers.
 */
export class ProgressService {
  private readonly journal: ProgressJournal & ProgressStateReader;
  private readonly sync: (ProgressJournal & SyncJournal) | null;
  private readonly pubsub: ProgressPubSub;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly state: ProgressState;
  private readonly recovery: Recovery;
  private readonly throttle: Throttle;
  private readonly writer: ProgressWriter;
  private readonly streams: ProgressStreams;
  private readonly handlers: ProgressHandlers;
  private readonly maintenance: MaintenanceReports;
  private readonly deliveredWriters = new Set<(events: readonly ProgressEvent[]) => void>();
  private readonly stopListening: () => void;

  constructor(options: ProgressServiceOptions) {
    this.journal = options.journal;
    this.sync = isSync(options.journal) ? options.journal : null;
    this.pubsub = options.pubsub;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    const eventLogRetention = Math.max(MIN_EVENT_LOG_RETENTION, options.eventLogRetention ?? 0);
    const historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    this.state = new ProgressState(!this.sync);
    this.recovery = new Recovery(this.state, this.now);
    this.throttle = new Throttle(options.throttleMs ?? DEFAULT_THROTTLE_MS, this.now);
    this.handlers = new ProgressHandlers(this.pubsub, this.logger);
    this.maintenance = new MaintenanceReports(this.now, ({ events, history }) => {
      this.recordFinished(MAINTENANCE_PROGRESS_ID, 'SYSTEM', 'Maintenance', {
        status: 'COMPLETED',
        message: `Pruned ${events} events from the log and ${history} entries from history`,
        metadata: { eventsPruned: events, historyPruned: history, eventLogRetention, historyLimit },
      });
    });
    this.writer = new ProgressWriter({
      journal: this.journal,
      sync: this.sync,
      logger: this.logger,
      eventLogRetention,
      historyLimit,
      maxUnwrittenEvents: options.maxUnwrittenEvents,
      onPruned: (pruned) => this.maintenance.add(pruned),
      onWriteFailed: (err, events) =>
        this.reportError({
          source: PERSISTENCE_COMPONENT,
          code: 'PERSISTENCE_FAILED',
          error: `could not write ${events.length} progress events to the event log: ${(err as Error)?.message ?? String(err)}`,
          title: 'Event log write failed',
          metadata: { events: events.length, firstSeq: events[0]?.seq, lastSeq: events.at(-1)?.seq },
        }),
    });
    this.streams = new ProgressStreams({
      journal: this.journal,
      sync: this.sync,
      pubsub: this.pubsub,
      flush: () => this.writer.flush(),
      active: (types) => this.getActive(types),
      drops: options.drops,
    });
    // One process: whatever the last one left active is this one's to resume or fail.
    if (this.sync) this.recovery.inherit(this.sync.store.loadActive());
    this.stopListening = (this.journal as ProgressJournal & { listen: JournalListen }).listen(
      (events) => this.deliver(events),
      () => this.onLogReset(),
    );
  }

  /** Loads the active operations other instances run (asynchronous journals only). */
  async open(): Promise<void> {
    if (this.sync) return;
    this.state.load(await this.journal.loadActive());
  }

  /** Which backend holds the journal. */
  get backend(): 'sqlite' | 'redis' {
    return this.journal.backend;
  }

  // ---- the founding API -------------------------------------------------------------------

  /** Starts (or restarts, when the id is already active) an operation and broadcasts it. */
  startProgress(id: string, type: ProgressType, title: string, options: StartOptions = {}): ProgressRecord {
    this.throttle.cancel(this.state.active.get(id));
    this.recovery.settle(id);
    const record = newRecord(id, type, title, this.now(), { ...options, status: options.status ?? 'IN_PROGRESS' });
    this.emit(this.state.produce(record));
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
    this.throttle.update(tracked, now, Boolean(update.forceBroadcast) || status !== prev.status, () => {
      // A trailing emit of an operation since restarted or finished goes nowhere.
      if (this.state.active.get(id) === tracked) this.emit(tracked);
    });
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
    this.throttle.cancel(this.state.active.get(id));
    this.recovery.settle(id);
    const record: ProgressRecord = {
      ...newRecord(id, type, title, now, { status: options.status, message: options.message, metadata: options.metadata }),
      percent: options.status === 'COMPLETED' ? 100 : 0,
      eta: options.status === 'COMPLETED' ? 0 : null,
      error: options.error ?? null,
      completedAt: now,
    };
    this.emit(track(record));
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
    this.recovery.settle(id);
    this.emit(tracked);
    return tracked.record;
  }

  private mustBeActive(id: string): Tracked {
    const tracked = this.state.active.get(id);
    if (!tracked) throw new NotFoundError(`no active operation with id "${id}"`);
    return tracked;
  }

  // ---- reads ------------------------------------------------------------------------------

  /**
   * The unfinished operation with this id (this instance's latest state, or as delivered from
   * another instance), or null. Synchronous, for producers deciding what to do.
   */
  activeRecord(id: string): ProgressRecord | null {
    return this.state.activeRecord(id);
  }

  /** This instance produces the operation: it is active and this instance's to update. */
  isProducing(id: string): boolean {
    return this.state.active.has(id);
  }

  /**
   * The active operation with this id, or the latest finished one. With an asynchronous
   * journal (Redis) history is not at hand: use fetchProgress.
   */
  getProgress(id: string): ProgressRecord | null {
    const active = this.state.activeRecord(id);
    if (active) return active;
    // Finished this turn or being written: not in the store yet.
    const pending = this.writer.pendingRecord(id);
    if (pending) return pending;
    const finishing = this.state.finishing.get(id);
    if (finishing) return finishing;
    return this.sync ? this.sync.store.latestFinished(id) : null;
  }

  /** getProgress on any backend. */
  async fetchProgress(id: string): Promise<ProgressRecord | null> {
    return this.getProgress(id) ?? (this.sync ? null : this.journal.latestFinished(id));
  }

  /** Unfinished operations, oldest first. */
  getActive(types?: readonly ProgressType[] | null): ProgressRecord[] {
    return this.state.all(types);
  }

  /** Finished operations, newest first (SQLite: in this turn; use fetchHistory on any backend). */
  getHistory(query: HistoryQuery): HistoryPage {
    if (!this.sync) throw new Error('getHistory needs a synchronous journal: use fetchHistory');
    this.writer.flush();
    return this.sync.store.history(query);
  }

  async fetchHistory(query: HistoryQuery): Promise<HistoryPage> {
    if (this.sync) return this.getHistory(query);
    await this.settled();
    return this.journal.history(query);
  }

  // ---- restart recovery (progress-recovery) -------------------------------------------------

  /** Ids that were active when the last process stopped and nobody has claimed yet. */
  interruptedIds(): string[] {
    return this.recovery.interruptedIds();
  }

  /**
   * Adopts the unfinished operations of `types` that the journal shows and this instance does
   * not run: what a queue runner that died left (several instances). They become this
   * instance's interrupted operations, to claim or to fail.
   */
  adoptInterrupted(types: readonly ProgressType[]): string[] {
    return this.recovery.adopt(types);
  }

  /**
   * An owner takes over an operation the last process left active (e.g. the queue resuming a
   * download); it is then updated and finished as usual. Returns null when there is none.
   */
  claimInterrupted(id: string): ProgressRecord | null {
    return this.recovery.claim(id);
  }

  /** Fails every operation the last process left active that no owner claimed. */
  failInterrupted(): ProgressRecord[] {
    return this.recovery.interruptedIds().map((id) => this.failProgress(id, INTERRUPTED_ERROR, { code: 'INTERRUPTED' }));
  }

  /**
   * Forgets this instance's operations without finishing them (it lost the right to run
   * them: the queue lease went to another instance, which adopts them).
   */
  release(ids: readonly string[]): void {
    for (const id of ids) {
      this.throttle.cancel(this.state.active.get(id));
      this.state.active.delete(id);
      this.recovery.settle(id);
    }
  }

  // ---- emitting and delivery ----------------------------------------------------------------

  private emit(tracked: Tracked): void {
    this.throttle.emitted(tracked);
    const progress = tracked.record;
    this.writer.push({ type: EVENT_TYPE_OF[progress.type], room: ROOM_OF[progress.type], progress });
    this.state.emitted(progress);
  }

  /** Hands what was emitted to the journal now (see ProgressWriter.flush). */
  flush(): void {
    this.writer.flush();
  }

  /** Events held and in-between updates dropped while the journal could not be written. */
  unwrittenStats(): { held: number; dropped: number } {
    return this.writer.unwrittenStats();
  }

  /** Resolves once everything emitted so far is written and delivered back to this instance. */
  settled(): Promise<void> {
    return this.writer.settled();
  }

  /** Where the journal hands over events, in log order, from every instance. */
  private deliver(events: readonly ProgressEvent[]): void {
    for (const event of events) {
      this.state.delivered(event);
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
    this.streams.resetHeads();
    this.state.reset();
  }

  // ---- in-process consumers (progress-handlers) ---------------------------------------------

  /**
   * Calls `handler` for every event (`progress`) or every event of one type, as delivered (on
   * every instance). A handler that throws or rejects is logged and stops nothing.
   */
  subscribe(event: ProgressEventName, handler: ProgressHandler): void {
    this.handlers.subscribe(event, handler);
  }

  unsubscribe(event: ProgressEventName, handler: ProgressHandler): void {
    this.handlers.unsubscribe(event, handler);
  }

  // ---- streams for subscriptions (progress-streams) -----------------------------------------

  /** The cursor a new subscriber would resume from: the last event delivered here. */
  get lastCursor(): string {
    this.writer.flush();
    return this.journal.cursorOf(this.journal.head);
  }

  /** lastCursor once this instance's own events are written and delivered (any backend). */
  async currentCursor(): Promise<string> {
    await this.settled();
    return this.journal.cursorOf(this.journal.head);
  }

  /** See ProgressStreams.stream. */
  stream(options: StreamOptions = {}): AsyncIterableIterator<ProgressEvent> {
    return this.streams.stream(options);
  }

  /** See ProgressStreams.listen. */
  listen(options: Omit<StreamOptions, 'capacity'>, onEvent: (event: ProgressEvent) => void): Listening {
    return this.streams.listen(options, onEvent);
  }

  /** See ProgressStreams.prefixFor. */
  prefixFor(options: Omit<StreamOptions, 'capacity'>, onEvent?: (event: ProgressEvent) => void): Listening {
    return this.streams.prefixFor(options, onEvent);
  }

  // ---- lifecycle --------------------------------------------------------------------------

  /** Sends every throttled state, writes what is pending, and stops timers. */
  close(): void {
    this.emitTrailing();
    this.writer.close();
    this.stopListening();
  }

  /** close(), then waits for the writes in hand (asynchronous journals). */
  async closeAndSettle(): Promise<void> {
    this.emitTrailing();
    await this.writer.closeAndSettle();
    this.stopListening();
  }

  private emitTrailing(): void {
    for (const tracked of this.state.active.values()) {
      if (tracked.trailing) this.emit(tracked);
    }
  }
}
