import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DownloadInterruptedError } from '../core/errors.js';
import type { EpisodeRef } from '../core/series-app.js';
import type { AsyncQueueStore, QueueItemRecord } from '../store/queue-store.js';
import { downloadProgressId, type AnimeService, type SeriesLookup } from './anime-service.js';
import { BadInputError, ServiceError } from './errors.js';
import type { ProgressService } from './progress-service.js';
import type { ProgressRecord } from './progress-types.js';
import { isOpen, queueStatus, type QueueStatusView } from './queue-status.js';
import { LOCAL_GATE, type RunnerGate } from './runner-gate.js';

/** Progress id of the queue (the contract's). */
export const QUEUE_PROGRESS_ID = 'download_queue';
/** Most episodes one enqueue call may add. */
export const MAX_ENQUEUE = 1_000;
const RUNNING_FLAG = 'queue_running';
/** Longest a cancel waits for the aborted download to remove its part file. */
export const CANCEL_SETTLE_MS = 5_000;

export interface DownloadServiceOptions {
  anime: AnimeService;
  progress: ProgressService;
  store: AsyncQueueStore;
  logger: Logger;
  /** Downloads at once. @default 1 */
  concurrency?: number;
  /** Where changes run when this instance does not run the queue. @default LOCAL_GATE (one process) */
  gate?: RunnerGate;
}

type QueueAction =
  | 'enqueued'
  | 'started'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'removed'
  | 'retried'
  | 'cleared'
  | 'resumed'
  | 'queue_started'
  | 'queue_stopped';

const sameEpisode = (a: EpisodeRef, b: EpisodeRef) =>
  a.serieFolder === b.serieFolder && a.season === b.season && a.episode === b.episode;

/**
 * The persisted FIFO download queue. Every change is written to the store before it is
 * announced, and announced only through ProgressService (progress id download_queue).
 * After a crash, items that were downloading resume first, from the bytes on disk.
 *
 * Only the instance that runs the queue holds it in memory and changes it (`takeOver` makes
 * this one the runner, `relinquish` stops that); on the others every change goes through the
 * gate to the runner, and reads come from the store.
 */
export class DownloadService {
  private readonly anime: AnimeService;
  private readonly progress: ProgressService;
  private readonly store: AsyncQueueStore;
  private readonly logger: Logger;
  private readonly concurrency: number;
  private readonly gate: RunnerGate;
  private items: QueueItemRecord[] = [];
  private running = true;
  private nextPosition = 1;
  /** Running downloads: how to stop each, and when it has let go of its files. */
  private readonly downloading = new Map<string, { controller: AbortController; settled: Promise<void> }>();
  /** Not running the queue (yet, or any more): nothing starts. */
  private stopped = true;

  constructor(options: DownloadServiceOptions) {
    this.anime = options.anime;
    this.progress = options.progress;
    this.store = options.store;
    this.logger = options.logger;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.gate = options.gate ?? LOCAL_GATE;
  }

  /**
   * Makes this instance the queue's runner: loads the queue. Then recover() takes over the
   * downloads the last runner left, and pump() starts downloading.
   */
  async takeOver(): Promise<void> {
    this.items = await this.store.load();
    this.running = (await this.store.getFlag(RUNNING_FLAG)) !== 'false';
    this.nextPosition = this.items.reduce((max, i) => Math.max(max, i.position), 0) + 1;
    this.stopped = false;
  }

  /**
   * Stops being the runner (the lease went to another instance, or this one stops): running
   * downloads are aborted and stay DOWNLOADING in the store, for the next runner to resume;
   * this instance forgets their progress records without finishing them.
   */
  async relinquish(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const runs = [...this.downloading.values()];
    for (const run of runs) run.controller.abort(new DownloadInterruptedError());
    await Promise.race([
      Promise.all(runs.map((r) => r.settled)),
      new Promise((resolve) => setTimeout(resolve, CANCEL_SETTLE_MS).unref()),
    ]);
    this.progress.release(this.items.filter((i) => i.status === 'DOWNLOADING').map(downloadProgressId));
    this.progress.release([QUEUE_PROGRESS_ID]);
    this.items = [];
  }

