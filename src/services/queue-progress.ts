import type { QueueItemRecord } from '../store/queue-store.js';
import type { QueueStatusView } from './download-service.js';
import type { ProgressService } from './progress-service.js';
import type { ProgressRecord } from './progress-types.js';

/** Progress id of the queue (the contract's). */
export const QUEUE_PROGRESS_ID = 'download_queue';

/** What changed, in `download_queue`'s metadata.action. */
export type QueueAction =
  | 'enqueued'
  | 'started'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'removed'
  | 'retried'
  | 'cleared'
  | 'resumed'
  | 'paused'
  | 'unpaused'
  | 'moved'
  | 'queue_started'
  | 'queue_stopped';

/** Bytes done over bytes expected across `open` items (0 to 100), from their progress records. */
export function percentDone(open: readonly QueueItemRecord[], progressOf: (item: QueueItemRecord) => ProgressRecord | null): number {
  let done = 0;
  let total = 0;
  let unknown = 0;
  let unknownPercent = 0;
  for (const item of open) {
    const p = progressOf(item);
    const size = p?.total ?? item.size;
    if (size && size > 0) {
      total += size;
      done += Math.min(size, p?.current ?? 0);
    } else {
      unknown++;
      unknownPercent += p?.percent ?? 0;
    }
  }
  // Items of unknown size weigh as much as an average known one.
  const avg = total > 0 ? total / (open.length - unknown) : 1;
  const all = total + unknown * avg;
  return all > 0 ? Math.min(100, ((done + (unknownPercent / 100) * avg) / all) * 100) : 0;
}

/**
 * Reports the queue as the `download_queue` operation: started when work arrives, updated
 * (with the counts, paused items included, in its metadata) on every change, COMPLETED when
 * nothing is left to do.
 */
export function announceQueue(
  progress: ProgressService,
  s: QueueStatusView,
  action: QueueAction,
  extra: Record<string, unknown> = {},
): void {
  const counts = {
    pending: s.pending.length,
    active: s.active.length,
    paused: s.paused.length,
    completed: s.completed.length,
    failed: s.failed.length,
  };
  const open = counts.pending + counts.active + counts.paused;
  const metadata = { action, ...counts, isRunning: s.isRunning, overallPercent: s.overallPercent, ...extra };
  const held = counts.paused ? ` (${counts.paused} paused)` : '';
  const message = `${open} to go${held}, ${counts.completed} done, ${counts.failed} failed${s.isRunning ? '' : ' (stopped)'}`;
  const finished = counts.completed + counts.failed;
  const current = progress.getProgress(QUEUE_PROGRESS_ID);
  const live = current !== null && (current.status === 'IN_PROGRESS' || current.status === 'PENDING');
  if (!live) {
    if (open === 0 && action !== 'cleared' && action !== 'queue_started' && action !== 'queue_stopped') return;
    progress.startProgress(QUEUE_PROGRESS_ID, 'QUEUE', 'Download queue', { metadata, message });
  }
  progress.updateProgress(QUEUE_PROGRESS_ID, {
    current: finished,
    total: finished + open,
    message,
    metadata,
    forceBroadcast: true,
  });
  if (open === 0) progress.completeProgress(QUEUE_PROGRESS_ID, { message });
}
