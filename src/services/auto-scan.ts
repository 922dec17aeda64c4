import type { Logger } from 'pino';
import type { EpisodeRef } from '../core/series-app.js';
import type { SeriesRecord } from '../store/library-store.js';
import type { QueueItemRecord } from '../store/queue-store.js';
import { SCAN_PROGRESS_ID } from './anime-service.js';
import type { ProgressHandler } from './progress-handlers.js';
import type { ProgressService } from './progress-service.js';

/** Longest single timer (setTimeout's limit is 2^31-1 ms); longer intervals wait in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What the scheduler needs of the library (AnimeService). */
export interface ScanSource {
  startScan(): unknown;
  isScanning(): boolean;
  listLibrary(): SeriesRecord[] | Promise<SeriesRecord[]>;
}

/** What the scheduler needs of the queue (DownloadService). */
export interface EpisodeQueue {
  itemsOf(ref: EpisodeRef): QueueItemRecord[];
  enqueue(episodes: readonly EpisodeRef[]): Promise<QueueItemRecord[]>;
}

export interface AutoScanOptions {
  scans: ScanSource;
  queue: EpisodeQueue;
  progress: Pick<ProgressService, 'subscribe' | 'unsubscribe'>;
  logger: Logger;
  /** Seconds between scheduled scans; 0 for none. Change it with setInterval. */
  intervalSeconds: number;
  /** Timers; tests pass fake ones. @default the global setTimeout/clearTimeout */
  timers?: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout };
}

/**
 * New episodes on a schedule: starts a library scan every `intervalSeconds`, and after every
 * completed scan (scheduled or started by anyone) queues the missing episodes of the series
 * marked autoDownload. An episode that already has a queue item other than COMPLETED (waiting,
 * running, paused, failed or cancelled) is left to the user's decision about that item.
 */
export class AutoScanScheduler {
  private readonly scans: ScanSource;
  private readonly queue: EpisodeQueue;
  private readonly progress: AutoScanOptions['progress'];
  private readonly logger: Logger;
  private readonly timers: NonNullable<AutoScanOptions['timers']>;
  private intervalMs: number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private dueAt = 0;
  private running = false;
  private readonly onScanEvent: ProgressHandler;

  constructor(options: AutoScanOptions) {
    this.scans = options.scans;
    this.queue = options.queue;
    this.progress = options.progress;
    this.logger = options.logger;
    this.timers = options.timers ?? { setTimeout, clearTimeout };
    this.intervalMs = options.intervalSeconds * 1000;
    this.onScanEvent = (event) => {
      if (event.progress.id === SCAN_PROGRESS_ID && event.progress.status === 'COMPLETED') {
        return this.queueNewEpisodes().then(() => undefined);
      }
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.progress.subscribe('scan_progress', this.onScanEvent);
    this.arm();
  }

  stop(): void {
    this.running = false;
    this.progress.unsubscribe('scan_progress', this.onScanEvent);
    this.disarm();
  }

  /** A new interval counts from now; 0 stops the scheduled scans. */
  setInterval(seconds: number): void {
    this.intervalMs = seconds * 1000;
    if (this.running) this.arm();
  }

  /** Queues the missing episodes of every autoDownload series; resolves with what was added. */
  async queueNewEpisodes(): Promise<QueueItemRecord[]> {
    const added: QueueItemRecord[] = [];
    for (const series of await this.scans.listLibrary()) {
      if (!series.autoDownload || series.error) continue;
      const episodes = series.missingEpisodes
        .map((m) => ({ serieFolder: series.folder, season: m.season, episode: m.episode }))
        .filter((ref) => this.queue.itemsOf(ref).every((i) => i.status === 'COMPLETED'));
      if (!episodes.length) continue;
      try {
        // One series at a time: an episode the catalog lost refuses its own series only.
        added.push(...(await this.queue.enqueue(episodes)));
      } catch (err) {
        this.logger.warn({ err, folder: series.folder }, 'could not queue new episodes of an auto-download series');
      }
    }
    if (added.length) this.logger.info({ added: added.length }, 'queued new episodes of auto-download series');
    return added;
  }

  private disarm(): void {
    if (this.timer) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    this.disarm();
    if (this.intervalMs <= 0) return;
    this.dueAt = Date.now() + this.intervalMs;
    this.wait(this.intervalMs);
  }

  private wait(ms: number): void {
    this.timer = this.timers.setTimeout(() => this.fire(), Math.min(ms, MAX_TIMER_MS));
    (this.timer as { unref?: () => void }).unref?.();
  }

  private fire(): void {
    this.timer = null;
    if (!this.running) return;
    const left = this.dueAt - Date.now();
    if (left > 0 && this.intervalMs > MAX_TIMER_MS) return this.wait(left);
    // A scan already running (started by someone) completes and queues just the same.
    if (!this.scans.isScanning()) {
      try {
        this.scans.startScan();
        this.logger.info('scheduled library scan started');
      } catch (err) {
        this.logger.warn({ err }, 'scheduled library scan could not start');
      }
    }
    this.arm();
  }
}
