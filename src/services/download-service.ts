import type { Logger } from 'pino';
import { DownloadPausedError } from '../core/errors.js';
import type { EpisodeRef } from '../core/series-app.js';
import type { ProgressEvent, ProgressRecord } from '../domain/progress-types.js';
import type { SeriesRecord } from '../store/library-store.js';
import type { AsyncQueueStore, QueueItemRecord } from '../store/queue-store.js';
import { downloadProgressId, type AnimeService, type SeriesLookup } from './anime-service.js';
import { BadInputError, NotFoundError } from './errors.js';
import type { ProgressService } from './progress-service.js';
import { QueueModel, isOpen } from './queue-model.js';
import { QUEUE_PROGRESS_ID, announceQueue, type QueueAction } from './queue-progress.js';
import { QueueRunner } from './queue-runner.js';
import { itemProgress, queueAmounts, queueView, type QueueStatusView } from './queue-view.js';
import { LOCAL_GATE, type RunnerGate } from './runner-gate.js';
import { MAX_DOWNLOAD_CONCURRENCY, MIN_DOWNLOAD_CONCURRENCY } from './settings-service.js';

/** Most episodes one enqueue call may add. */
export const MAX_ENQUEUE = 1_000;
/** The store flag that says whether the queue runs (start/stop survive a restart). */
const RUNNING_FLAG = 'queue_running';

export interface DownloadServiceOptions {
  anime: AnimeService;
  progress: ProgressService;
  store: AsyncQueueStore;
  logger: Logger;
  /** Downloads at once; change it live with setConcurrency. @default 1 */
  concurrency?: number;
  /** Where changes run when this instance does not run the queue. @default LOCAL_GATE (one process) */
  gate?: RunnerGate;
}

/**
 * The persisted FIFO download queue. Every change is written to the store before it is
 * announced, and announced only through ProgressService (progress id download_queue).
 * After a crash, items that were downloading resume first, from the bytes on disk.
 *
 * Only the instance that runs the queue holds it in memory and changes it (`takeOver` makes
 * this one the runner, `relinquish` stops that); on the others every change goes through the
 * gate to the runner, and reads come from the store.
 *
 * Its parts: the order of the queue (queue-model), running the downloads (queue-runner),
 * what clients see of it (queue-view, and queue-progress for the download_queue operation).
 */
export class DownloadService {
  private readonly anime: AnimeService;
  private readonly progress: ProgressService;
  private readonly store: AsyncQueueStore;
  private readonly logger: Logger;
  private concurrency: number;
  private readonly gate: RunnerGate;
  private readonly model = new QueueModel();
  private readonly runner: QueueRunner;
  private running = true;
  /** Not running the queue (yet, or any more): nothing starts. */
  private stopped = true;

  constructor(options: DownloadServiceOptions) {
    this.anime = options.anime;
    this.progress = options.progress;
    this.store = options.store;
    this.logger = options.logger;
    this.concurrency = Math.max(MIN_DOWNLOAD_CONCURRENCY, options.concurrency ?? 1);
    this.gate = options.gate ?? LOCAL_GATE;
    this.runner = new QueueRunner({
      anime: this.anime,
      progress: this.progress,
      logger: this.logger,
      items: () => this.model.items,
      persist: (items) => this.persist(this.store.save(items)),
      announce: (action, extra) => this.announce(action, extra),
      stopped: () => this.stopped,
      slotFreed: () => this.pump(),
    });
    this.progress.subscribe('download_progress', (event) => this.onDownloadProgress(event));
  }

