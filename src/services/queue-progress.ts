import type { QueueItemRecord } from '../store/queue-store.js';
import type { QueueStatusView } from './queue-view.js';
import type { ProgressService } from './progress-service.js';
import type { ProgressRecord } from '../domain/progress-types.js';

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

/** Weight of an item of unknown size when no item of the run has a known size (any constant would do). */
export const UNKNOWN_SIZE_WEIGHT = 1_000_000;

/**
 * The one definition of the queue's overall progress (queue.overallPercent, the
 * download_queue operation's current/total and percent, the CLI's and the dashboard's queue
 * bar): bytes on disk over bytes expected, across the current run's items. A finished item
 * (COMPLETED or FAILED) counts whole, a downloading or paused one its bytes so far, a pending
 * one nothing; a cancelled or removed one is not in the run. An item whose size nobody knows
 * weighs as much as the average known one. Rounded to whole bytes (weights).
 */
export function runAmounts(
  run: readonly QueueItemRecord[],
  progressOf: (item: QueueItemRecord) => ProgressRecord | null,
): { done: number; total: number } {
  const rows = run.map((item) => {
    const p = progressOf(item);
    const size = p?.total || item.size || null;
    let fraction = 0;
    if (item.status === 'COMPLETED' || item.status === 'FAILED') fraction = 1;
    else if (item.status === 'DOWNLOADING' || item.status === 'PAUSED') {
      fraction = size ? Math.min(1, (p?.current ?? 0) / size) : (p?.percent ?? 0) / 100;
    }
    return { size, fraction };
  });
  const known = rows.filter((r) => r.size !== null);
  const average = known.length ? known.reduce((n, r) => n + r.size!, 0) / known.length : UNKNOWN_SIZE_WEIGHT;
  let done = 0;
  let total = 0;
  for (const r of rows) {
    const weight = r.size ?? average;
    total += weight;
    done += weight * r.fraction;
  }
  return { done: Math.round(done), total: Math.round(total) };
}

/**
 * Reports the queue as the `download_queue` operation: started when work arrives, updated
 * (the run's bytes as current/total; the counts, paused items included, in its metadata and
 * message) on every change, COMPLETED when nothing is left to do.
 */
export function announceQueue(
  progress: ProgressService,
  s: QueueStatusView,
  action: QueueAction,
  amounts: { done: number; total: number },
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
  const current = progress.getProgress(QUEUE_PROGRESS_ID);
  const live = current !== null && (current.status === 'IN_PROGRESS' || current.status === 'PENDING');
  if (!live) {
    if (open === 0 && action !== 'cleared' && action !== 'queue_started' && action !== 'queue_stopped') return;
    progress.startProgress(QUEUE_PROGRESS_ID, 'QUEUE', 'Download queue', { metadata, message });
  }
  progress.updateProgress(QUEUE_PROGRESS_ID, {
    // Bytes, so the record's percent is queue.overallPercent (see runAmounts).
    current: amounts.done,
    total: amounts.total,
    message,
    metadata,
    forceBroadcast: true,
  });
  if (open === 0) progress.completeProgress(QUEUE_PROGRESS_ID, { message });
}
