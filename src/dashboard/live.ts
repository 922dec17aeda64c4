import type { Api } from './api.ts';
import { applyEvent, emptyLiveState, type LiveEvent, type LiveState } from './live-state.ts';
import { LiveEventsDocument } from './operations.ts';

/**
 * The page's live view of every operation: `snapshot: true` once, then, after any reconnect,
 * `after` the last cursor shown, so nothing is missed and nothing is shown twice. When that
 * cursor has expired (the log was pruned or replaced), it starts over from a snapshot.
 */
export function watchLive(api: Api, onChange: (state: LiveState, event: LiveEvent | null) => void): () => void {
  let state = emptyLiveState();
  let stop: (() => void) | null = null;
  const start = () => {
    stop = api.subscribe(
      LiveEventsDocument,
      () => (state.lastCursor ? { after: state.lastCursor, snapshot: false } : { snapshot: true }),
      {
        next: ({ progressEvents }) => {
          state = applyEvent(state, progressEvents);
          onChange(state, progressEvents);
        },
        error: (err) => {
          if (err.code === 'CURSOR_EXPIRED') {
            // The log no longer holds what followed our cursor: start over from the current state.
            state = { ...emptyLiveState(), errors: state.errors };
            onChange(state, null);
            start();
            return;
          }
          state = { ...state, failure: err.message };
          onChange(state, null);
        },
      },
    );
  };
  start();
  return () => stop?.();
}
