import type { Logger } from 'pino';
import type { RunnerHooks } from './backends.js';
import type { AppConfig } from './config.js';
import { CoreError } from './core/errors.js';
import type { EpisodeRef } from './core/series-app.js';
import { SCAN_PROGRESS_ID, type AnimeService } from './services/anime-service.js';
import type { DownloadService } from './services/download-service.js';
import { ServiceError } from './services/errors.js';
import type { ProgressService } from './services/progress-service.js';
import type { WebhookService } from './services/webhook-service.js';
import { recordStartup } from './services/system-progress.js';
import { StoreUnavailableError } from './store/errors.js';

/** Progress id of the record that says which instance runs the queue (the contract's). */
export const LEADER_PROGRESS_ID = 'system_leader';

export interface RunnerDeps {
  config: AppConfig;
  progress: ProgressService;
  anime: AnimeService;
  downloads: DownloadService;
  /** Delivered by the runner only: each event reaches each webhook once, whatever the instances. */
  webhooks: WebhookService;
  logger: Logger;
}

/**
 * What this instance does when it starts or stops running the queue, and the commands other
 * instances send the runner (the same service methods a single instance calls).
 */
export function runnerHooks({ config, progress, anime, downloads, webhooks, logger }: RunnerDeps): RunnerHooks {
  const several = config.redisUrl !== null;
  const commands: Record<string, (...args: never[]) => Promise<unknown>> = {
    'queue.enqueue': (episodes: EpisodeRef[], options?: { replace?: boolean }) => downloads.enqueue(episodes, options),
    'queue.enqueueMissing': (serieFolder: string | null) => downloads.enqueueMissing(serieFolder),
    'queue.cancel': (id: string) => downloads.cancel(id),
    'queue.remove': (ids: string[]) => downloads.remove(ids),
    'queue.retryFailed': (ids: string[] | null) => downloads.retryFailed(ids),
    'queue.clearCompleted': () => downloads.clearCompleted(),
    'queue.start': () => downloads.start(),
    'queue.stop': () => downloads.stop(),
    'queue.pause': (id: string) => downloads.pause(id),
    'queue.resume': (id: string) => downloads.resume(id),
    'queue.move': (id: string, position: number) => downloads.move(id, position),
    'anime.setAutoDownload': (folder: string, enabled: boolean) => anime.setAutoDownload(folder, enabled),
    'queue.removeSeries': (folder: string, deleteFiles: boolean) => downloads.removeSeries(folder, deleteFiles),
    'anime.addSeries': (key: string, folder: string | null) => anime.addSeries(key, folder),
    'anime.startScan': () => anime.startScan(),
    'anime.cancelScan': () => anime.cancelScan(),
  };
  return {
    async becomeRunner(token) {
      await downloads.takeOver();
      if (!several) {
        // Downloads the last process left running resume; any other unfinished operation
        // becomes FAILED, saying it was interrupted. system_startup tells what happened.
        recordStartup(progress, () => ({ resumed: downloads.recover(), failed: progress.failInterrupted() }));
      } else {
        // What the last runner left unfinished is this one's now: resumed or failed alike,
        // and system_leader says who runs the queue and what it took over.
        progress.adoptInterrupted(['DOWNLOAD', 'SCAN', 'QUEUE']);
        const resumed = downloads.recover();
        const failed = progress.failInterrupted().map((r) => r.id);
        const message = `${config.instanceId} runs the queue: ${resumed.length} download${resumed.length === 1 ? '' : 's'} resumed, ${failed.length} interrupted operation${failed.length === 1 ? '' : 's'} failed`;
        progress.recordFinished(LEADER_PROGRESS_ID, 'SYSTEM', 'Queue runner', {
          status: 'COMPLETED',
          message,
          metadata: { instanceId: config.instanceId, fencingToken: token, resumed, failed },
        });
        logger.info({ token, resumed: resumed.length, failed: failed.length }, message);
      }
      downloads.pump();
      webhooks.startDelivering();
    },
    async stopRunning(reason) {
      await webhooks.stopDelivering();
      if (!several) {
        // One process stopping: running downloads stay DOWNLOADING and resume at the next start.
        await downloads.close();
        return;
      }
      logger.warn({ reason }, 'this instance stops running the queue');
      anime.abandonScan();
      progress.release([SCAN_PROGRESS_ID, LEADER_PROGRESS_ID]);
      await downloads.relinquish();
    },
    handle: (name, args) => {
      const command = commands[name];
      if (!command) return Promise.reject(new ServiceError('BAD_USER_INPUT', `unknown queue command "${name}"`));
      return command(...(args as never[]));
    },
    failureOf: (err) => {
      if (err instanceof ServiceError || err instanceof CoreError || err instanceof StoreUnavailableError) {
        return { code: err.code, message: err.message };
      }
      logger.error({ err }, 'a queue command failed');
      return { code: 'INTERNAL_SERVER_ERROR', message: 'Unexpected error.' };
    },
  };
}
