import type { ProgressType } from '../../client/generated/graphql.js';
import type { ProgressEventMessage } from '../../client/index.js';
import type { CliContext } from '../context.js';
import type { WatchTracker } from './tracker.js';

export interface WatchSessionOptions {
  types?: ProgressType[];
  ids?: string[];
  tracker: WatchTracker;
  /** Tells the renderer about reconnects. */
  notice(text: string): void;
  /** After each event; true ends the session. */
  onEvent?(event: ProgressEventMessage): boolean | void;
  /** Called every `pollMs` (errors are ignored, e.g. while the service restarts); true ends the session. */
  poll?(): Promise<boolean>;
  /** @default 500 */
  pollMs?: number;
}

/** Why a session ended: a signal (Ctrl-C), a condition that held, or the service ending the stream. */
export type WatchEnd = 'signal' | 'done' | 'ended';

function describeDrop(err: unknown): string {
  if (err && typeof err === 'object') {
    const { code, reason, message } = err as { code?: unknown; reason?: unknown; message?: unknown };
    if (typeof code === 'number') return `WebSocket closed with ${code}${typeof reason === 'string' && reason ? `: ${reason}` : ''}`;
    if (typeof message === 'string' && message) return message;
    if (typeof code === 'string') return code;
  }
  return 'connection error';
}

/**
 * Follows progress events with the typed client's `watch` (snapshot first, then live; after a
 * dropped connection it resumes with `after`, so nothing is missed or repeated) until Ctrl-C,
 * `onEvent`/`poll` say so, or the service ends the stream. Errors that reconnecting cannot fix
 * (refused token, bad input) are thrown.
 */
export async function runWatchSession(ctx: CliContext, options: WatchSessionOptions): Promise<WatchEnd> {
  const iterator = ctx.client.watch({
    types: options.types,
    ids: options.ids,
    snapshot: true,
    onReconnect: (attempt, err) =>
      options.notice(`⟳ connection to ${ctx.url} lost (${describeDrop(err)}); reconnecting (attempt ${attempt})…`),
    onReset: () => options.notice('⚠ the service no longer had our place in its event log; started over from a snapshot'),
  });
  let finish!: (why: WatchEnd) => void;
  const ended = new Promise<WatchEnd>((resolve) => (finish = resolve));
  const onSignal = () => finish('signal');
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let timer: NodeJS.Timeout | undefined;
  let polling = true;
  if (options.poll) {
    const poll = options.poll;
    const tick = async () => {
      try {
        if (await poll()) finish('done');
      } catch {
        // The service may be restarting; the stream reconnects, the next tick asks again.
      }
      if (polling) timer = setTimeout(() => void tick(), options.pollMs ?? 500);
    };
    timer = setTimeout(() => void tick(), options.pollMs ?? 500);
  }

  try {
    for (;;) {
      const next = iterator.next();
      const result = await Promise.race([next, ended]);
      if (typeof result === 'string') {
        next.catch(() => {});
        return result;
      }
      if (result.done) return 'ended';
      options.tracker.handle(result.value);
      if (options.onEvent?.(result.value)) return 'done';
    }
  } finally {
    polling = false;
    clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // Ends the subscription; a next() still pending is settled when the client closes.
    void iterator.return?.(undefined)?.catch(() => {});
  }
}
