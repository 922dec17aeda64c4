import type { Logger } from 'pino';
import type { RunnerHooks } from './backends.js';
import type { AppConfig } from './config.js';
import { CoreError } from './core/errors.js';
import type { EpisodeRef } from './core/series-app.js';
import { SCAN_PROGRESS_ID, type AnimeService } from './services/anime-service.js';
import type { DownloadService } from './services/download-service.js';
import { ServiceError } from './services/errors.js';
import type { ProgressService } from './services/progress-service.js';
import { StoreUnavailableError } from './store/errors.js';

/** Progress id of the record that says which instance runs the queue (the contract's). */
export const LEADER_PROGRESS_ID = 'system_leader';

export interface RunnerDeps {
  config: AppConfig;
  progress: ProgressService;
  anime: AnimeService;
  downloads: DownloadService;
  logger: Logger;
}

/**
 * What this instance does when it starts or stops running the queue, and the commands other
 * instances send the runner (the same service methods a single instance calls).
 */
export function runnerHooks({ config, progress, anime, downloads, logger }: RunnerDeps): RunnerHooks {
  const several = config.redisUrl !== null;
  const commands: Record<string, (...args: never[]) => Promise<unknown>> = {
    'queue.enqueue': (episodes: EpisodeRef[]) => downloads.enqueue(episodes),
    'queue.enqueueMissing': (serieFolder: string | null) => downloads.enqueueMissing(serieFolder),
    'queue.cancel': (id: string) => downloads.cancel(id),
    'queue.remove': (ids: string[]) => downloads.remove(ids),
    'queue.retryFailed': (ids: string[] | null) => downloads.retryFailed(ids),
    'queue.clearCompleted': () => downloads.clearCompleted(),
    'queue.start': () => downloads.start(),
    'queue.stop': () => downloads.stop(),
    'anime.addSeries': (key: string, folder: string | null) => anime.addSeries(key, folder),
    'anime.startScan': () => anime.startScan(),
    'anime.cancelScan': () => anime.cancelScan(),
  };
  return {
    async becomeRunner(token) {
      // Several instances: what the last runner left unfinished is this one's now (one
      // process: ProgressService found it in the database already).
      if (several) progress.adoptInterrupted(['DOWNLOAD', 'SCAN', 'QUEUE']);
      // Downloads the last runner left running resume; any other unfinished operation
      // becomes FAILED, saying it was interrupted.
      await downloads.takeOver();
      progress.failInterrupted();
      if (several) {
        const message = `${config.instanceId} runs the queue`;
        progress.startProgress(LEADER_PROGRESS_ID, 'SYSTEM', 'Queue runner', {
          message,
          metadata: { instanceId: config.instanceId, fencingToken: token },
        });
        progress.completeProgress(LEADER_PROGRESS_ID, { message });
        logger.info({ token }, message);
      }
      downloads.pump();
    },
    async stopRunning(reason) {
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
