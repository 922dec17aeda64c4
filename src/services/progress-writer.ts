import type { Logger } from 'pino';
import { isFinished, type ProgressEvent, type ProgressRecord } from '../domain/progress-types.js';
import type { JournalBatch, JournalEntry, ProgressJournal, ProgressStateReader } from '../store/progress-journal.js';
import type { SyncJournal } from '../store/sqlite-journal.js';
import { MAX_UNWRITTEN_EVENTS, UnwrittenEvents } from './unwritten-events.js';

/** Prune the log and history after this many appended events. */
export const PRUNE_EVERY_EVENTS = 500;
/** First pause between two tries of a journal write that failed (Redis away). */
const WRITE_RETRY_MIN_MS = 100;
/** Longest pause between two tries of a journal write that failed. */
const WRITE_RETRY_MAX_MS = 2_000;
/** Most events in one write of an asynchronous journal (one append script). */
const WRITE_BATCH_MAX = 1_000;
/** How often settled() looks whether the journal delivered the last write back. */
const SETTLE_POLL_MS = 5;

/** What pruning removed. */
export interface Pruned {
  events: number;
  history: number;
}

export interface ProgressWriterOptions {
  journal: ProgressJournal & ProgressStateReader;
  /** The journal when it is synchronous (SQLite): a batch is written in the flushing turn. */
  sync: (ProgressJournal & SyncJournal) | null;
  logger: Logger;
  /** Events the log keeps when it is pruned. */
  eventLogRetention: number;
  /** Finished operations history keeps when it is pruned. */
  historyLimit: number;
  /** Events held while an asynchronous journal cannot be written (see UnwrittenEvents). @default MAX_UNWRITTEN_EVENTS */
  maxUnwrittenEvents?: number | undefined;
  /**
   * The first write of a streak that failed (SQLite): its events went out with cursors of an
   * epoch no log has. Not called again until a write succeeds.
   */
  onWriteFailed: (err: unknown, events: readonly ProgressEvent[]) => void;
  /** After each write: what pruning removed (often nothing). */
  onPruned: (pruned: Pruned) => void;
}

/**
 * Persistence through the journal: emitted events wait in a batch that is handed over on the
 * next turn of the event loop (a burst is one write). With SQLite the write and the
 * publishing happen in the flushing call; with Redis batches are written in order, one after
 * another, and retried while Redis is away (live progress then waits for it, held in
 * UnwrittenEvents: conflated per id and bounded).
 */
export class ProgressWriter {
  private pending: JournalEntry[] = [];
  /** Events for an asynchronous journal not yet written: conflated and bounded while it is away. */
  private readonly unwritten: UnwrittenEvents;
  /** In-between updates dropped at that bound, since the start. */
  private unwrittenDropped = 0;
  private writeLoop: Promise<void> | null = null;
  private writeChain: Promise<void> = Promise.resolve();
  private lastWritten = 0;
  private writeFailing = false;
  /** The last write of the log failed (SQLite): one onWriteFailed per streak. */
  private persistenceFailing = false;
  private flushScheduled: NodeJS.Immediate | null = null;
  private sincePrune = 0;
  /** Stopping: a write that fails is given up rather than retried. */
  private closing = false;
  private closed = false;

  constructor(private readonly options: ProgressWriterOptions) {
    this.unwritten = new UnwrittenEvents(options.maxUnwrittenEvents ?? MAX_UNWRITTEN_EVENTS);
    // Conflated only while writes fail: a journal that keeps up gets every event.
    this.unwritten.conflating = false;
  }

  /** Events held and in-between updates dropped while the journal could not be written. */
  unwrittenStats(): { held: number; dropped: number } {
    return { held: this.unwritten.size, dropped: this.unwrittenDropped };
  }

  /** Adds an event to the next batch. */
  push(entry: JournalEntry): void {
    this.pending.push(entry);
    if (!this.flushScheduled && !this.closed) this.flushScheduled = setImmediate(() => this.flush());
  }

  /** The latest record of `id` emitted and not yet handed to the journal, if any. */
  pendingRecord(id: string): ProgressRecord | undefined {
    return this.pending.findLast((e) => e.progress.id === id)?.progress;
  }

  /** Hands the pending events (and the records they carry) to the journal as one batch now. */
  flush(): void {
    if (this.flushScheduled) {
      clearImmediate(this.flushScheduled);
      this.flushScheduled = null;
    }
    if (this.pending.length === 0) return;
    const entries = this.pending;
    this.pending = [];
    const { sync, logger } = this.options;
    if (sync) {
      const batch = this.batchOf(entries);
      try {
        sync.appendNow(batch);
        this.persistenceFailing = false;
      } catch (err) {
        // Live progress goes on, but the log lacks these events: the journal gives them
        // cursors of an epoch no log will have and starts a new one (cursors from before the
        // hole expire too).
        logger.error({ err, events: entries.length }, 'could not persist progress events');
        const events = sync.publishUnwritten(batch);
        if (!this.persistenceFailing) {
          // Its report may fail to be written too: the streak flag keeps that from reporting itself forever.
          this.persistenceFailing = true;
          this.options.onWriteFailed(err, events);
        }
      }
      this.options.onPruned(sync.takePruned());
      return;
    }
    for (const entry of entries) {
      if (this.unwritten.push(entry)) continue;
      this.unwrittenDropped += 1;
      // Once per outage: the count comes when writes succeed again.
      if (this.unwritten.dropped === 1) {
        logger.warn({ held: this.unwritten.size }, 'the journal cannot be written and holds as many events as it may: in-between progress updates are dropped (the latest of each operation and every start and finish are kept)');
      }
    }
    if (!this.writeLoop) this.writeChain = this.writeLoop = this.writeUnwritten();
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
    return {
      events: entries,
      active,
      finished,
      prune: prune ? { events: this.options.eventLogRetention, history: this.options.historyLimit } : null,
    };
  }

  /** Writes what is held, oldest first, until nothing is; retries (with backoff) while it fails. */
  private async writeUnwritten(): Promise<void> {
    const { journal, logger } = this.options;
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
        const events = await journal.append(this.batchOf(entries));
        this.lastWritten = events.at(-1)?.seq ?? this.lastWritten;
        this.options.onPruned(journal.takePruned());
        const dropped = this.unwritten.takeDropped();
        if (this.writeFailing || dropped) {
          logger.warn({ dropped }, `progress events are written again${dropped ? `; ${dropped} in-between updates were dropped meanwhile` : ''}`);
        }
        this.writeFailing = false;
        this.unwritten.conflating = false;
        pause = WRITE_RETRY_MIN_MS;
      } catch (err) {
        if (this.closed || this.closing) {
          const lost = entries.length + this.unwritten.take(Infinity).length;
          logger.error({ err, events: lost }, 'stopping with progress events that could not be written');
          this.writeLoop = null;
          return;
        }
        if (!this.writeFailing) logger.error({ err: (err as Error).message }, 'could not write progress events; retrying');
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
    while (this.options.journal.head < target && !this.closed) await new Promise((r) => setTimeout(r, SETTLE_POLL_MS));
  }

  /** Writes what is pending; nothing is scheduled any more. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  /** close(), waiting for the writes in hand; a write that fails meanwhile is given up. */
  async closeAndSettle(): Promise<void> {
    this.closing = true;
    this.flush();
    await this.writeChain;
    this.closed = true;
  }
}
