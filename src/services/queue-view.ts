import type { ProgressRecord } from '../domain/progress-types.js';
import type { QueueItemRecord } from '../store/queue-store.js';
import { downloadProgressId } from './anime-service.js';
import type { ProgressService } from './progress-service.js';
import { QUEUE_PROGRESS_ID, runAmounts } from './queue-progress.js';

/** The queue as clients see it (queue.status), grouped by item status. */
export interface QueueStatusView {
  isRunning: boolean;
  pending: QueueItemRecord[];
  active: QueueItemRecord[];
  /** Held with pause(), in queue order. */
  paused: QueueItemRecord[];
  completed: QueueItemRecord[];
  failed: QueueItemRecord[];
  overallPercent: number;
}

/** The live progress record of an item while it has one (running, or paused after it ran). */
export function itemProgress(progress: ProgressService, item: QueueItemRecord): ProgressRecord | null {
  if (item.status === 'DOWNLOADING') return progress.getProgress(downloadProgressId(item));
  if (item.status !== 'PAUSED') return null;
  // A paused item that never ran has no record of its own (an older one may be finished).
  const record = progress.getProgress(downloadProgressId(item));
  return record && (record.status === 'IN_PROGRESS' || record.status === 'PENDING') ? record : null;
}

/**
 * The queue's current run: what is unfinished, and what finished (COMPLETED or FAILED) since
 * the `download_queue` operation started, i.e. since the queue last drained.
 */
function currentRun(progress: ProgressService, items: readonly QueueItemRecord[]): QueueItemRecord[] {
  const record = progress.activeRecord(QUEUE_PROGRESS_ID);
  const since = record && (record.status === 'IN_PROGRESS' || record.status === 'PENDING') ? record.startedAt : Infinity;
  return items.filter(
    (i) =>
      i.status === 'PENDING' ||
      i.status === 'PAUSED' ||
      i.status === 'DOWNLOADING' ||
      ((i.status === 'COMPLETED' || i.status === 'FAILED') && (i.completedAt ?? 0) >= since),
  );
}

/** The run's bytes done and expected: the one definition of the queue's overall progress (see runAmounts). */
export function queueAmounts(progress: ProgressService, items: readonly QueueItemRecord[]): { done: number; total: number } {
  return runAmounts(currentRun(progress, items), (item) => itemProgress(progress, item));
}

/** See queueAmounts(); with no run going: 100 when something completed, else 0. */
function overallPercent(progress: ProgressService, items: readonly QueueItemRecord[]): number {
  const { done, total } = queueAmounts(progress, items);
  if (total > 0) return Math.min(100, Math.max(0, (done / total) * 100));
  return items.some((i) => i.status === 'COMPLETED') ? 100 : 0;
}

export function queueView(progress: ProgressService, items: readonly QueueItemRecord[], isRunning: boolean): QueueStatusView {
  const by = (s: QueueItemRecord['status']) => items.filter((i) => i.status === s);
  return {
    isRunning,
    pending: by('PENDING'),
    active: by('DOWNLOADING'),
    paused: by('PAUSED'),
    completed: by('COMPLETED'),
    failed: by('FAILED'),
    overallPercent: overallPercent(progress, items),
  };
}
