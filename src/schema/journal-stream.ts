import type { GraphQLField } from 'graphql';
import type { StreamOptions } from '../services/progress-streams.js';

/** The field extension under which a subscription field declares its journal mapping. */
export const JOURNAL_STREAM_EXTENSION = 'journalStream';

/**
 * A subscription field's arguments (as graphql-js coerced them) as the journal's
 * StreamOptions. The field's own subscribe resolver and the WebSocket fan-out both call it,
 * so the two paths cannot read the arguments differently.
 */
export type JournalStreamMapping = (args: Record<string, unknown>) => StreamOptions;

/**
 * The `extensions` of a subscription field whose events are the journal's: the fan-out serves
 * such a field itself (one execution per event for every identical subscription), which needs
 * its resolve to take the ProgressEvent as root value and to be synchronous. A field without
 * it runs on the normal graphql-ws path.
 */
export function journalStream<Args extends object>(map: (args: Args) => StreamOptions): Record<string, unknown> {
  return { [JOURNAL_STREAM_EXTENSION]: map };
}

/** The mapping a field declared with journalStream(), or null. */
export function journalStreamOf(field: GraphQLField<unknown, unknown> | undefined): JournalStreamMapping | null {
  const map = field?.extensions?.[JOURNAL_STREAM_EXTENSION];
  return typeof map === 'function' ? (map as JournalStreamMapping) : null;
}