  /** This instance runs the queue now. */
  get isRunner(): boolean {
    return !this.stopped;
  }

  /** Writes in the background (queue order on one connection); a failure is logged. */
  private persist(write: Promise<void>): void {
    write.catch((err: unknown) => this.logger.error({ err }, 'could not write the queue'));
  }

  /**
   * Takes over what the last process left: downloads that were running go back to the
   * head of the queue (their part files make them resume) and keep their progress records,
   * and so do items that were already waiting again after an earlier interruption (a second
   * restart before the queue ran them must not fail them). Records of items that finished
   * just before a crash end as the item did. Returns the progress ids taken over.
   */
  recover(): string[] {
    const interrupted = this.items.filter((i) => i.status === 'DOWNLOADING');
    for (const item of interrupted) item.status = 'PENDING';
    if (interrupted.length) this.persist(this.store.save(interrupted));
    const resumed: string[] = [];
    for (const item of this.items) {
      const id = downloadProgressId(item);
      if (item.status === 'PENDING') {
        if (!this.progress.claimInterrupted(id)) continue;
        resumed.push(id);
        // Nothing runs it until the queue does: say so rather than show it IN_PROGRESS.
        if (!this.running) {
          this.progress.updateProgress(id, {
            status: 'PENDING',
            message: 'Interrupted; resumes when the queue is started',
            forceBroadcast: true,
          });
        }
      } else if (this.progress.claimInterrupted(id)) {
        // The item's end was saved, its record's was not (a crash in between): end it alike.
        if (item.status === 'COMPLETED') {
          this.progress.completeProgress(id, { message: item.filePath ? `Saved ${item.filePath}` : null, metadata: { filePath: item.filePath } });
        } else if (item.status === 'FAILED') {
          this.progress.failProgress(id, item.error ?? 'download failed', { code: 'DOWNLOAD_FAILED' });
        } else {
          this.progress.cancelProgress(id, { message: 'Download cancelled' });
        }
      }
    }
    if (this.unfinished().length > 0) {
      this.progress.claimInterrupted(QUEUE_PROGRESS_ID);
      this.announce('resumed');
    }
    return resumed;
  }

  // ---- reads ------------------------------------------------------------------------------

  /** The queue (on an instance that does not run it: as the runner last wrote it). */
  async status(): Promise<QueueStatusView> {
    if (this.gate.local && !this.stopped) return this.localStatus();
    const items = await this.store.load();
    const running = (await this.store.getFlag(RUNNING_FLAG)) !== 'false';
    return queueStatus(items, running, (i) => this.progressOf(i));
  }

  private localStatus(): QueueStatusView {
    return queueStatus(this.items, this.running, (i) => this.progressOf(i));
  }

  get(id: string): QueueItemRecord | null {
    return this.items.find((i) => i.id === id) ?? null;
  }

  /** The live progress record of an item while it has one. */
  progressOf(item: QueueItemRecord): ProgressRecord | null {
    if (item.status !== 'DOWNLOADING') return null;
    return this.progress.activeRecord(downloadProgressId(item));
  }

  private unfinished(): QueueItemRecord[] {
    return this.items.filter(isOpen);
  }

  /** Runs `name` on the queue runner when it is not this instance; undefined when it is. */
  private remote<T>(name: string, args: unknown[]): Promise<T> | undefined {
    if (this.gate.local && !this.stopped) return undefined;
    return this.gate.call(`queue.${name}`, args) as Promise<T>;
  }

  // ---- changes ----------------------------------------------------------------------------

