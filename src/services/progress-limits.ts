/** Least time between two broadcasts of in-between updates of one operation. */
export const DEFAULT_THROTTLE_MS = 250;
/** Events the log keeps at least; the contract promises 10,000. */
export const MIN_EVENT_LOG_RETENTION = 10_000;
/** Finished operations kept in history by default. */
export const DEFAULT_HISTORY_LIMIT = 5_000;
