/** Kinds of tracked work; each is its own PubSub topic, so a DOWNLOAD subscriber never sees SCAN traffic. */
export const PROGRESS_TYPES = ['DOWNLOAD', 'SCAN', 'QUEUE', 'SYSTEM', 'ERROR'] as const;
export type ProgressType = (typeof PROGRESS_TYPES)[number];

export const PROGRESS_STATUSES = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];

export const FINISHED_STATUSES: ReadonlySet<ProgressStatus> = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/** The event `type` string each progress type travels under (the seed's WebSocket message type). */
export const EVENT_TYPE_OF: Readonly<Record<ProgressType, string>> = {
  DOWNLOAD: 'download_progress',
  SCAN: 'scan_progress',
  QUEUE: 'queue_progress',
  SYSTEM: 'system_progress',
  ERROR: 'error_progress',
};

/** The seed's WebSocket rooms: downloads and the queue share one, as its dashboard expected. */
export const ROOM_OF: Readonly<Record<ProgressType, string>> = {
  DOWNLOAD: 'downloads',
  SCAN: 'scan',
  QUEUE: 'downloads',
  SYSTEM: 'system',
  ERROR: 'errors',
};

export type ProgressMetadata = Record<string, unknown>;

/** One tracked operation. Times are epoch milliseconds. Treated as immutable once handed out. */
export interface ProgressRecord {
  readonly id: string;
  readonly type: ProgressType;
  readonly status: ProgressStatus;
  readonly title: string;
  readonly message: string | null;
  readonly percent: number;
  readonly current: number;
  readonly total: number | null;
  readonly speed: number | null;
  readonly eta: number | null;
  readonly error: string | null;
  readonly metadata: ProgressMetadata;
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly completedAt: number | null;
}

/**
 * What subscribers receive. `seq` is the event's place in the log; `cursor` is its opaque
 * form (with the log's epoch). `missed` is per subscriber: how many of its events were
 * dropped just before this one because it did not keep up (0 as published).
 */
export interface ProgressEvent {
  readonly seq: number;
  readonly cursor: string;
  readonly missed: number;
  readonly type: string;
  readonly room: string;
  readonly progress: ProgressRecord;
}

export function isFinished(status: ProgressStatus): boolean {
  return FINISHED_STATUSES.has(status);
}