  /**
   * Appends episodes (FIFO). Everything is checked first; one bad episode refuses the
   * whole request and nothing changes. An episode already pending or active is returned
   * as it is, not queued twice.
   */
  async enqueue(episodes: readonly EpisodeRef[]): Promise<QueueItemRecord[]> {
    if (episodes.length > MAX_ENQUEUE) throw new BadInputError(`episodes: at most ${MAX_ENQUEUE} per request`);
    const remote = this.remote<QueueItemRecord[]>('enqueue', [episodes]);
    if (remote) return remote;
    const checked = [];
    const lookups = new Map<string, Promise<SeriesLookup>>();
    for (const [index, ep] of episodes.entries()) {
      try {
        checked.push(await this.anime.checkEpisode(ep, lookups));
      } catch (err) {
        if (err instanceof Error && 'code' in err) {
          (err as Error).message = `episodes[${index}] (${ep.serieFolder} S${ep.season}E${ep.episode}): ${err.message}`;
        }
        throw err;
      }
    }
    const result: QueueItemRecord[] = [];
    const added: QueueItemRecord[] = [];
    for (const ep of checked) {
      const existing =
        this.unfinished().find((i) => sameEpisode(i, ep)) ?? added.find((i) => sameEpisode(i, ep));
      if (existing) {
        if (!result.includes(existing)) result.push(existing);
        continue;
      }
      const item: QueueItemRecord = {
        id: randomUUID(),
        position: this.nextPosition++,
        serieFolder: ep.serieFolder,
        serieName: ep.serieName,
        season: ep.season,
        episode: ep.episode,
        status: 'PENDING',
        error: null,
        retryCount: 0,
        size: ep.size,
        addedAt: Date.now(),
        startedAt: null,
        completedAt: null,
        filePath: null,
      };
      added.push(item);
      result.push(item);
    }
    if (added.length) {
      // In memory at once (a concurrent request sees them), undone if the write fails.
      this.items.push(...added);
      try {
        await this.store.save(added);
      } catch (err) {
        this.items = this.items.filter((i) => !added.includes(i));
        throw err;
      }
      this.announce('enqueued', { added: added.length });
      this.pump();
    }
    return result;
  }

  /** Queues every missing episode of one series, or of the whole library. */
  async enqueueMissing(serieFolder?: string | null): Promise<QueueItemRecord[]> {
    const remote = this.remote<QueueItemRecord[]>('enqueueMissing', [serieFolder ?? null]);
    if (remote) return remote;
    const library = await this.anime.listLibrary();
    const series = serieFolder == null ? library : library.filter((s) => s.folder === serieFolder);
    if (serieFolder != null && series.length === 0) {
      await this.anime.checkSeriesFolder(serieFolder); // says what is wrong with the folder, if anything
      throw new ServiceError('NOT_IN_LIBRARY', `"${serieFolder}" has not been scanned yet: run startScan first`);
    }
    const episodes = series.flatMap((s) =>
      s.missingEpisodes.map((m) => ({ serieFolder: s.folder, season: m.season, episode: m.episode })),
    );
    return episodes.length ? this.enqueue(episodes) : [];
  }

  /**
   * Cancels one item: an active download is aborted. Resolves with the item, CANCELLED, once
   * its part file is gone (or after CANCEL_SETTLE_MS at most), so a caller never sees one.
   */
  async cancel(id: string): Promise<QueueItemRecord | null> {
    const remote = this.remote<QueueItemRecord | null>('cancel', [id]);
    if (remote) return remote;
    const item = this.get(id);
    if (!item) return null;
    if (item.status !== 'PENDING' && item.status !== 'DOWNLOADING') return item;
    const before = { ...item };
    item.status = 'CANCELLED';
    item.completedAt = Date.now();
    try {
      await this.store.save([item]);
    } catch (err) {
      Object.assign(item, before);
      throw err;
    }
    const settled = this.stopOrDiscard(item);
    this.announce('cancelled', { itemId: id });
    this.pump();
    await settled;
    return { ...item };
  }

