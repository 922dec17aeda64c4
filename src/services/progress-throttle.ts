import type { ProgressRecord } from '../domain/progress-types.js';
import type { SpeedSample } from './progress-records.js';

/** An operation this instance produces: its latest state and when it was last broadcast. */
export interface Tracked {
  record: ProgressRecord;
  /** When its last event was emitted; null: never (the next update goes out at once). */
  lastEmitAt: number | null;
  /** The pending broadcast of its latest state at the end of the throttle window. */
  trailing: NodeJS.Timeout | null;
  /** The last speed sample (see nextSpeed). */
  sample: SpeedSample;
}

export function track(record: ProgressRecord): Tracked {
  return { record, lastEmitAt: null, trailing: null, sample: { at: record.updatedAt, current: record.current } };
}

/**
 * Per-operation throttling of in-between updates: at most one broadcast per `throttleMs`,
 * and the latest state goes out when the window ends (a trailing emit), so the last word
 * is never lost.
 */
export class Throttle {
  constructor(
    private readonly throttleMs: number,
    private readonly now: () => number,
  ) {}

  /**
   * Emits `tracked` now when `urgent` (a status change, forceBroadcast), when it never went
   * out, or when its window is over at `now` (the update's time); else makes sure one
   * trailing `emit` is pending.
   */
  update(tracked: Tracked, now: number, urgent: boolean, emit: () => void): void {
    if (urgent || tracked.lastEmitAt === null) return emit();
    const wait = tracked.lastEmitAt + this.throttleMs - now;
    if (wait <= 0) return emit();
    if (tracked.trailing) return;
    tracked.trailing = setTimeout(() => {
      tracked.trailing = null;
      emit();
    }, wait);
    tracked.trailing.unref();
  }

  /** Marks `tracked` as broadcast now (its pending trailing emit, if any, is dropped). */
  emitted(tracked: Tracked): void {
    this.cancel(tracked);
    tracked.lastEmitAt = this.now();
  }

  /** Drops the pending trailing emit, if any. */
  cancel(tracked: Tracked | undefined): void {
    if (!tracked?.trailing) return;
    clearTimeout(tracked.trailing);
    tracked.trailing = null;
  }
}
