import type { Redis } from 'ioredis';
import type { ProgressRecord } from '../domain/progress-types.js';
import { unavailable } from './errors.js';
import type { JournalEntry } from './progress-journal.js';
import type { RedisKeys } from './redis-keys.js';
import type { AsyncWebhookStore, DeliveryRecord, OutboxEntry, OutboxRetry, WebhookFilter, WebhookRecord } from './webhook-store.js';

/** Turns a logged event into the exact body a delivery sends (the service's format). */
export type WebhookBodyOf = (event: { cursor: string; type: string; progress: ProgressRecord }) => string;

// KEYS: outbox, retry, last, webhooks. ARGV: id, seq, delivery JSON.
// Takes the entry off the outbox only if it is still the oldest one (a removal may have come first).
const FINISH = `
local head = redis.call('LINDEX', KEYS[1], 0)
if head and string.sub(head, 1, #ARGV[2] + 1) == ARGV[2] .. '\\n' then redis.call('LPOP', KEYS[1]) end
redis.call('HDEL', KEYS[2], ARGV[1])
if redis.call('HEXISTS', KEYS[4], ARGV[1]) == 1 then redis.call('HSET', KEYS[3], ARGV[1], ARGV[3]) end
return 1
`;

interface RedisWithWebhooks extends Redis {
  webhookFinish(outbox: string, retry: string, last: string, webhooks: string, id: string, seq: number, delivery: string): Promise<number>;
}

type StoredRetry = OutboxRetry & { seq: number };

/**
 * Webhooks shared by every instance. Registrations are a hash (the record) and a second hash
 * of what each one wants, which the journal's append script reads: it pushes each matching
 * event onto the webhook's outbox (a List, so seq order) in the same script that appends the
 * event to the Stream, so an event is in the outbox exactly when it is in the log, and
 * independently of the log's trimming. An outbox entry is `<seq>\n<cursor>\n<journal entry>`;
 * the retry state of the oldest entry (the only one being tried) is kept beside it, so a
 * restart or a new queue runner carries on with the backoff reached.
 */
export class RedisWebhookStore implements AsyncWebhookStore {
  readonly shared = true;
  readonly enqueue = null;
  private readonly redis: RedisWithWebhooks;
  private readonly listeners = new Set<() => void>();

  constructor(
    redis: Redis,
    /** A connection in subscriber mode (shared with other subscribers: messages are filtered by channel). */
    private readonly subscriber: Redis,
    private readonly keys: RedisKeys,
    private readonly bodyOf: WebhookBodyOf,
  ) {
    this.redis = redis as RedisWithWebhooks;
    if (!this.redis.webhookFinish) this.redis.defineCommand('webhookFinish', { numberOfKeys: 4, lua: FINISH });
  }

  async open(): Promise<void> {
    this.subscriber.on('message', (channel: string) => {
      if (channel === this.keys.webhooksChanged) this.notify();
    });
    this.subscriber.on('ready', () => this.notify());
    await this.subscriber.subscribe(this.keys.webhooksChanged);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): Promise<WebhookRecord[]> {
    return unavailable(
      (async () => {
        const [records, last] = await Promise.all([this.redis.hgetall(this.keys.webhooks), this.redis.hgetall(this.keys.webhookLast)]);
        return Object.entries(records)
          .map(([id, json]) => withLast(json, last[id]))
          .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
      })(),
    );
  }

  get(id: string): Promise<WebhookRecord | null> {
    return unavailable(
      (async () => {
        const [json, last] = await Promise.all([this.redis.hget(this.keys.webhooks, id), this.redis.hget(this.keys.webhookLast, id)]);
        return json ? withLast(json, last ?? undefined) : null;
      })(),
    );
  }

  put(webhook: WebhookRecord): Promise<void> {
    const { lastDelivery, ...record } = webhook;
    const filter: WebhookFilter = { types: webhook.types, statuses: webhook.statuses };
    const tx = this.redis
      .multi()
      .hset(this.keys.webhooks, webhook.id, JSON.stringify({ ...record, lastDelivery: null }))
      .hset(this.keys.webhookFilters, webhook.id, JSON.stringify(filter));
    if (lastDelivery) tx.hset(this.keys.webhookLast, webhook.id, JSON.stringify(lastDelivery));
    return unavailable(exec(tx.publish(this.keys.webhooksChanged, webhook.id)));
  }

  remove(id: string): Promise<void> {
    return unavailable(
      exec(
        this.redis
          .multi()
          .hdel(this.keys.webhookFilters, id)
          .hdel(this.keys.webhooks, id)
          .hdel(this.keys.webhookLast, id)
          .hdel(this.keys.webhookRetry, id)
          .del(this.keys.webhookOutbox(id))
          .publish(this.keys.webhooksChanged, id),
      ),
    );
  }

  next(webhookId: string): Promise<OutboxEntry | null> {
    return unavailable(
      (async () => {
        const [head, retryJson] = await Promise.all([
          this.redis.lindex(this.keys.webhookOutbox(webhookId), 0),
          this.redis.hget(this.keys.webhookRetry, webhookId),
        ]);
        if (!head) return null;
        const nl1 = head.indexOf('\n');
        const nl2 = head.indexOf('\n', nl1 + 1);
        const seq = Number(head.slice(0, nl1));
        const cursor = head.slice(nl1 + 1, nl2);
        const event = JSON.parse(head.slice(nl2 + 1)) as JournalEntry;
        const retry = retryJson ? (JSON.parse(retryJson) as StoredRetry) : null;
        const state: OutboxRetry =
          retry && retry.seq === seq
            ? { attempts: retry.attempts, firstFailedAt: retry.firstFailedAt, nextAttemptAt: retry.nextAttemptAt, lastStatus: retry.lastStatus, lastError: retry.lastError }
            : { attempts: 0, firstFailedAt: null, nextAttemptAt: 0, lastStatus: null, lastError: null };
        return {
          webhookId,
          seq,
          cursor,
          eventType: event.type,
          body: this.bodyOf({ cursor, type: event.type, progress: event.progress }),
          ...state,
        };
      })(),
    );
  }

  pendingCount(webhookId: string): Promise<number> {
    return unavailable(this.redis.llen(this.keys.webhookOutbox(webhookId)));
  }

  retryLater(webhookId: string, seq: number, retry: OutboxRetry): Promise<void> {
    const stored: StoredRetry = { seq, ...retry };
    return unavailable(this.redis.hset(this.keys.webhookRetry, webhookId, JSON.stringify(stored)).then(() => undefined));
  }

  finish(webhookId: string, seq: number, delivery: DeliveryRecord): Promise<void> {
    return unavailable(
      this.redis
        .webhookFinish(
          this.keys.webhookOutbox(webhookId),
          this.keys.webhookRetry,
          this.keys.webhookLast,
          this.keys.webhooks,
          webhookId,
          seq,
          JSON.stringify(delivery),
        )
        .then(() => undefined),
    );
  }
}

function withLast(json: string, last: string | undefined): WebhookRecord {
  const record = JSON.parse(json) as WebhookRecord;
  return { ...record, lastDelivery: last ? (JSON.parse(last) as DeliveryRecord) : null };
}

async function exec(tx: ReturnType<Redis['multi']>): Promise<void> {
  const results = await tx.exec();
  if (!results) throw new Error('the transaction was aborted');
  for (const [err] of results) if (err) throw err;
}
