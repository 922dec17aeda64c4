import type { Logger } from 'pino';
import { EVENT_TYPE_OF, PROGRESS_TYPES, type ProgressEvent, type ProgressType } from '../domain/progress-types.js';
import type { ProgressPubSub } from './progress-pubsub.js';

/** In-process consumer events: every event, or only one event type (e.g. `download_progress`). */
export type ProgressEventName = 'progress' | (typeof EVENT_TYPE_OF)[ProgressType];
export type ProgressHandler = (event: ProgressEvent) => void | Promise<void>;

const EVENT_NAME_TYPES = new Map<string, ProgressType>(PROGRESS_TYPES.map((t) => [EVENT_TYPE_OF[t], t]));

/**
 * The in-process consumers of delivered events (metrics, logging, webhooks, auto-scan): the
 * founding `subscribe(event, handler)` / `unsubscribe`. A handler that throws or rejects is
 * logged and stops neither the other handlers nor the emitter.
 */
export class ProgressHandlers {
  private readonly handlers = new Map<ProgressHandler, Map<ProgressEventName, () => void>>();

  constructor(
    private readonly pubsub: ProgressPubSub,
    private readonly logger: Logger,
  ) {}

  /** Calls `handler` for every event (`progress`) or every event of one type; once per pair. */
  subscribe(event: ProgressEventName, handler: ProgressHandler): void {
    const types = event === 'progress' ? PROGRESS_TYPES : [EVENT_NAME_TYPES.get(event)!];
    let byName = this.handlers.get(handler);
    if (!byName) this.handlers.set(handler, (byName = new Map()));
    if (byName.has(event)) return;
    byName.set(
      event,
      this.pubsub.subscribe(types, (e) => {
        try {
          const result = handler(e);
          if (result && typeof result.then === 'function') {
            result.then(undefined, (err: unknown) => this.logger.error({ err, event }, 'progress handler rejected'));
          }
        } catch (err) {
          this.logger.error({ err, event }, 'progress handler threw');
        }
      }),
    );
  }

  unsubscribe(event: ProgressEventName, handler: ProgressHandler): void {
    const byName = this.handlers.get(handler);
    byName?.get(event)?.();
    byName?.delete(event);
    if (byName?.size === 0) this.handlers.delete(handler);
  }
}
