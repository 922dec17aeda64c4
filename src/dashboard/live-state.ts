import type { LiveEventsSubscription } from './generated/graphql.js';

// The live view's state and how one event changes it: pure, no DOM, unit-tested in Node.

export type LiveEvent = LiveEventsSubscription['progressEvents'];
export type LiveProgress = LiveEvent['progress'];

/** Finished operations and errors kept on screen (newest first); older ones are in History. */
export const MAX_LINES = 50;

/** A finished operation or an error, as one line: the event that ended it. */
export interface Line {
  cursor: string;
  progress: LiveProgress;
}

export interface LiveState {
  /** Unfinished operations by id, in the order they first appeared. */
  active: ReadonlyMap<string, LiveProgress>;
  /** One line per finished operation id, its latest outcome, newest first; none for an id that runs again. */
  finished: readonly Line[];
  /** Every ERROR event, newest first. */
  errors: readonly Line[];
  /** Cursor of the last event shown; a reconnect resumes after it. */
  lastCursor: string | null;
  /** Set when the stream broke for good (e.g. a refused token). */
  failure: string | null;
}

const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/** Applies one event to the state (pure: returns a new state). */
export function applyEvent(state: LiveState, event: LiveEvent): LiveState {
  const p = event.progress;
  const line = { cursor: event.cursor, progress: p };
  if (p.type === 'ERROR') {
    return { ...state, lastCursor: event.cursor, errors: [line, ...state.errors].slice(0, MAX_LINES) };
  }
  const active = new Map(state.active);
  let finished = state.finished;
  if (FINISHED.has(p.status)) {
    active.delete(p.id);
    finished = [line, ...finished.filter((l) => l.progress.id !== p.id)].slice(0, MAX_LINES);
  } else {
    active.set(p.id, p);
    // Running again (a retry, the queue's next round): its line turns back into a bar.
    if (finished.some((l) => l.progress.id === p.id)) finished = finished.filter((l) => l.progress.id !== p.id);
  }
  return { ...state, active, finished, lastCursor: event.cursor };
}

export const emptyLiveState = (): LiveState => ({ active: new Map(), finished: [], errors: [], lastCursor: null, failure: null });
