import type { JournalEntry } from '../store/progress-journal.js';
import { isFinished, type ProgressStatus } from '../domain/progress-types.js';

/**
 * Most progress updates held while the journal cannot be written (Redis away). Beyond it, an
 * in-between update that would need a new slot is dropped (counted); transitions never are.
 * 10,000 is the least the log keeps, and a few MB of records.
 */
export const MAX_UNWRITTEN_EVENTS = 10_000;

interface Slot {
  entry: JournalEntry;
  /** A later update of the same id with the same status may take its place. */
  replaceable: boolean;
}

/**
 * Events waiting for the journal, in emit order, conflated per progress id while the journal
 * cannot be written (or once `max` are waiting): an in-between
 * update replaces the previous in-between update of its id (moving to the end, so the order of
 * each id's events is kept). Never replaced or dropped: the first event held for an id (its
 * start, or the first news since what was written), a change of status (PENDING to
 * IN_PROGRESS) and every finish (COMPLETED, FAILED, CANCELLED). So what waits is at most one
 * update per id plus its transitions; the in-between updates that would grow it past `max` are
 * dropped and counted.
 */
export class UnwrittenEvents {
  private readonly slots = new Map<number, Slot>();
  /** Latest slot of each id, and its status. */
  private readonly latest = new Map<string, { key: number; status: ProgressStatus }>();
  private nextKey = 0;
  /** In-between updates dropped at the cap since the last takeDropped(). */
  private droppedSinceTaken = 0;
  /**
   * Replace in-between updates (the journal is failing). While it is not, every event is kept
   * as it came, so the log has what it always had, unless what waits reaches `max`.
   */
  conflating = true;

  constructor(private readonly max: number = MAX_UNWRITTEN_EVENTS) {}

  get size(): number {
    return this.slots.size;
  }

  /** Holds one event (conflating it, or dropping it at the cap); false when dropped. */
  push(entry: JournalEntry): boolean {
    return this.hold(entry, true);
  }

  private hold(entry: JournalEntry, capped: boolean): boolean {
    const p = entry.progress;
    const last = this.latest.get(p.id);
    const update = !isFinished(p.status) && last !== undefined && last.status === p.status;
    const conflate = this.conflating || this.slots.size >= this.max;
    if (update && conflate && this.slots.get(last.key)!.replaceable) {
      this.slots.delete(last.key);
    } else if (update && capped && this.slots.size >= this.max) {
      this.droppedSinceTaken += 1;
      return false;
    }
    const key = this.nextKey++;
    this.slots.set(key, { entry, replaceable: update });
    if (isFinished(p.status)) this.latest.delete(p.id);
    else this.latest.set(p.id, { key, status: p.status });
    return true;
  }

  /** Takes the oldest `limit` events out, in order. */
  take(limit: number): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (const [key, slot] of this.slots) {
      if (out.length >= limit) break;
      this.slots.delete(key);
      const id = slot.entry.progress.id;
      if (this.latest.get(id)?.key === key) this.latest.delete(id);
      out.push(slot.entry);
    }
    return out;
  }

  /**
   * A write that failed: its events go back in front of what came since, conflated with it.
   * All were accepted already, so none is dropped (conflation only shrinks what is held).
   */
  putBack(entries: readonly JournalEntry[]): void {
    this.conflating = true;
    const newer = this.take(Infinity);
    for (const e of entries) this.hold(e, false);
    for (const e of newer) this.hold(e, false);
  }

  /** In-between updates dropped since the last takeDropped(). */
  get dropped(): number {
    return this.droppedSinceTaken;
  }

  takeDropped(): number {
    const n = this.droppedSinceTaken;
    this.droppedSinceTaken = 0;
    return n;
  }
}
