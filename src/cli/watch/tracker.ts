import type { ProgressEventMessage } from '../../client/index.js';
import { isFinished, type Progress } from './describe.js';
import type { WatchRenderer } from './renderer.js';

/** Keeps the set of unfinished operations and hands each event to the renderer, finishes once. */
export class WatchTracker {
  readonly active = new Map<string, Progress>();
  private readonly finished = new Set<string>();
  /** Operations shown failed whose ERROR record has not come yet. */
  private readonly failed = new Set<string>();

  constructor(private readonly renderer: WatchRenderer) {}

  handle(event: ProgressEventMessage): void {
    const p = event.progress;
    // An operation's failure is followed by its ERROR record (error_{id}); the ✖ line of the
    // operation already said it. Failures of components (error_catalog…) are shown.
    const source = p.type === 'ERROR' ? (p.metadata as { source?: unknown } | null)?.source : undefined;
    if (typeof source === 'string' && this.failed.has(source)) {
      this.failed.delete(source);
      return;
    }
    if (p.status === 'FAILED') this.failed.add(p.id);
    if (isFinished(p)) {
      this.active.delete(p.id);
      // The same run of an operation (id + start time) is reported finished once.
      const key = `${p.id}@${p.startedAt}`;
      if (this.finished.has(key)) return;
      this.finished.add(key);
      this.renderer.finish(event);
      return;
    }
    const previous = this.active.get(p.id);
    this.active.set(p.id, p);
    this.renderer.update(event, previous);
  }
}
