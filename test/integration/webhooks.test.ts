/**
 * Webhooks end to end: a real receiver (answers 500 twice then 200, checks the HMAC signature,
 * goes down across a restart of the service), real downloads from the catalog test server.
 * Retry delays are shortened through createApp's webhookDelivery option; the contract's
 * timing (10 s timeout, retries for at least an hour) is covered with an injected clock in
 * test/unit/webhook-delivery.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ProgressEventMessage } from '../../src/client/index.js';
import type { AddWebhookMutationVariables } from '../../src/client/generated/graphql.js';
import {
  AddSeriesDocument,
  AddWebhookDocument,
  EnqueueDownloadsDocument,
  RemoveWebhookDocument,
  StartScanDocument,
  TestWebhookDocument,
  WebhooksDocument,
} from '../../src/client/operations.js';
import type { AppConfig } from '../../src/config.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { startCatalogServer, type CatalogServer } from '../helpers/catalog-server.js';
import { cleanupList, downloadId, expectGraphQLError, reached, recordEvents } from '../helpers/library-flow.js';
import { startWebhookReceiver, verifySignature, type ReceivedDelivery, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { sleep } from '../helpers/wait.js';

const cleanups = cleanupList();
afterEach(() => cleanups.run());

const SECRET = 'correct horse battery staple';
const FAST = { backoffMs: 50, maxBackoffMs: 200, timeoutMs: 1_000 };
const PROGRESS_FIELDS = [
  'id', 'type', 'status', 'title', 'message', 'percent', 'current', 'total', 'speed', 'eta', 'error', 'metadata',
  'startedAt', 'updatedAt', 'completedAt',
];

async function setup(episodes: number, config: Partial<AppConfig> = {}): Promise<{ app: TestApp; catalog: CatalogServer }> {
  const catalog = await startCatalogServer();
  cleanups.add(() => catalog.close());
  for (let e = 1; e <= episodes; e++) catalog.addEpisode('naruto', 'Naruto', 1, e, 20_000);
  const app = await startTestApp({ catalogUrl: catalog.url, ...config }, { webhookDelivery: FAST });
  cleanups.add(() => app.stop());
  if (episodes > 0) await app.client.request(AddSeriesDocument, { key: 'naruto' });
  return { app, catalog };
}

async function receiver(options: Parameters<typeof startWebhookReceiver>[0] = {}): Promise<WebhookReceiver> {
  const rx = await startWebhookReceiver({ secret: SECRET, ...options });
  cleanups.add(() => rx.close());
  return rx;
}

const ep = (episode: number) => ({ serieFolder: 'Naruto', season: 1, episode });
const cursorsOf = (rs: readonly ReceivedDelivery[]) => rs.map((r) => r.body.cursor);

describe('webhook deliveries', () => {
  it('POSTs each matching event with the contract body, headers and signature; 500 twice then 200 is retried, in cursor order', async () => {
    const { app } = await setup(2);
    const rx = await receiver({ answer: (n) => (n <= 2 ? 500 : 200) });
    const errors = recordEvents(app.client, { types: ['ERROR'], after: app.app.progress.lastCursor });
    cleanups.add(() => errors.stop());
    const events = recordEvents(app.client, { types: ['DOWNLOAD'], after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());
    const hook = (await app.client.request(AddWebhookDocument, { url: rx.url, types: ['DOWNLOAD'], secret: SECRET })).addWebhook;
    expect(hook).toMatchObject({ url: rx.url, types: ['DOWNLOAD'], statuses: ['COMPLETED', 'FAILED', 'CANCELLED'], signed: true, pending: 0, lastDelivery: null });

    await app.client.request(EnqueueDownloadsDocument, { episodes: [ep(1), ep(2)] });
    await events.until((all) => reached(downloadId('Naruto', 1, 1), 'COMPLETED')(all) && reached(downloadId('Naruto', 1, 2), 'COMPLETED')(all), 'both COMPLETED', 10_000);
    await rx.waitFor((all) => all.filter((r) => r.status === 200).length === 2, 'both completions delivered', 5_000);

    const completed = events.items.filter((e) => e.progress.status === 'COMPLETED');
    // The first completion was refused twice, then delivered; the second only after it.
    expect(cursorsOf(rx.received)).toEqual([completed[0]!.cursor, completed[0]!.cursor, completed[0]!.cursor, completed[1]!.cursor]);
    expect(rx.received.map((r) => r.status)).toEqual([500, 500, 200, 200]);
    for (const r of rx.received) {
      expect(r.signatureValid, `signature of delivery ${r.n}`).toBe(true);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-progress-event']).toBe('download_progress');
      expect(r.headers['x-progress-delivery']).toBe(r.body.cursor);
      expect(r.headers['x-progress-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
      const event = events.items.find((e) => e.cursor === r.body.cursor) as ProgressEventMessage;
      // The ProgressEvent as the API gives it, progress with every field of Progress.
      expect(Object.keys(r.body).sort()).toEqual(['cursor', 'progress', 'type']);
      expect(r.body.type).toBe(event.type);
      expect(Object.keys(r.body.progress).sort()).toEqual([...PROGRESS_FIELDS].sort());
      expect(r.body.progress).toEqual(event.progress);
    }
    // A wrong secret does not verify: the check in the receiver means something.
    expect(verifySignature(rx.received[0]!.rawBody, rx.received[0]!.headers['x-progress-signature'] as string, 'wrong')).toBe(false);

    // The first failure was reported as an ERROR event; the successes left the webhook clean.
    await errors.until((all) => all.some((e) => e.progress.id === `error_webhook_${hook.id}`), 'error_webhook event', 3_000);
    const err = errors.items.find((e) => e.progress.id === `error_webhook_${hook.id}`)!;
    expect(err.progress.status).toBe('FAILED');
    expect(err.progress.error).toMatch(/HTTP 500/);
    expect(err.progress.metadata).toMatchObject({ source: `webhook_${hook.id}`, code: 'WEBHOOK_DELIVERY_FAILED', willRetry: true });
    const [view] = (await app.client.request(WebhooksDocument)).webhooks;
    expect(view!.pending).toBe(0);
    expect(view!.lastDelivery).toMatchObject({ cursor: completed[1]!.cursor, httpStatus: 200, ok: true, attempts: 1, error: null });
  });

  it('a receiver down across a restart of the service gets every event afterwards, in order, exactly as signed before', async () => {
    let { app } = await setup(2);
    const rx = await receiver();
    const port = rx.port;
    await rx.close(); // down from the start
    const hook = (await app.client.request(AddWebhookDocument, { url: rx.url, types: ['DOWNLOAD'], secret: SECRET })).addWebhook;
    const events = recordEvents(app.client, { types: ['DOWNLOAD'], after: app.app.progress.lastCursor });
    await app.client.request(EnqueueDownloadsDocument, { episodes: [ep(1), ep(2)] });
    await events.until((all) => reached(downloadId('Naruto', 1, 1), 'COMPLETED')(all) && reached(downloadId('Naruto', 1, 2), 'COMPLETED')(all), 'both COMPLETED', 10_000);
    const completed = events.items.filter((e) => e.progress.status === 'COMPLETED').map((e) => e.cursor);
    await events.stop();
    await sleep(300); // a few failed attempts against the closed port
    expect((await app.client.request(WebhooksDocument)).webhooks[0]!.pending).toBe(2);

    app = await app.restart();
    cleanups.add(() => app.stop());
    expect((await app.client.request(WebhooksDocument)).webhooks[0]).toMatchObject({ id: hook.id, pending: 2, signed: true });
    // Back up on the same address: 500 twice, then 200.
    const back = await receiver({ port, answer: (n) => (n <= 2 ? 500 : 200) });
    await back.waitFor((all) => all.filter((r) => r.status === 200).length === 2, 'both delivered after the restart', 5_000);
    expect(cursorsOf(back.delivered())).toEqual(completed);
    expect(back.received.every((r) => r.signatureValid)).toBe(true);
    expect(cursorsOf(back.received)).toEqual([completed[0], completed[0], completed[0], completed[1]]);
    await sleep(200); // nothing more comes
    expect(back.received).toHaveLength(4);
    expect((await app.client.request(WebhooksDocument)).webhooks[0]!.pending).toBe(0);
  });

  it('an answer other than 2xx, 408, 429 or 5xx is not retried: recorded as failed, an ERROR event says so, the next goes on', async () => {
    const { app } = await setup(2);
    const rx = await receiver({ answer: (n) => (n === 1 ? 400 : 200) });
    const errors = recordEvents(app.client, { types: ['ERROR'], after: app.app.progress.lastCursor });
    cleanups.add(() => errors.stop());
    const hook = (await app.client.request(AddWebhookDocument, { url: rx.url, types: ['DOWNLOAD'] })).addWebhook;
    expect(hook.signed).toBe(false);
    await app.client.request(EnqueueDownloadsDocument, { episodes: [ep(1), ep(2)] });
    await rx.waitFor((all) => all.length === 2, 'two deliveries', 10_000);
    await sleep(300); // proving the refused one is not sent again
    expect(rx.received.map((r) => r.status)).toEqual([400, 200]);
    expect(rx.received[0]!.body.cursor).not.toBe(rx.received[1]!.body.cursor);
    expect(rx.received[0]!.headers['x-progress-signature']).toBeUndefined();
    await errors.until((all) => all.some((e) => e.progress.id === `error_webhook_${hook.id}`), 'error_webhook event', 3_000);
    const err = errors.items.find((e) => e.progress.id === `error_webhook_${hook.id}`)!;
    expect(err.progress.error).toMatch(/HTTP 400.*not retried/);
    expect(err.progress.metadata).toMatchObject({ willRetry: false, httpStatus: 400, cursor: rx.received[0]!.body.cursor });
  });

  it('a receiver that does not answer in time is retried', async () => {
    const { app } = await setup(1);
    const rx = await receiver({ answer: (n) => (n === 1 ? 0 : 200) });
    await app.client.request(AddWebhookDocument, { url: rx.url, types: ['DOWNLOAD'], secret: SECRET });
    await app.client.request(EnqueueDownloadsDocument, { episodes: [ep(1)] });
    await rx.waitFor((all) => all.some((r) => r.status === 200), 'the retry after the timeout', 10_000);
    expect(rx.received.map((r) => r.status)).toEqual([0, 200]);
    expect(rx.received[1]!.at - rx.received[0]!.at).toBeGreaterThanOrEqual(FAST.timeoutMs - 50);
    expect(rx.received[1]!.body.cursor).toBe(rx.received[0]!.body.cursor);
  });

  it('receives only what matches, from the moment it is added; removed, it receives nothing more', async () => {
    const { app, catalog } = await setup(2);
    const rx = await receiver();
    const events = recordEvents(app.client, { after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());
    await app.client.request(StartScanDocument);
    await events.until(reached('library_scan', 'COMPLETED'), 'scan COMPLETED', 5_000);
    // All types, only COMPLETED: the scan before it was added is not sent.
    const hook = (await app.client.request(AddWebhookDocument, { url: rx.url, statuses: ['COMPLETED'] })).addWebhook;
    expect(hook.types).toBeNull();
    await app.client.request(EnqueueDownloadsDocument, { episodes: [ep(1)] });
    await events.until(reached('download_queue', 'COMPLETED'), 'queue COMPLETED', 10_000);
    await rx.waitFor((all) => all.some((r) => r.body.progress.id === 'download_queue'), 'the queue completion', 5_000);
    const expected = events.items
      .filter((e) => e.progress.status === 'COMPLETED' && e.progress.id !== 'library_scan')
      .map((e) => e.cursor);
    await sleep(200); // nothing else comes
    expect(cursorsOf(rx.received)).toEqual(expected);
    expect(rx.received.map((r) => r.body.progress.id).sort()).toEqual([downloadId('Naruto', 1, 1), 'download_queue'].sort());

    expect((await app.client.request(RemoveWebhookDocument, { id: hook.id })).removeWebhook).toBe(true);
    expect((await app.client.request(RemoveWebhookDocument, { id: hook.id })).removeWebhook).toBe(false);
    expect((await app.client.request(WebhooksDocument)).webhooks).toEqual([]);
    const before = rx.received.length;
    await app.client.request(EnqueueDownloadsDocument, { episodes: [ep(2)] });
    await events.until(reached(downloadId('Naruto', 1, 2), 'COMPLETED'), 'E02 COMPLETED', 10_000);
    await sleep(200); // proving nothing is sent
    expect(rx.received).toHaveLength(before);
    expect(catalog.url).toBeTruthy();
  });
});

describe('webhook management', () => {
  it('testWebhook sends a test event at once, even while real deliveries wait on retries', async () => {
    const { app } = await setup(1);
    // Real events get 503; the test event goes around the queue.
    const rx = await receiver({ answer: (_n, d) => (d.body.cursor.startsWith('test-') ? 204 : 503) });
    const hook = (await app.client.request(AddWebhookDocument, { url: rx.url, types: ['DOWNLOAD'], secret: SECRET })).addWebhook;
    await app.client.request(EnqueueDownloadsDocument, { episodes: [ep(1)] });
    await rx.waitFor((all) => all.length >= 1, 'a first (refused) delivery', 10_000);
    const result = (await app.client.request(TestWebhookDocument, { id: hook.id })).testWebhook;
    expect(result).toMatchObject({ httpStatus: 204, ok: true, attempts: 1, error: null });
    const test = rx.received.find((r) => r.body.cursor === result.cursor)!;
    expect(test.signatureValid).toBe(true);
    expect(test.headers['x-progress-delivery']).toBe(result.cursor);
    expect(test.headers['x-progress-event']).toBe(test.body.type);
    expect(Object.keys(test.body.progress).sort()).toEqual([...PROGRESS_FIELDS].sort());

    await rx.close();
    const down = (await app.client.request(TestWebhookDocument, { id: hook.id })).testWebhook;
    expect(down).toMatchObject({ ok: false, httpStatus: null, attempts: 1 });
    expect(down.error).toMatch(/reach/);
    await expectGraphQLError(app.client.request(TestWebhookDocument, { id: 'nope' }), 'NOT_FOUND');
  });

  it('only http: and https: URLs; bad lists and secrets are refused; the secret is never readable back', async () => {
    const { app } = await setup(0);
    const bad: Array<[AddWebhookMutationVariables, RegExp]> = [
      [{ url: 'ftp://example.com/hook' }, /http: and https:/],
      [{ url: 'file:///etc/passwd' }, /http: and https:/],
      [{ url: 'javascript:alert(1)' }, /http: and https:/],
      [{ url: 'not a url' }, /not a URL/],
      [{ url: 'http://user:pw@example.com/' }, /user name or password/],
      [{ url: 'http://example.com/', types: [] }, /types/],
      [{ url: 'http://example.com/', statuses: [] }, /statuses/],
      [{ url: 'http://example.com/', secret: '' }, /secret/],
    ];
    for (const [args, message] of bad) {
      await expectGraphQLError(app.client.request(AddWebhookDocument, args), 'BAD_USER_INPUT', message);
    }
    expect((await app.client.request(WebhooksDocument)).webhooks).toEqual([]);
    const hook = (await app.client.request(AddWebhookDocument, { url: 'https://example.com/hook', secret: 'top secret' })).addWebhook;
    expect(hook.signed).toBe(true);
    // No field of the schema shows it: introspection of Webhook, and the whole answer.
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __type(name: "Webhook") { fields { name } } webhooks { id url signed } }' }),
    });
    const text = await res.text();
    expect(text).not.toContain('top secret');
    const fields = (JSON.parse(text) as { data: { __type: { fields: Array<{ name: string }> } } }).data.__type.fields.map((f) => f.name);
    expect(fields).not.toContain('secret');
  });
});