  /** Aborts a running download, or removes what an interrupted one left; bounded wait. */
  private stopOrDiscard(item: QueueItemRecord): Promise<void> {
    const run = this.downloading.get(item.id);
    run?.controller.abort();
    if (!run) {
      // Interrupted by a restart and not running since: its progress record ends here.
      const id = downloadProgressId(item);
      const record = this.progress.activeRecord(id);
      if (record && (record.status === 'PENDING' || record.status === 'IN_PROGRESS')) {
        this.progress.cancelProgress(id, { message: 'Download cancelled' });
      }
    }
    const done = run ? run.settled : this.discardPartial(item);
    return Promise.race([done, new Promise<void>((resolve) => setTimeout(resolve, CANCEL_SETTLE_MS).unref())]);
  }

  /** Removes items (an active one is cancelled first); resolves with how many went. */
  async remove(ids: readonly string[]): Promise<number> {
    const remote = this.remote<number>('remove', [ids]);
    if (remote) return remote;
    const wanted = new Set(ids);
    const gone = this.items.filter((i) => wanted.has(i.id));
    if (!gone.length) return 0;
    await this.store.remove(gone.map((i) => i.id));
    const open = gone.filter(isOpen);
    for (const item of open) item.status = 'CANCELLED';
    this.items = this.items.filter((i) => !wanted.has(i.id));
    const settled = Promise.all(open.map((i) => this.stopOrDiscard(i)));
    this.announce('removed', { removed: gone.length });
    this.pump();
    await settled;
    return gone.length;
  }

  /** Puts failed items (all, or those given) back in line; each retry counts. */
  async retryFailed(ids?: readonly string[] | null): Promise<QueueItemRecord[]> {
    const remote = this.remote<QueueItemRecord[]>('retryFailed', [ids ?? null]);
    if (remote) return remote;
    const wanted = ids ? new Set(ids) : null;
    const retried = this.items.filter((i) => i.status === 'FAILED' && (!wanted || wanted.has(i.id)));
    for (const item of retried) {
      item.status = 'PENDING';
      item.error = null;
      item.retryCount++;
      item.startedAt = null;
      item.completedAt = null;
      item.position = this.nextPosition++;
    }
    if (retried.length) {
      this.items.sort((a, b) => a.position - b.position);
      this.persist(this.store.save(retried));
      this.announce('retried', { retried: retried.length });
      this.pump();
    }
    return retried.map((i) => ({ ...i }));
  }

  async clearCompleted(): Promise<number> {
    const remote = this.remote<number>('clearCompleted', []);
    if (remote) return remote;
    const done = this.items.filter((i) => i.status === 'COMPLETED');
    if (!done.length) return 0;
    await this.store.remove(done.map((i) => i.id));
    this.items = this.items.filter((i) => i.status !== 'COMPLETED');
    this.announce('cleared', { cleared: done.length });
    return done.length;
  }

  async start(): Promise<QueueStatusView> {
    const remote = this.remote<QueueStatusView>('start', []);
    if (remote) return remote;
    if (!this.running) {
      await this.store.setFlag(RUNNING_FLAG, 'true');
      this.running = true;
      this.announce('queue_started');
      this.pump();
    }
    return this.localStatus();
  }

  /** Stops starting downloads; the ones running finish. */
  async stop(): Promise<QueueStatusView> {
    const remote = this.remote<QueueStatusView>('stop', []);
    if (remote) return remote;
    if (this.running) {
      await this.store.setFlag(RUNNING_FLAG, 'false');
      this.running = false;
      this.announce('queue_stopped');
    }
    return this.localStatus();
  }

  // ---- running downloads ------------------------------------------------------------------

  /** Starts pending items in queue order while the queue runs and slots are free. */
  pump(): void {
    if (this.stopped || !this.running) return;
    let active = this.items.filter((i) => i.status === 'DOWNLOADING').length;
    for (const item of this.items) {
      if (active >= this.concurrency) break;
      if (item.status !== 'PENDING') continue;
      active++;
      this.run(item);
    }
  }

