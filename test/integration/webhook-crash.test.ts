/**
 * Webhook deliveries survive kill -9: the real service in a child process (src/main.ts) with a
 * receiver that is down, SIGKILL while deliveries wait for retries, a restart on the same
 * DATA_DIR, and the receiver (back on its port) gets every event, in order, signed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createProgressClient, type ProgressClient } from '../../src/client/index.js';
import { AddSeriesDocument, AddWebhookDocument, EnqueueDownloadsDocument, WebhooksDocument } from '../../src/client/operations.js';
import { tempDir } from '../helpers/app.js';
import { startCatalogServer } from '../helpers/catalog-server.js';
import { cleanupList, downloadId, freePort, reached, recordEvents, spawnService, waitHealthy } from '../helpers/library-flow.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

const cleanups = cleanupList();
afterEach(() => cleanups.run());

describe('webhooks across kill -9', () => {
  it('what waits for a receiver that is down is delivered after a SIGKILL and a restart', { timeout: 90_000 }, async () => {
    const catalog = await startCatalogServer();
    cleanups.add(() => catalog.close());
    catalog.addEpisode('naruto', 'Naruto', 1, 1, 20_000);
    catalog.addEpisode('naruto', 'Naruto', 1, 2, 20_000);
    const data = tempDir('anime-webhook-crash-');
    const lib = tempDir('anime-webhook-crash-lib-');
    const env = { PORT: String(await freePort()), DATA_DIR: data.path, LIBRARY_DIR: lib.path, CATALOG_URL: catalog.url };
    const client = (url: string): ProgressClient => {
      const c = createProgressClient({ url });
      cleanups.add(() => c.close());
      return c;
    };
    const rx = await startWebhookReceiver({ secret: 'k' });
    const port = rx.port;
    await rx.close(); // down

    const first = spawnService(env);
    cleanups.add(() => first.kill());
    await waitHealthy(first);
    const c1 = client(first.url);
    await c1.request(AddSeriesDocument, { key: 'naruto' });
    await c1.request(AddWebhookDocument, { url: rx.url, types: ['DOWNLOAD'], secret: 'k' });
    const events = recordEvents(c1, { types: ['DOWNLOAD'] });
    await c1.request(EnqueueDownloadsDocument, { episodes: [1, 2].map((episode) => ({ serieFolder: 'Naruto', season: 1, episode })) });
    await events.until((all) => reached(downloadId('Naruto', 1, 1), 'COMPLETED')(all) && reached(downloadId('Naruto', 1, 2), 'COMPLETED')(all), 'both COMPLETED', 20_000);
    const completed = events.items.filter((e) => e.progress.status === 'COMPLETED').map((e) => e.cursor);
    await events.stop();
    // Both completions are in the outbox (written with the event log), failing to connect.
    expect((await c1.request(WebhooksDocument)).webhooks[0]!.pending).toBe(2);
    await first.kill(); // SIGKILL

    const back = await startWebhookReceiver({ secret: 'k', port });
    cleanups.add(() => back.close());
    const second = spawnService(env);
    cleanups.add(() => second.kill());
    await waitHealthy(second);
    await back.waitFor((all) => all.filter((r) => r.status === 200).length === 2, 'both deliveries after the restart', 30_000);
    expect(back.received.map((r) => r.body.cursor)).toEqual(completed);
    expect(back.received.every((r) => r.signatureValid)).toBe(true);
    expect((await client(second.url).request(WebhooksDocument)).webhooks[0]!.pending).toBe(0);
  });
});
