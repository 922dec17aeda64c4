import { isFinished, type ProgressEvent, type ProgressRecord, type ProgressType } from '../domain/progress-types.js';
import { track, type Tracked } from './progress-throttle.js';

/**
 * The unfinished operations: those this instance produces (its latest states, ahead of the
 * journal) overlaid on what the journal delivered from every instance.
 */
export class ProgressState {
  /** Operations this instance produces. */
  readonly active = new Map<string, Tracked>();
  /** Unfinished operations as the journal delivered them (every instance's). */
  readonly view = new Map<string, ProgressRecord>();
  /** This instance's finishes not yet delivered back: no longer active anywhere. */
  readonly finishing = new Map<string, ProgressRecord>();
  /** Ids delivered while the view loads (its load must not overwrite them); null: not loading. */
  private seenWhileLoading: Set<string> | null;

  /** `loading`: the view is loaded later (load()), from an asynchronous journal. */
  constructor(loading: boolean) {
    this.seenWhileLoading = loading ? new Set() : null;
  }

  /** The view as the journal keeps it; what was delivered meanwhile is newer. */
  load(records: readonly ProgressRecord[]): void {
    for (const record of records) {
      if (!this.seenWhileLoading?.has(record.id)) this.view.set(record.id, record);
    }
    this.seenWhileLoading = null;
  }

  /** This instance produces the operation from now on (started, adopted, left by the last process). */
  produce(record: ProgressRecord): Tracked {
    const tracked = track(record);
    this.active.set(record.id, tracked);
    return tracked;
  }

  /** An event of this instance was emitted: a finished operation is active no more. */
  emitted(record: ProgressRecord): void {
    if (!isFinished(record.status)) return;
    this.active.delete(record.id);
    this.finishing.set(record.id, record);
  }

  /** An event the journal delivered (from any instance). */
  delivered(event: ProgressEvent): void {
    const p = event.progress;
    this.seenWhileLoading?.add(p.id);
    if (isFinished(p.status)) {
      this.view.delete(p.id);
      const own = this.finishing.get(p.id);
      if (own && own.updatedAt <= p.updatedAt) this.finishing.delete(p.id);
    } else {
      this.view.set(p.id, p);
    }
  }

  /** The journal's log was replaced: the view is what this instance produces. */
  reset(): void {
    this.view.clear();
    for (const [id, tracked] of this.active) this.view.set(id, tracked.record);
  }

  /** The unfinished operation with this id, or null. */
  activeRecord(id: string): ProgressRecord | null {
    const own = this.active.get(id);
    if (own) return own.record;
    if (this.finishing.has(id)) return null;
    return this.view.get(id) ?? null;
  }

  /** Unfinished operations (of `types`, when given), oldest first. */
  all(types?: readonly ProgressType[] | null): ProgressRecord[] {
    const wanted = types?.length ? new Set(types) : null;
    // This instance's own (in the order they started), then other instances' as delivered.
    const all = new Map<string, ProgressRecord>();
    for (const [id, tracked] of this.active) all.set(id, tracked.record);
    for (const [id, record] of this.view) if (!all.has(id) && !this.finishing.has(id)) all.set(id, record);
    return [...all.values()].filter((r) => !wanted || wanted.has(r.type)).sort((a, b) => a.startedAt - b.startedAt);
  }
}
