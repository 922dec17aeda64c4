import { withRelease } from '../lib/async-iterators.js';
import { EVENT_TYPE_OF, PROGRESS_TYPES, ROOM_OF, type ProgressEvent, type ProgressRecord, type ProgressType } from '../domain/progress-types.js';
import type { CursorCheck, ProgressJournal, ProgressStateReader } from '../store/progress-journal.js';
import type { SyncJournal } from '../store/sqlite-journal.js';
import { BadInputError, CursorExpiredError, type ServiceError } from './errors.js';
import { LiveQueue, type DropTally } from './live-queue.js';
import type { ProgressPubSub } from './progress-pubsub.js';

/** Events read from the log per page while replaying after a cursor. */
export const REPLAY_PAGE = 500;

/** What a subscription asks for: which events, and what comes before the live ones. */
export interface StreamOptions {
  types?: readonly ProgressType[] | null;
  ids?: readonly string[] | null;
  /** First one event per matching unfinished operation, then live. */
  snapshot?: boolean | null;
  /** First every logged event after this cursor, then live. Takes precedence over snapshot. */
  after?: string | null;
  /** Buffer bound of this subscriber before it conflates. @default LIVE_QUEUE_CAPACITY */
  capacity?: number;
}

/** A page of the prefix (snapshot or replay); null once it is all delivered. */
export type PrefixPage = ProgressEvent[] | null;

/** A registered live listener and what to deliver before its events. */
export interface Listening {
  /** Seq of the last event before the live ones: live events at or before it are skipped. */
  readonly head: number;
  /**
   * Pages of events to deliver first (snapshot or replay), oldest first; null when done.
   * With SQLite every page is at hand; with Redis a page may have to be read first. Rejects
   * with CursorExpiredError or BadInputError for a cursor it cannot serve.
   */
  prefix: () => PrefixPage | Promise<PrefixPage>;
  /** Removes the listener. */
  close: () => void;
}

/** What the streams read: the journal, the local fan-out, and the producer's state. */
export interface StreamSources {
  journal: ProgressJournal & ProgressStateReader;
  /** The journal when it is synchronous (SQLite): cursors are checked in the calling turn. */
  sync: (ProgressJournal & SyncJournal) | null;
  pubsub: ProgressPubSub;
  /** Hands what was emitted so far to the journal: a prefix ends after it. */
  flush: () => void;
  /** Unfinished operations of these types, oldest first: the snapshot. */
  active: (types: readonly ProgressType[]) => ProgressRecord[];
  /** Counts events dropped for slow subscribers, per reason (metrics). @default not counted */
  drops?: DropTally;
}

/** The error a failed cursor check is answered with. */
export function cursorError(cursor: string, check: Exclude<CursorCheck, { ok: true }>): ServiceError {
  switch (check.reason) {
    case 'malformed': {
      // Quoted only in part: whatever a client sends (10 KB of it) is not echoed back whole.
      const shown = cursor.length > 40 ? `${cursor.slice(0, 40)}…" (${cursor.length} characters)` : `${cursor}"`;
      return new BadInputError(`after: "${shown} is not a cursor this service issued`);
    }
    case 'ahead':
      return new BadInputError(`after: cursor "${cursor}" is ahead of the event log (newest: ${check.newest})`);
    case 'expired':
      return new CursorExpiredError(
        cursor,
        check.lost
          ? 'is from an event log this service no longer has (it was replaced or could not be written)'
          : `is older than the event log keeps (oldest kept: ${check.oldest})`,
      );
  }
}

/**
 * The subscriptions' side of the journal: live listeners with their prefix (a snapshot, or a
 * replay after a cursor, paged), for yoga's `stream()` and the WebSocket fan-out alike.
 */
export class ProgressStreams {
  private readonly listenings = new Set<{ head: number }>();

  constructor(private readonly sources: StreamSources) {}

  /**
   * A live stream of events matching `types` and `ids`, preceded by a snapshot or by a
   * replay after a cursor (see listen). With SQLite a cursor it cannot serve throws here;
   * with Redis the first next() rejects.
   */
  stream(options: StreamOptions = {}): AsyncIterableIterator<ProgressEvent> {
    let live: LiveQueue<ProgressEvent> | null = null;
    const listening = this.listen(options, (e) => live!.push(e));
    live = new LiveQueue<ProgressEvent>({
      keyOf: (e) => e.progress.id,
      capacity: options.capacity,
      onClose: listening.close,
      markMissed: (e, missed) => ({ ...e, missed }),
      onDrop: this.sources.drops?.add,
    });
    const queue = live;
    async function* run(): AsyncGenerator<ProgressEvent> {
      for (let page = await listening.prefix(); page !== null; page = await listening.prefix()) yield* page;
      // What was dropped before an event the replay already delivered counts for the next one.
      let missed = 0;
      for await (const event of queue) {
        missed += event.missed;
        if (event.seq <= listening.head) continue;
        yield missed === event.missed ? event : { ...event, missed };
        missed = 0;
      }
    }
    return withRelease(run(), () => queue.close());
  }