  /**
   * Makes this instance the queue's runner: loads the queue. Then recover() takes over the
   * downloads the last runner left, and pump() starts downloading.
   */
  async takeOver(): Promise<void> {
    this.model.load(await this.store.load());
    this.running = (await this.store.getFlag(RUNNING_FLAG)) !== 'false';
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
    await this.runner.abortAll();
    this.progress.release(this.model.withStatus('DOWNLOADING').map(downloadProgressId));
    this.progress.release([QUEUE_PROGRESS_ID]);
    this.model.load([]);
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
    const interrupted = this.model.withStatus('DOWNLOADING');
    for (const item of interrupted) item.status = 'PENDING';
    if (interrupted.length) this.persist(this.store.save(interrupted));
    const resumed: string[] = [];
    for (const item of this.model.items) {
      const id = downloadProgressId(item);
      if (item.status === 'PAUSED') {
        // A paused download's record stays as it was (PENDING, saying paused) until it is resumed.
        this.progress.claimInterrupted(id);
      } else if (item.status === 'PENDING') {
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
    if (this.model.unfinished().length > 0) {
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
    return queueView(this.progress, items, running);
  }

  private localStatus(): QueueStatusView {
    return queueView(this.progress, this.model.items, this.running);
  }

  get(id: string): QueueItemRecord | null {
    return this.model.get(id);
  }

  /** Every item of one episode, whatever its status. */
  itemsOf(ref: EpisodeRef): QueueItemRecord[] {
    return this.model.itemsOf(ref);
  }

  /** The live progress record of an item while it has one (running, or paused after it ran). */
  progressOf(item: QueueItemRecord): ProgressRecord | null {
    return itemProgress(this.progress, item);
  }

  /** Runs `name` on the queue runner when it is not this instance; undefined when it is. */
  private remote<T>(name: string, args: unknown[]): Promise<T> | undefined {
    if (this.gate.local && !this.stopped) return undefined;
    return this.gate.call(`queue.${name}`, args) as Promise<T>;
  }

  /** The run's bytes done and expected (see queueAmounts). */
  private amounts(): { done: number; total: number } {
    return queueAmounts(this.progress, this.model.items);
  }

  /** A download moved: the queue's overall progress moved with it (throttled like any update). */
  private onDownloadProgress(event: ProgressEvent): void {
    if (event.progress.status !== 'IN_PROGRESS') return;
    // Only the queue runner updates the queue's record (it produces it).
    if (!this.progress.isProducing(QUEUE_PROGRESS_ID)) return;
    const record = this.progress.activeRecord(QUEUE_PROGRESS_ID);
    if (!record || record.status !== 'IN_PROGRESS') return;
    const { done, total } = this.amounts();
    if (done === record.current && total === record.total) return;
    this.progress.updateProgress(QUEUE_PROGRESS_ID, { current: done, total });
  }

  // ---- changes ----------------------------------------------------------------------------

  /**
   * Appends episodes (FIFO). Everything is checked first; one bad episode refuses the
   * whole request and nothing changes. An episode already pending or active is returned
   * as it is, not queued twice. One whose file is in the library already is refused
   * (ALREADY_IN_LIBRARY) unless `replace`.
   */
  async enqueue(episodes: readonly EpisodeRef[], options: { replace?: boolean } = {}): Promise<QueueItemRecord[]> {
    if (episodes.length > MAX_ENQUEUE) throw new BadInputError(`episodes: at most ${MAX_ENQUEUE} per request`);
    const remote = this.remote<QueueItemRecord[]>('enqueue', [episodes, options]);
    if (remote) return remote;
    const checked = [];
    const lookups = new Map<string, Promise<SeriesLookup>>();
    for (const [index, ep] of episodes.entries()) {
      try {
        checked.push(await this.anime.checkEpisode(ep, lookups, options));
      } catch (err) {
        if (err instanceof Error && 'code' in err) {
          (err as Error).message = `episodes[${index}] (${ep.serieFolder} S${ep.season}E${ep.episode}): ${err.message}`;
        }
        throw err;
      }
    }
    const { result, added } = this.model.plan(checked);
    if (added.length) {
      // In memory at once (a concurrent request sees them), undone if the write fails.
      this.model.append(added);
      try {
        await this.store.save(added);
      } catch (err) {
        this.model.drop(added);
        throw err;
      }
      this.announce('enqueued', { added: added.length });
      this.pump();
    }
    return result;
  }

  /**
   * Queues every missing episode of one series, or of every series of the library. Each is
   * checked against its folder and the catalog now, so no scan is needed first: a file
   * deleted since the last scan is queued again.
   */
  async enqueueMissing(serieFolder?: string | null): Promise<QueueItemRecord[]> {
    const remote = this.remote<QueueItemRecord[]>('enqueueMissing', [serieFolder ?? null]);
    if (remote) return remote;
    const series = serieFolder == null ? await this.anime.refreshLibrary() : [await this.anime.refreshSeries(serieFolder)];
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
    if (!isOpen(item.status)) return item;
    const before = { ...item };
    item.status = 'CANCELLED';
    item.completedAt = Date.now();
    try {
      await this.store.save([item]);
    } catch (err) {
      Object.assign(item, before);
      throw err;
    }
    const settled = this.runner.stopOrDiscard(item);
    this.announce('cancelled', { itemId: id });
    this.pump();
    await settled;
    return { ...item };
  }

  /** Removes items (an active one is cancelled first); resolves with how many went. */
  async remove(ids: readonly string[]): Promise<number> {
    const remote = this.remote<number>('remove', [ids]);
    if (remote) return remote;
    const wanted = new Set(ids);
    const gone = this.model.items.filter((i) => wanted.has(i.id));
    if (!gone.length) return 0;
    await this.store.remove(gone.map((i) => i.id));
    const open = gone.filter((i) => isOpen(i.status));
    for (const item of open) item.status = 'CANCELLED';
    this.model.drop(gone);
    const settled = Promise.all(open.map((i) => this.runner.stopOrDiscard(i)));
    this.announce('removed', { removed: gone.length });
    this.pump();
    await settled;
    return gone.length;
  }

  /** Puts failed items (all, or those given) back in line; each retry counts. */
  async retryFailed(ids?: readonly string[] | null): Promise<QueueItemRecord[]> {
    const remote = this.remote<QueueItemRecord[]>('retryFailed', [ids ?? null]);
    if (remote) return remote;
    const retried = this.model.retry(ids);
    if (retried.length) {
      this.persist(this.store.save(retried));
      this.announce('retried', { retried: retried.length });
      this.pump();
    }
    return retried.map((i) => ({ ...i }));
  }

  /**
   * Holds an item. A running download stops at once and keeps its part file; its progress
   * record goes back to PENDING saying it is paused. Resolves once the part file is closed.
   */
  async pause(id: string): Promise<QueueItemRecord> {
    const remote = this.remote<QueueItemRecord>('pause', [id]);
    if (remote) return remote;
    const item = this.mustGet(id);
    if (item.status === 'PAUSED') return { ...item };
    if (item.status !== 'PENDING' && item.status !== 'DOWNLOADING') {
      throw new BadInputError(`id: only a pending or downloading item can be paused; "${id}" is ${item.status}`);
    }
    item.status = 'PAUSED';
    await this.store.save([item]);
    const stopping = this.runner.stop(item, new DownloadPausedError());
    if (stopping) {
      await stopping;
      if (item.status !== 'PAUSED') return { ...item }; // it completed before it could stop
    }
    const progressId = downloadProgressId(item);
    if (this.progressOf(item)) {
      const record = this.progress.getProgress(progressId)!;
      this.progress.updateProgress(progressId, {
        status: 'PENDING',
        message: `Paused at ${record.current} bytes; resumes from them`,
        metadata: { paused: true },
        resetRate: true,
        forceBroadcast: true,
      });
    }
    this.announce('paused', { itemId: item.id });
    return { ...item };
  }

  /**
   * Puts a paused (or failed) item back in its place in the queue: it starts when its turn
   * comes and continues from the bytes it has. An item already waiting or running is returned
   * as it is.
   */
  async resume(id: string): Promise<QueueItemRecord> {
    const remote = this.remote<QueueItemRecord>('resume', [id]);
    if (remote) return remote;
    const item = this.mustGet(id);
    if (item.status === 'PENDING' || item.status === 'DOWNLOADING') return { ...item };
    if (item.status !== 'PAUSED' && item.status !== 'FAILED') {
      throw new BadInputError(`id: only a paused or failed item can be resumed; "${id}" is ${item.status}`);
    }
    if (item.status === 'FAILED') {
      item.retryCount++;
      item.error = null;
      item.completedAt = null;
    }
    item.status = 'PENDING';
    await this.store.save([item]);
    const progressId = downloadProgressId(item);
    const record = this.progress.activeRecord(progressId);
    if (record && (record.status === 'PENDING' || record.status === 'IN_PROGRESS')) {
      this.progress.updateProgress(progressId, {
        message: 'Resumed; waits for its turn in the queue',
        metadata: { paused: false },
        forceBroadcast: true,
      });
    }
    this.announce('unpaused', { itemId: item.id });
    this.pump();
    return { ...item };
  }

  /**
   * Moves a pending or paused item to `position` among the waiting (pending and paused)
   * items: 0 starts next; a position past the end puts it last. The new order is persisted.
   */
  async move(id: string, position: number): Promise<QueueStatusView> {
    const remote = this.remote<QueueStatusView>('move', [id, position]);
    if (remote) return remote;
    if (!Number.isInteger(position) || position < 0) {
      throw new BadInputError(`position: must be a whole number from 0 (starts next), got ${position}`);
    }
    const item = this.mustGet(id);
    if (item.status !== 'PENDING' && item.status !== 'PAUSED') {
      throw new BadInputError(`id: only a pending or paused item can be moved; "${id}" is ${item.status}`);
    }
    const { changed, index } = this.model.reorder(item, position);
    if (changed.length) {
      await this.store.save(changed);
      this.announce('moved', { itemId: item.id, position: index });
      this.pump();
    }
    return this.localStatus();
  }

  /** Downloads at once from now on; running ones are not stopped when it shrinks. */
  setConcurrency(concurrency: number): void {
    if (!Number.isInteger(concurrency) || concurrency < MIN_DOWNLOAD_CONCURRENCY || concurrency > MAX_DOWNLOAD_CONCURRENCY) {
      throw new BadInputError(`downloadConcurrency: must be from ${MIN_DOWNLOAD_CONCURRENCY} to ${MAX_DOWNLOAD_CONCURRENCY}, got ${concurrency}`);
    }
    this.concurrency = concurrency;
    this.pump();
  }

  private mustGet(id: string): QueueItemRecord {
    const item = this.get(id);
    if (!item) throw new NotFoundError(`no queue item with id "${id}"`);
    return item;
  }

  async clearCompleted(): Promise<number> {
    const remote = this.remote<number>('clearCompleted', []);
    if (remote) return remote;
    const done = this.model.withStatus('COMPLETED');
    if (!done.length) return 0;
    await this.store.remove(done.map((i) => i.id));
    this.model.drop(done);
    this.announce('cleared', { cleared: done.length });
    return done.length;
  }

  /**
   * Removes a series: its queue items go first (a running download is cancelled and its part
   * file removed), then the series (see AnimeService.removeSeries). Returns it as last known.
   */
  async removeSeries(folder: string, deleteFiles: boolean): Promise<SeriesRecord> {
    const remote = this.remote<SeriesRecord>('removeSeries', [folder, deleteFiles]);
    if (remote) return remote;
    await this.anime.checkRemovable(folder);
    const ids = this.model.items.filter((i) => i.serieFolder === folder).map((i) => i.id);
    if (ids.length) await this.remove(ids);
    return this.anime.removeSeries(folder, deleteFiles);
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
    this.runner.pump(this.concurrency);
  }

  /**
   * Reports a queue change through ProgressService (never straight to subscribers). The
   * download_queue operation's current/total are the run's bytes (see amounts()), so its
   * percent is queue.overallPercent; the counts are in its message and metadata.
   */
  private announce(action: QueueAction, extra: Record<string, unknown> = {}): void {
    announceQueue(this.progress, this.localStatus(), action, this.amounts(), extra);
  }

  /** Stops starting downloads and aborts running ones; they stay DOWNLOADING and resume on restart. */
  async close(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // Let them close their files before the database and the process go.
    await this.runner.abortAll();
  }
}
