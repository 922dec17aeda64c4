/**
 * With Redis the journal's append script fills the webhook outboxes (RedisWebhookStore):
 * matching events only (type and status), never `error_webhook_*`, in log order, with the
 * same body the SQLite outbox keeps; a removed webhook takes its outbox with it. A real
 * redis-server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { webhookBody } from '../../src/services/webhook-service.js';
import { connectRedis } from '../../src/store/redis-connection.js';
import { redisKeys } from '../../src/store/redis-keys.js';
import { RedisWebhookStore } from '../../src/store/redis-webhook-store.js';
import type { WebhookRecord } from '../../src/store/webhook-store.js';
import { entry, record, redisBackend, type Backend } from '../helpers/journal-backends.js';
import { HAVE_REDIS, startRedis, type RedisServer } from '../helpers/redis-server.js';

let redis: RedisServer;
beforeAll(async () => {
  if (HAVE_REDIS) redis = await startRedis();
});
afterAll(async () => {
  await redis?.dispose();
});

const hook = (id: string, types: WebhookRecord['types'], statuses: WebhookRecord['statuses']): WebhookRecord => ({
  id,
  url: `http://127.0.0.1:9/${id}`,
  types,
  statuses,
  secret: null,
  createdAt: Date.now(),
  lastDelivery: null,
});

describe.skipIf(!HAVE_REDIS)('webhook outbox filled by the Redis append script', () => {
  let backend: Backend;
  const conns: Array<{ disconnect(): void }> = [];
  afterEach(async () => {
    await backend?.cleanup();
    for (const c of conns.splice(0)) c.disconnect();
  });

  it('queues matching events in log order with the body SQLite would send; never error_webhook_*; removal clears it', async () => {
    const prefix = 'outbox:';
    backend = redisBackend(() => redis, 'pubsub', prefix);
    const journal = await backend.open();
    const cmd = await connectRedis(redis.url, 'test-webhooks');
    const sub = await connectRedis(redis.url, 'test-webhooks-sub');
    conns.push(cmd, sub);
    const store = new RedisWebhookStore(cmd, sub, redisKeys(prefix), webhookBody);
    await store.open();
    await store.put(hook('all', null, ['COMPLETED', 'FAILED']));
    await store.put(hook('scans', ['SCAN'], ['IN_PROGRESS']));

    const batch = [
      entry(record('download_A_1_1')),
      entry(record('library_scan', 'SCAN')),
      entry(record('download_A_1_1', 'DOWNLOAD', 'COMPLETED')),
      entry(record('error_webhook_all', 'ERROR', 'FAILED')),
      entry(record('error_download_A_1_2', 'ERROR', 'FAILED')),
    ];
    const events = await journal.append({ events: batch, active: [], finished: [] });

    expect(await store.pendingCount('all')).toBe(2);
    expect(await store.pendingCount('scans')).toBe(1);
    const first = (await store.next('all'))!;
    expect(first).toMatchObject({ seq: events[2]!.seq, cursor: events[2]!.cursor, eventType: 'download_progress', attempts: 0, nextAttemptAt: 0 });
    expect(first.body).toBe(webhookBody(events[2]!));
    await store.retryLater('all', first.seq, { attempts: 1, firstFailedAt: 5, nextAttemptAt: 10, lastStatus: 500, lastError: 'HTTP 500' });
    expect(await store.next('all')).toMatchObject({ seq: first.seq, attempts: 1, firstFailedAt: 5, nextAttemptAt: 10 });
    await store.finish('all', first.seq, { cursor: first.cursor, httpStatus: 200, ok: true, attempts: 2, at: 11, error: null });
    const second = (await store.next('all'))!;
    // The retry state was the first entry's: the next one starts afresh.
    expect(second).toMatchObject({ cursor: events[4]!.cursor, attempts: 0 });
    expect(JSON.parse(second.body)).toMatchObject({ progress: { id: 'error_download_A_1_2' } });
    expect((await store.get('all'))!.lastDelivery).toMatchObject({ cursor: first.cursor, ok: true });
    expect((await store.next('scans'))!.cursor).toBe(events[1]!.cursor);

    await store.remove('all');
    expect(await store.get('all')).toBeNull();
    expect(await store.pendingCount('all')).toBe(0);
    await journal.append({ events: [entry(record('download_A_1_3', 'DOWNLOAD', 'FAILED'))], active: [], finished: [] });
    expect(await store.pendingCount('all')).toBe(0);
    expect((await store.list()).map((w) => w.id)).toEqual(['scans']);
  });
});
