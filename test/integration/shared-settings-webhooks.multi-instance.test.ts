/**
 * Settings and webhooks with several instances on one Redis (in-process apps sharing a real
 * redis-server, one key prefix and one LIBRARY_DIR): a change made on any instance is seen on
 * every instance and applied by the queue runner; a webhook registered on any instance is
 * delivered once per event (by the runner only), in cursor order, and a new runner carries
 * on with what waits when the old one goes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AddSeriesDocument,
  AddWebhookDocument,
  EnqueueDownloadsDocument,
  QueueDocument,
  RemoveWebhookDocument,
  ServiceInfoDocument,
  SettingsDocument,
  StartQueueDocument,
  StopQueueDocument,
  UpdateSettingsDocument,
  WebhooksDocument,
} from '../../src/client/operations.js';
import { startTestApp, tempDir, type TestApp } from '../helpers/app.js';
import { startCatalogServer, type CatalogServer } from '../helpers/catalog-server.js';
import { cleanupList, downloadId, expectGraphQLError, reached, recordEvents, recordQueue } from '../helpers/library-flow.js';
import { HAVE_REDIS, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const cleanups = cleanupList();
afterEach(() => cleanups.run());

const FAST = { backoffMs: 50, maxBackoffMs: 200, timeoutMs: 1_000 };
const ep = (episode: number) => ({ serieFolder: 'Naruto', season: 1, episode });

let redis: RedisServer;
let prefixes = 0;
beforeAll(async () => {
  if (HAVE_REDIS) redis = await startRedis();
});
afterAll(async () => {
  await redis?.dispose();
});

interface Cluster {
  catalog: CatalogServer;
  /** Starts an instance; the first one started runs the queue. */
  start(id: string): Promise<TestApp>;
}

async function cluster(): Promise<Cluster> {
  const catalog = await startCatalogServer();
  cleanups.add(() => catalog.close());
  const lib = tempDir('anime-shared-lib-');
  const prefix = `shared${++prefixes}:`;
  return {
    catalog,
    async start(id) {
      const app = await startTestApp(
        { catalogUrl: catalog.url, redisUrl: redis.url, libraryDir: lib.path, instanceId: id },
        { redisKeyPrefix: prefix, webhookDelivery: FAST },
      );
      cleanups.add(() => app.stop());
      return app;
    },
  };
}

async function receiver(options: Parameters<typeof startWebhookReceiver>[0] = {}): Promise<WebhookReceiver> {
  const rx = await startWebhookReceiver(options);
  cleanups.add(() => rx.close());
  return rx;
}

async function runnerOf(app: TestApp): Promise<string> {
  const { instances } = (await app.client.request(ServiceInfoDocument)).serviceInfo;
  return instances.find((i) => i.runsQueue)!.id;
}

