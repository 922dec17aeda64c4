import type { ProgressEventMessage } from '../../client/index.js';
import type { Progress } from './describe.js';

/** Shows a watch: one of the TTY bars, plain lines, or JSON lines. */
export interface WatchRenderer {
  /** An unfinished operation appeared or changed; `previous` is its last state seen, if any. */
  update(event: ProgressEventMessage, previous: Progress | undefined): void;
  /** An operation finished; called once per run of an operation. */
  finish(event: ProgressEventMessage): void;
  /** Something about the watch itself (lost connection, reconnecting, …). */
  notice(text: string): void;
  /** Stops drawing (bars are left as they are, the cursor is restored). */
  close(): void;
}
