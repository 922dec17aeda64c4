import type { ProgressService } from './progress-service.js';
import type { ProgressRecord } from '../domain/progress-types.js';

/** Progress ids of the service's own life (the contract's). */
export const STARTUP_PROGRESS_ID = 'system_startup';
export const SHUTDOWN_PROGRESS_ID = 'system_shutdown';

/** What start-up recovered from the last run. */
export interface RecoveryReport {
  /** Progress ids of downloads the queue took over (they resume from their part files). */
  resumed: string[];
  /** Operations the last run left unfinished that nobody took over: failed as interrupted. */
  failed: ProgressRecord[];
}

/**
 * Start-up as a SYSTEM operation: `system_startup` goes IN_PROGRESS, `recover` runs, and it
 * completes saying what was resumed and what was failed as interrupted.
 */
export function recordStartup(progress: ProgressService, recover: () => RecoveryReport): ProgressRecord {
  progress.startProgress(STARTUP_PROGRESS_ID, 'SYSTEM', 'Service start-up', {
    message: 'Recovering what the last run left unfinished',
  });
  const { resumed, failed } = recover();
  const failedIds = failed.map((r) => r.id);
  return progress.completeProgress(STARTUP_PROGRESS_ID, {
    message: `Started: ${resumed.length} download${resumed.length === 1 ? '' : 's'} resumed, ${failedIds.length} interrupted operation${failedIds.length === 1 ? '' : 's'} failed`,
    metadata: { resumed, resumedCount: resumed.length, failed: failedIds, failedCount: failedIds.length },
  });
}

/**
 * A graceful stop, announced before anything closes: written to the log (so a client that
 * resumes with `after` sees it) and published at once, so connected subscribers get it
 * before their sockets close.
 */
export function announceShutdown(progress: ProgressService): void {
  progress.startProgress(SHUTDOWN_PROGRESS_ID, 'SYSTEM', 'Service shutdown', {
    message: 'Stopping: running downloads pause and resume at the next start',
  });
  progress.flush();
}

/** The stop is done: the last event of this run. */
export function completeShutdown(progress: ProgressService): void {
  progress.completeProgress(SHUTDOWN_PROGRESS_ID, { message: 'Stopped' });
  progress.flush();
}