  private run(item: QueueItemRecord): void {
    const controller = new AbortController();
    item.status = 'DOWNLOADING';
    item.startedAt = Date.now();
    item.error = null;
    this.persist(this.store.save([item]));
    this.announce('started', { itemId: item.id });
    const settled = this.anime
      .download(item, controller.signal)
      .then(
        (result) => {
          if (item.status !== 'DOWNLOADING') return;
          // The download's COMPLETED event goes to the log first: a crash between the two
          // writes then leaves a finished record and an item that resumes (and finds its
          // file), never a COMPLETED item whose record a restart fails as interrupted.
          this.progress.flush();
          item.status = 'COMPLETED';
          item.filePath = result.filePath;
          item.completedAt = Date.now();
          this.persist(this.store.save([item]));
          this.announce('completed', { itemId: item.id });
        },
        (err: unknown) => {
          // Cancelled or removed meanwhile (already recorded), or the service is stopping:
          // then the item stays DOWNLOADING on disk and resumes at the next start.
          if (item.status !== 'DOWNLOADING' || this.stopped) return;
          this.progress.flush(); // its FAILED event first, as above
          item.status = 'FAILED';
          item.error = this.anime.describeError(err);
          item.completedAt = Date.now();
          this.persist(this.store.save([item]));
          this.announce('failed', { itemId: item.id });
        },
      )
      .catch((err: unknown) => this.logger.error({ err }, 'queue bookkeeping failed'))
      .finally(() => {
        this.downloading.delete(item.id);
        this.pump();
      });
    this.downloading.set(item.id, { controller, settled });
  }

  /** A pending item that ran before (then the service stopped) may have left a part file. */
  private async discardPartial(item: QueueItemRecord): Promise<void> {
    if (item.startedAt === null) return;
    await this.anime
      .discardPartial(item)
      .catch((err: unknown) => this.logger.warn({ err, itemId: item.id }, 'could not remove a part file'));
  }

  /** Reports a queue change through ProgressService (never straight to subscribers). */
  private announce(action: QueueAction, extra: Record<string, unknown> = {}): void {
    const s = this.localStatus();
    const counts = {
      pending: s.pending.length,
      active: s.active.length,
      completed: s.completed.length,
      failed: s.failed.length,
    };
    const open = counts.pending + counts.active;
    const metadata = { action, ...counts, isRunning: s.isRunning, overallPercent: s.overallPercent, ...extra };
    const message = `${open} to go, ${counts.completed} done, ${counts.failed} failed${s.isRunning ? '' : ' (stopped)'}`;
    const finished = counts.completed + counts.failed;
    // Only a record this instance produces can be updated (another runner's is adopted first).
    const live = this.progress.isProducing(QUEUE_PROGRESS_ID);
    if (!live) {
      if (open === 0 && action !== 'cleared' && action !== 'queue_started' && action !== 'queue_stopped') return;
      this.progress.startProgress(QUEUE_PROGRESS_ID, 'QUEUE', 'Download queue', { metadata, message });
    }
    this.progress.updateProgress(QUEUE_PROGRESS_ID, {
      current: finished,
      total: finished + open,
      message,
      metadata,
      forceBroadcast: true,
    });
    if (open === 0) this.progress.completeProgress(QUEUE_PROGRESS_ID, { message });
  }

  /** Stops starting downloads and aborts running ones; they stay DOWNLOADING and resume on restart. */
  async close(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const run of this.downloading.values()) run.controller.abort(new DownloadInterruptedError());
    // Let them close their files before the database and the process go.
    await Promise.race([
      Promise.all([...this.downloading.values()].map((r) => r.settled)),
      new Promise((resolve) => setTimeout(resolve, CANCEL_SETTLE_MS).unref()),
    ]);
  }
}
