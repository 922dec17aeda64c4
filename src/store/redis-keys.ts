/** Prefix of every key the service keeps in Redis (several deployments may share one Redis). */
export const DEFAULT_REDIS_PREFIX = 'anime-progress:';

/** The keys of one deployment, all under one prefix. */
export function redisKeys(prefix: string = DEFAULT_REDIS_PREFIX) {
  return {
    /** The event log (a Stream; entry id `<seq>-0`). */
    events: `${prefix}events`,
    /** Last seq given out. */
    seq: `${prefix}events:seq`,
    /** Identity of the log; gone with the data, so old cursors then expire. */
    identity: `${prefix}events:identity`,
    /** Pub/sub channel on which each batch is also published (the pub/sub live mode). */
    channel: `${prefix}events:live`,
    /** Active records: id -> JSON. */
    active: `${prefix}progress:active`,
    /** History entries: hid -> JSON. */
    historyData: `${prefix}progress:history`,
    /** Last hid given out. */
    historySeq: `${prefix}progress:history:seq`,
    /** Every history hid (score = hid). */
    historyAll: `${prefix}progress:history:all`,
    /** History hids of one type and status (score = hid). */
    historyBy: (type: string, status: string) => `${prefix}progress:history:by:${type}:${status}`,
    /** Newest hid per progress id. */
    historyLatest: `${prefix}progress:history:latest`,
    /** Queue items: id -> JSON. */
    queueItems: `${prefix}queue:items`,
    /** Queue flags (e.g. running). */
    queueFlags: `${prefix}queue:flags`,
    /** The library index (JSON). */
    library: `${prefix}library`,
    /** The queue runner's lease: `<instance>|<token>`, with a TTL. */
    lease: `${prefix}lease:queue`,
    /** Fencing tokens of the lease, strictly increasing. */
    leaseFence: `${prefix}lease:queue:fence`,
    /** Settings a user changed: field -> JSON value (only the fields changed). */
    settings: `${prefix}settings`,
    /** Pub/sub channel: the settings were saved (every instance loads them again). */
    settingsChanged: `${prefix}settings:changed`,
    /** Webhooks: id -> JSON record (secret and last delivery included). */
    webhooks: `${prefix}webhooks`,
    /** What each webhook wants: id -> JSON {types, statuses}; read by the journal's append script. */
    webhookFilters: `${prefix}webhooks:filters`,
    /** Last delivery of each webhook: id -> JSON. */
    webhookLast: `${prefix}webhooks:last`,
    /** Retry state of the oldest outbox entry of each webhook: id -> JSON. */
    webhookRetry: `${prefix}webhooks:retry`,
    /** Outbox of one webhook (a List in seq order); the append script builds it from `webhookOutboxPrefix`. */
    webhookOutbox: (id: string) => `${prefix}webhooks:outbox:${id}`,
    webhookOutboxPrefix: `${prefix}webhooks:outbox:`,
    /** Pub/sub channel: a webhook was added or removed. */
    webhooksChanged: `${prefix}webhooks:changed`,
    /** Live instances: id -> JSON {startedAt, lastSeenAt}. */
    instances: `${prefix}instances`,
    /** Commands for the queue runner (a Stream). */
    commands: `${prefix}commands`,
    /** Replies to commands, one list per command id. */
    reply: (id: string) => `${prefix}commands:reply:${id}`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
