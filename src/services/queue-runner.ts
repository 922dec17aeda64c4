import type { Logger } from 'pino';
import { DownloadInterruptedError } from '../core/errors.js';
import type { QueueItemRecord } from '../store/queue-store.js';
import { downloadProgressId, type AnimeService } from './anime-service.js';
import type { ProgressService } from './progress-service.js';
import type { QueueAction } from './queue-progress.js';

/** Longest a cancel waits for the aborted download to remove its part file. */
export const CANCEL_SETTLE_MS = 5_000;

/** What the runner needs from the queue it runs. */
export interface QueueRunnerHost {
  anime: AnimeService;
  progress: ProgressService;
  logger: Logger;
  /** The items in queue order. */
  items: () => readonly QueueItemRecord[];
  /** Writes items in the background (a failure is logged). */
  persist: (items: QueueItemRecord[]) => void;
  /** Reports a queue change (the download_queue operation). */
  announce: (action: QueueAction, extra?: Record<string, unknown>) => void;
  /** The service is stopping or no longer runs the queue: an aborted download stays DOWNLOADING. */
  stopped: () => boolean;
  /** A download ended: its slot is free for the next item. */
  slotFreed: () => void;
}

/** `done`, or CANCEL_SETTLE_MS, whichever comes first. */
export function settleWithin(done: Promise<unknown>): Promise<void> {
  return Promise.race([done.then(() => undefined), new Promise<void>((resolve) => setTimeout(resolve, CANCEL_SETTLE_MS).unref())]);
}

/**
 * Runs the queue's downloads: starts pending items in queue order while slots are free,
 * records how each ends, and stops them (cancel, pause, losing the queue, shutting down).
 */
export class QueueRunner {
  /** Running downloads: how to stop each, and when it has let go of its files. */
  private readonly downloading = new Map<string, { controller: AbortController; settled: Promise<void> }>();

  constructor(private readonly host: QueueRunnerHost) {}

  /** Starts pending items in queue order while fewer than `concurrency` run. */
  pump(concurrency: number): void {
    const items = this.host.items();
    let active = items.filter((i) => i.status === 'DOWNLOADING').length;
    for (const item of items) {
      if (active >= concurrency) break;
      if (item.status !== 'PENDING') continue;
      active++;
      this.run(item);
    }
  }

  private run(item: QueueItemRecord): void {
    const { anime, progress, logger, persist, announce } = this.host;
    const controller = new AbortController();
    item.status = 'DOWNLOADING';
    item.startedAt = Date.now();
    item.error = null;
    persist([item]);
    announce('started', { itemId: item.id });
    const settled = anime
      .download(item, controller.signal)
      .then(
        (result) => {
          // Paused too late: the file is complete and in place, so the item is done.
          if (item.status !== 'DOWNLOADING' && item.status !== 'PAUSED') return;
          // The download's COMPLETED event goes to the log first: a crash between the two
          // writes then leaves a finished record and an item that resumes (and finds its
          // file), never a COMPLETED item whose record a restart fails as interrupted.
          progress.flush();
          item.status = 'COMPLETED';
          item.filePath = result.filePath;
          item.completedAt = Date.now();
          persist([item]);
          announce('completed', { itemId: item.id });
        },
        (err: unknown) => {
          // Cancelled or removed meanwhile (already recorded), or the service is stopping:
          // then the item stays DOWNLOADING on disk and resumes at the next start.
          if (item.status !== 'DOWNLOADING' || this.host.stopped()) return;
          progress.flush(); // its FAILED event first, as above
          item.status = 'FAILED';
          item.error = anime.describeError(err);
          item.completedAt = Date.now();
          persist([item]);
          announce('failed', { itemId: item.id });
        },
      )
      .catch((err: unknown) => logger.error({ err }, 'queue bookkeeping failed'))
      .finally(() => {
        this.downloading.delete(item.id);
        this.host.slotFreed();
      });
    this.downloading.set(item.id, { controller, settled });
  }

  /**
   * Stops a running download with `reason` and resolves once it let go of its files (bounded
   * by CANCEL_SETTLE_MS); null when it was not running.
   */
  stop(item: QueueItemRecord, reason?: Error): Promise<void> | null {
    const run = this.downloading.get(item.id);
    if (!run) return null;
    run.controller.abort(reason);
    return settleWithin(run.settled);
  }

  /**
   * Aborts a running download, or removes what an interrupted one left (and ends its
   * progress record); bounded wait.
   */
  stopOrDiscard(item: QueueItemRecord): Promise<void> {
    const stopping = this.stop(item);
    if (stopping) return stopping;
    // Interrupted by a restart and not running since: its progress record ends here.
    const { progress } = this.host;
    const id = downloadProgressId(item);
    const record = progress.activeRecord(id);
    if (record && (record.status === 'PENDING' || record.status === 'IN_PROGRESS')) {
      progress.cancelProgress(id, { message: 'Download cancelled' });
    }
    return settleWithin(this.discardPartial(item));
  }

  /** A pending item that ran before (then the service stopped) may have left a part file. */
  private async discardPartial(item: QueueItemRecord): Promise<void> {
    if (item.startedAt === null) return;
    await this.host.anime
      .discardPartial(item)
      .catch((err: unknown) => this.host.logger.warn({ err, itemId: item.id }, 'could not remove a part file'));
  }

  /** Aborts every running download (they stay DOWNLOADING, to resume); bounded wait for their files. */
  async abortAll(): Promise<void> {
    const runs = [...this.downloading.values()];
    for (const run of runs) run.controller.abort(new DownloadInterruptedError());
    await settleWithin(Promise.all(runs.map((r) => r.settled)));
  }
}