describe.skipIf(!HAVE_REDIS)('settings and webhooks shared by several instances', () => {
  it('a change made on one instance is what every instance answers, and the runner applies it live', { timeout: 60_000 }, async () => {
    const c = await cluster();
    const b = await c.start('b');
    const a = await c.start('a');
    const other = await c.start('c');
    expect(await runnerOf(a)).toBe('b');
    for (let e = 1; e <= 3; e++) c.catalog.addEpisode('naruto', 'Naruto', 1, e, 60_000, { behaviour: { bytesPerSecond: 60_000 } });
    await other.client.request(AddSeriesDocument, { key: 'naruto' });
    await other.client.request(StopQueueDocument);
    await other.client.request(EnqueueDownloadsDocument, { episodes: [ep(1), ep(2), ep(3)] });
    const queue = recordQueue(other.client);
    cleanups.add(() => queue.stop());
    await other.client.request(StartQueueDocument);
    await queue.until((all) => all.some((q) => q.active.length === 1), 'one active', 5_000);

    // Changed on a (not the runner), read on c, applied by b.
    const changed = (await a.client.request(UpdateSettingsDocument, { input: { downloadConcurrency: 3, speedLimit: 2_000_000 } })).updateSettings;
    expect(changed).toEqual({ speedLimit: 2_000_000, autoScanInterval: 21_600, downloadConcurrency: 3 });
    expect((await other.client.request(SettingsDocument)).settings).toEqual(changed);
    await queue.until((all) => all.some((q) => q.active.length === 3), 'three active after the change made on another instance', 5_000);
    await waitFor(() => b.app.settings.get().speedLimit === 2_000_000, { timeout: 3_000 });

    // Refused anywhere, changed nowhere.
    await expectGraphQLError(other.client.request(UpdateSettingsDocument, { input: { downloadConcurrency: 0 } }), 'BAD_USER_INPUT', /downloadConcurrency/);
    expect((await b.client.request(SettingsDocument)).settings).toEqual(changed);
    // A field changed on one instance keeps another's change to another field.
    await other.client.request(UpdateSettingsDocument, { input: { speedLimit: null } });
    expect((await a.client.request(SettingsDocument)).settings).toEqual({ ...changed, speedLimit: null });
    await waitFor(() => b.app.settings.get().speedLimit === null, { timeout: 3_000 });
    // Different fields changed at the same moment on two instances: both changes stay.
    for (let i = 0; i < 5; i++) {
      await Promise.all([
        a.client.request(UpdateSettingsDocument, { input: { autoScanInterval: 600 + i } }),
        other.client.request(UpdateSettingsDocument, { input: { downloadConcurrency: 1 + (i % 2) } }),
      ]);
      expect((await b.client.request(SettingsDocument)).settings).toEqual({ speedLimit: null, autoScanInterval: 600 + i, downloadConcurrency: 1 + (i % 2) });
    }
  });

  it('a webhook added on one instance is delivered once per event by the runner, in order, also once the instance that added it is gone', { timeout: 60_000 }, async () => {
    const c = await cluster();
    await c.start('b');
    const a = await c.start('a');
    const other = await c.start('c');
    for (let e = 1; e <= 3; e++) c.catalog.addEpisode('naruto', 'Naruto', 1, e, 20_000);
    await other.client.request(AddSeriesDocument, { key: 'naruto' });
    const rx = await receiver();
    const hook = (await a.client.request(AddWebhookDocument, { url: rx.url, types: ['DOWNLOAD'] })).addWebhook;
    expect((await other.client.request(WebhooksDocument)).webhooks.map((w) => w.id)).toEqual([hook.id]);

    const events = recordEvents(other.client, { types: ['DOWNLOAD'], after: await other.app.progress.currentCursor() });
    cleanups.add(() => events.stop());
    await other.client.request(EnqueueDownloadsDocument, { episodes: [ep(1), ep(2)] });
    const done = (e: number) => reached(downloadId('Naruto', 1, e), 'COMPLETED');
    await events.until((all) => done(1)(all) && done(2)(all), 'both COMPLETED', 15_000);
    await rx.waitFor((all) => all.length >= 2, 'two deliveries', 5_000);
    await sleep(500); // three instances: none sends a second copy
    const completed = () => events.items.filter((e) => e.progress.status === 'COMPLETED').map((e) => e.cursor);
    expect(rx.received.map((r) => r.body.cursor)).toEqual(completed());
    await expect.poll(async () => (await a.client.request(WebhooksDocument)).webhooks[0]!.pending, { timeout: 3_000 }).toBe(0);
    expect((await other.client.request(WebhooksDocument)).webhooks[0]!.lastDelivery).toMatchObject({ cursor: completed()[1], ok: true });

    // The instance it was added on stops: the runner still delivers.
    await a.stop();
    await other.client.request(EnqueueDownloadsDocument, { episodes: [ep(3)] });
    await events.until(done(3), 'E03 COMPLETED', 15_000);
    await rx.waitFor((all) => all.length >= 3, 'the third delivery', 5_000);
    await sleep(300);
    expect(rx.received.map((r) => r.body.cursor)).toEqual(completed());

    // Removed on another instance: nothing more.
    expect((await other.client.request(RemoveWebhookDocument, { id: hook.id })).removeWebhook).toBe(true);
    expect((await other.client.request(WebhooksDocument)).webhooks).toEqual([]);
  });

  it('what waits for a receiver that is down is delivered by the next runner when the runner goes, once and in order', { timeout: 60_000 }, async () => {
    const c = await cluster();
    const b = await c.start('b');
    const a = await c.start('a');
    for (let e = 1; e <= 2; e++) c.catalog.addEpisode('naruto', 'Naruto', 1, e, 20_000);
    await a.client.request(AddSeriesDocument, { key: 'naruto' });
    const down = await receiver();
    const port = down.port;
    await down.close();
    const hook = (await a.client.request(AddWebhookDocument, { url: down.url, types: ['DOWNLOAD'] })).addWebhook;
    const events = recordEvents(a.client, { types: ['DOWNLOAD'], after: await a.app.progress.currentCursor() });
    cleanups.add(() => events.stop());
    await a.client.request(EnqueueDownloadsDocument, { episodes: [ep(1), ep(2)] });
    await events.until((all) => reached(downloadId('Naruto', 1, 1), 'COMPLETED')(all) && reached(downloadId('Naruto', 1, 2), 'COMPLETED')(all), 'both COMPLETED', 15_000);
    const completed = events.items.filter((e) => e.progress.status === 'COMPLETED').map((e) => e.cursor);
    await expect.poll(async () => (await a.client.request(WebhooksDocument)).webhooks[0]!.pending, { timeout: 3_000 }).toBe(2);
    expect((await a.client.request(WebhooksDocument)).webhooks[0]!.lastDelivery).toBeNull();

    // The runner stops; a takes the queue over, and with it the deliveries.
    await b.stop();
    await expect.poll(() => runnerOf(a), { timeout: 15_000, interval: 200 }).toBe('a');
    const back = await receiver({ port, answer: (n) => (n === 1 ? 500 : 200) });
    await back.waitFor((all) => all.filter((r) => r.status === 200).length === 2, 'both delivered by the new runner', 10_000);
    await sleep(300);
    expect(back.received.map((r) => r.body.cursor)).toEqual([completed[0], completed[0], completed[1]]);
    expect((await a.client.request(WebhooksDocument)).webhooks[0]).toMatchObject({ id: hook.id, pending: 0 });
  });
});
