import type { QueueItemRecord } from '../store/queue-store.js';
import type { ProgressRecord } from './progress-types.js';

/** The queue as clients see it. */
export interface QueueStatusView {
  isRunning: boolean;
  pending: QueueItemRecord[];
  active: QueueItemRecord[];
  completed: QueueItemRecord[];
  failed: QueueItemRecord[];
  overallPercent: number;
}

export const isOpen = (i: QueueItemRecord) => i.status === 'PENDING' || i.status === 'DOWNLOADING';

/** The view of `items` (in queue order); `progressOf` gives a running item's live record. */
export function queueStatus(
  items: readonly QueueItemRecord[],
  isRunning: boolean,
  progressOf: (item: QueueItemRecord) => ProgressRecord | null,
): QueueStatusView {
  const by = (s: QueueItemRecord['status']) => items.filter((i) => i.status === s);
  return {
    isRunning,
    pending: by('PENDING'),
    active: by('DOWNLOADING'),
    completed: by('COMPLETED'),
    failed: by('FAILED'),
    overallPercent: overallPercent(items, progressOf),
  };
}

/** Bytes done over bytes expected across unfinished items; 100 once all queued work is done. */
function overallPercent(
  items: readonly QueueItemRecord[],
  progressOf: (item: QueueItemRecord) => ProgressRecord | null,
): number {
  const open = items.filter(isOpen);
  if (open.length === 0) return items.some((i) => i.status === 'COMPLETED') ? 100 : 0;
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