  /**
   * The core of every subscription (yoga's stream and the WebSocket fan-out): registers
   * `onEvent` for live events matching `types` and `ids` at once (called inside the
   * delivering turn; it must not throw), and returns the prefix to deliver first — a pager
   * over the log after `after`, or the snapshot — which ends at `head`. Live events all come
   * after `head`. With SQLite a cursor it cannot serve throws CursorExpiredError or
   * BadInputError at once; with Redis the prefix rejects with them.
   */
  listen(options: Omit<StreamOptions, 'capacity'>, onEvent: (event: ProgressEvent) => void): Listening {
    return this.prefixFor(options, onEvent);
  }

  /**
   * The prefix alone (snapshot or replay up to the head at this turn), with no listener of
   * its own: for a subscriber that joins a group already listening (the WebSocket fan-out).
   */
  prefixFor(options: Omit<StreamOptions, 'capacity'>, onEvent?: (event: ProgressEvent) => void): Listening {
    const { journal, sync, pubsub, flush } = this.sources;
    const after = options.after ?? null;
    let checked: CursorCheck | Promise<CursorCheck> | null = null;
    if (after !== null) {
      if (sync) {
        flush();
        const check = sync.checkCursorNow(after);
        if (!check.ok) throw cursorError(after, check);
        checked = check;
      } else {
        checked = journal.checkCursor(after);
        // Handled by the prefix; never an unhandled rejection meanwhile.
        checked.catch(() => undefined);
      }
    }
    flush();
    const types = options.types?.length ? [...new Set(options.types)] : PROGRESS_TYPES;
    const ids = options.ids?.length ? new Set(options.ids) : null;
    const matches = (p: ProgressRecord) => (!ids || ids.has(p.id)) && types.includes(p.type);
    const unsubscribe = onEvent
      ? pubsub.subscribe(types, (e) => {
          if (!ids || ids.has(e.progress.id)) onEvent(e);
        })
      : () => undefined;
    const state = { head: journal.head };
    this.listenings.add(state);
    const close = () => {
      unsubscribe();
      this.listenings.delete(state);
    };
    let prefix: Listening['prefix'] = () => null;
    if (checked !== null) {
      let cursor: number | null = null;
      const page = (rows: ProgressEvent[]) => {
        const upTo = rows.filter((e) => e.seq <= state.head);
        cursor = upTo.length && upTo.length === rows.length ? rows[rows.length - 1]!.seq : state.head;
        return upTo.filter((e) => matches(e.progress));
      };
      if (sync) {
        cursor = (checked as Extract<CursorCheck, { ok: true }>).seq;
        prefix = () => (cursor! >= state.head ? null : page(sync.readAfterNow(cursor!, REPLAY_PAGE)));
      } else {
        const pending = checked;
        prefix = async () => {
          if (cursor === null) {
            const check = await pending;
            if (!check.ok) throw cursorError(after!, check);
            cursor = check.seq;
            // A cursor another instance handed out before this one delivered it: live
            // events up to it are not for this subscriber.
            if (cursor > state.head) state.head = cursor;
          }
          if (cursor >= state.head) return null;
          return page(await journal.readAfter(cursor, REPLAY_PAGE));
        };
      }
    } else if (options.snapshot) {
      const cursor = journal.cursorOf(state.head);
      // As delivered, with this instance's own latest states (a throttled update is current).
      let snapshot: PrefixPage = this.sources
        .active(types)
        .filter(matches)
        .map((progress) => ({
          seq: state.head,
          cursor,
          missed: 0,
          type: EVENT_TYPE_OF[progress.type],
          room: ROOM_OF[progress.type],
          progress,
        }));
      prefix = () => {
        const out = snapshot;
        snapshot = null;
        return out;
      };
    }
    return {
      get head() {
        return state.head;
      },
      prefix,
      close,
    };
  }

  /** The shared log was lost and a new one began: live listeners take everything from now on. */
  resetHeads(): void {
    for (const l of this.listenings) l.head = 0;
  }
}
