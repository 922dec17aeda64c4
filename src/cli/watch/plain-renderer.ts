import type { ProgressEventMessage } from '../../client/index.js';
import { clock } from '../format.js';
import { finishedLine, progressLine, type Progress } from './describe.js';
import type { WatchRenderer } from './renderer.js';

export interface PlainRendererOptions {
  write(line: string): void;
  /** Where notices go (stderr), so stdout stays one line per event. */
  writeNotice(line: string): void;
  /** Least ms between two progress lines of one operation. @default 1000 */
  intervalMs?: number;
  now?: () => number;
}

/**
 * Log-friendly output for a pipe or a file: a line when an operation appears or changes status,
 * a line when it finishes, and in between at most one progress line per operation per second
 * (none while it does not move; a state held back by that limit is printed when the second is over).
 */
export function createPlainRenderer(options: PlainRendererOptions): WatchRenderer {
  const intervalMs = options.intervalMs ?? 1000;
  const now = options.now ?? Date.now;
  const last = new Map<string, { at: number; percent: number; message: string | null }>();
  /** A newer state held back by the interval: printed when the interval is over (trailing edge). */
  const held = new Map<string, { progress: Progress; timer: NodeJS.Timeout }>();
  const line = (text: string) => options.write(`${clock()} ${text}`);
  const show = (p: Progress, statusChanged: boolean) => {
    const h = held.get(p.id);
    if (h) clearTimeout(h.timer);
    held.delete(p.id);
    last.set(p.id, { at: now(), percent: p.percent, message: p.message });
    line(`${progressLine(p)}${statusChanged ? `  [${p.type} ${p.id}]` : ''}`);
  };
  return {
    update(event: ProgressEventMessage, previous: Progress | undefined) {
      const p = event.progress;
      const seen = last.get(p.id);
      const statusChanged = !previous || previous.status !== p.status || previous.startedAt !== p.startedAt;
      if (statusChanged || !seen) return show(p, statusChanged);
      // The queue's counts change only when an item starts or ends: each is worth a line.
      if (p.type === 'QUEUE' && p.message !== seen.message) return show(p, false);
      const moved = Math.floor(p.percent) !== Math.floor(seen.percent) || p.message !== seen.message;
      if (!moved) return;
      const wait = seen.at + intervalMs - now();
      if (wait <= 0) return show(p, false);
      const h = held.get(p.id);
      if (h) h.progress = p;
      else {
        const entry = { progress: p, timer: setTimeout(() => show(entry.progress, false), wait) };
        held.set(p.id, entry);
      }
    },
    finish(event) {
      const id = event.progress.id;
      const h = held.get(id);
      if (h) clearTimeout(h.timer);
      held.delete(id);
      last.delete(id);
      line(finishedLine(event.progress));
    },
    notice(text) {
      options.writeNotice(`${clock()} ${text}`);
    },
    close() {
      for (const h of held.values()) clearTimeout(h.timer);
      held.clear();
    },
  };
}

/** --json: one JSON object per event, as the service sent it (NDJSON). */
export function createJsonRenderer(write: (line: string) => void, writeNotice: (line: string) => void): WatchRenderer {
  return {
    update: (event) => write(JSON.stringify(event)),
    finish: (event) => write(JSON.stringify(event)),
    notice: (text) => writeNotice(text),
    close() {},
  };
}
