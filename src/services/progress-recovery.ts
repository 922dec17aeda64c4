import type { ProgressRecord, ProgressType } from '../domain/progress-types.js';
import type { ProgressState } from './progress-state.js';

export const INTERRUPTED_ERROR = 'Interrupted: the service stopped while this operation was in progress';

/**
 * Operations left active by a process that is gone (this one's last run, or a queue runner
 * that died): each is claimed by an owner that resumes it, or failed as interrupted.
 */
export class Recovery {
  private readonly orphans = new Set<string>();

  constructor(
    private readonly state: ProgressState,
    private readonly now: () => number,
  ) {}

  /** Takes over what the last process left active (one process: SQLite, at start). */
  inherit(records: readonly ProgressRecord[]): void {
    for (const record of records) {
      this.state.view.set(record.id, record);
      this.state.produce(record);
      this.orphans.add(record.id);
    }
  }

  /** The operation got a new owner or finished: it is nobody's interrupted work any more. */
  settle(id: string): void {
    this.orphans.delete(id);
  }

  /** Ids that were active when the last process stopped and nobody has claimed yet. */
  interruptedIds(): string[] {
    return [...this.orphans];
  }

  /**
   * Adopts the unfinished operations of `types` that the journal shows and this instance does
   * not run: what a queue runner that died left (several instances). They become this
   * instance's interrupted operations, to claim or to fail.
   */
  adopt(types: readonly ProgressType[]): string[] {
    const { state } = this;
    const adopted: string[] = [];
    const oldestFirst = [...state.view].sort(([, a], [, b]) => a.startedAt - b.startedAt);
    for (const [id, record] of oldestFirst) {
      if (state.active.has(id) || state.finishing.has(id) || !types.includes(record.type)) continue;
      state.produce(record);
      this.orphans.add(id);
      adopted.push(id);
    }
    return adopted;
  }

  /** An owner takes over an interrupted operation; null when there is none with this id. */
  claim(id: string): ProgressRecord | null {
    if (!this.orphans.delete(id)) return null;
    const tracked = this.state.active.get(id);
    if (!tracked) return null;
    // The old process's rate says nothing about this one: measure speed afresh.
    tracked.record = { ...tracked.record, speed: null, eta: null };
    tracked.sample = { at: this.now(), current: tracked.record.current };
    return tracked.record;
  }
}
