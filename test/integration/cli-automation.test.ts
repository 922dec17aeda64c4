/**
 * The CLI's automation commands as a real child process against a real app, catalog and
 * webhook receiver: pause, resume, move, limit, auto, search, webhook add|list|remove|test,
 * each with --json; watch shows a paused download.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnqueueDownloadsDocument, QueueDocument, SettingsDocument, StopQueueDocument, AddSeriesDocument } from '../../src/client/operations.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { startCatalogServer, type CatalogServer } from '../helpers/catalog-server.js';
import { describeResult, runCli, startCli, type CliResult } from '../helpers/cli.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { waitFor } from '../helpers/wait.js';

let catalog: CatalogServer;
let app: TestApp;
let rx: WebhookReceiver;

beforeAll(async () => {
  catalog = await startCatalogServer();
  for (let e = 1; e <= 3; e++) catalog.addEpisode('naruto', 'Naruto', 1, e, 20_000);
  catalog.addEpisode('naruto-shippuden', 'Naruto Shippuden', 1, 1, 20_000);
  app = await startTestApp({ catalogUrl: catalog.url });
  rx = await startWebhookReceiver({ secret: 'shh' });
  await app.client.request(AddSeriesDocument, { key: 'naruto' });
});

afterAll(async () => {
  await app?.stop();
  await catalog?.close();
  await rx?.close();
});

const cli = (...args: string[]) => runCli([...args, '--url', app.url]);
function ok(r: CliResult): CliResult {
  expect(r.code, describeResult(r)).toBe(0);
  return r;
}

// Each CLI run is a child process (about a second, more on a busy machine): generous limits.
const SLOW = 120_000;

describe('cli automation commands', () => {
  it('search', async () => {
    const r = ok(await cli('search', 'naru'));
    expect(r.stdout).toMatch(/^KEY\s+NAME$/m);
    expect(r.stdout).toMatch(/^naruto-shippuden\s+Naruto Shippuden$/m);
    expect(JSON.parse(ok(await cli('search', 'shippuden', '--json')).stdout)).toEqual([{ key: 'naruto-shippuden', name: 'Naruto Shippuden' }]);
    expect(ok(await cli('search', 'zzz')).stdout).toMatch(/No series/);
    expect((await cli('search')).code).toBe(2);
  }, SLOW);

  it('auto', async () => {
    expect(ok(await cli('auto', 'Naruto', 'on')).stdout).toMatch(/automatic download on/);
    expect(JSON.parse(ok(await cli('auto', 'Naruto', 'off', '--json')).stdout)).toMatchObject({ folder: 'Naruto', autoDownload: false });
    expect((await cli('auto', 'Naruto', 'maybe')).code).toBe(2);
    const missing = await cli('auto', 'Nothing', 'on');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/NOT_A_SERIES/);
  }, SLOW);

  it('limit', async () => {
    expect(ok(await cli('limit', '500k')).stdout).toMatch(/Speed limit: 500 KB\/s \(512000 bytes\/s\)/);
    expect((await app.client.request(SettingsDocument)).settings.speedLimit).toBe(512_000);
    expect(ok(await cli('limit')).stdout).toMatch(/500 KB\/s/);
    expect(JSON.parse(ok(await cli('limit', '2M', '--json')).stdout)).toMatchObject({ speedLimit: 2 * 1024 * 1024 });
    expect(ok(await cli('limit', 'off')).stdout).toMatch(/Speed limit: none/);
    expect((await app.client.request(SettingsDocument)).settings.speedLimit).toBeNull();
    expect((await cli('limit', 'fast')).code).toBe(2);
  }, SLOW);

  it('pause, resume, move; queue and watch show paused items', async () => {
    await app.client.request(StopQueueDocument);
    const items = (await app.client.request(EnqueueDownloadsDocument, {
      episodes: [1, 2, 3].map((episode) => ({ serieFolder: 'Naruto', season: 1, episode })),
    })).enqueueDownloads;
    const [a, b, c] = items.map((i) => i.id) as [string, string, string];
    expect(ok(await cli('pause', a)).stdout).toMatch(new RegExp(`Naruto S01E01 \\(${a}\\): PAUSED`));
    expect(JSON.parse(ok(await cli('pause', b, '--json')).stdout)).toMatchObject({ id: b, status: 'PAUSED' });
    const queue = ok(await cli('queue')).stdout;
    expect(queue).toMatch(/1 pending, 0 active, 2 paused/);
    expect(queue).toMatch(new RegExp(`${a}\\s+Naruto\\s+S01E01\\s+PAUSED`));

    const moved = ok(await cli('move', c, '0')).stdout;
    expect(moved).toMatch(new RegExp(`^\\s*0\\s+${c}`, 'm'));
    expect(JSON.parse(ok(await cli('resume', a, '--json')).stdout)).toMatchObject({ id: a, status: 'PENDING' });
    expect(ok(await cli('resume', b)).stdout).toMatch(/PENDING/);
    const json = JSON.parse(ok(await cli('move', b, '0', '--json')).stdout) as { pending: Array<{ id: string }> };
    expect(json.pending.map((i) => i.id)).toEqual([b, c, a]);
    expect((await cli('move', b, 'first')).code).toBe(2);
    expect((await cli('pause', 'no-such-id')).stderr).toMatch(/NOT_FOUND/);
    expect((await app.client.request(QueueDocument)).queue.pending.map((i) => i.id)).toEqual([b, c, a]);
  }, SLOW);

  it('watch shows a paused download', async () => {
    catalog.addEpisode('naruto', 'Naruto', 1, 9, 3_000_000, { behaviour: { bytesPerSecond: 200_000 } });
    const { queue } = await app.client.request(QueueDocument);
    for (const i of queue.pending) await cli('cancel', i.id);
    const [item] = (await app.client.request(EnqueueDownloadsDocument, { episodes: [{ serieFolder: 'Naruto', season: 1, episode: 9 }] })).enqueueDownloads;
    await cli('start');
    const watch = startCli(['watch', '--plain', '--types', 'DOWNLOAD', '--url', app.url]);
    try {
      await waitFor(() => /Naruto S01E09/.test(watch.output()), { timeout: 10_000, message: 'watch to show the download' });
      ok(await cli('pause', item!.id));
      await waitFor(() => /⏸ Naruto S01E09 .*paused · .* kept/.test(watch.output()), {
        timeout: 5_000,
        message: `watch to show it paused; it printed:\n${watch.output()}`,
      });
    } finally {
      await watch.stop();
    }
    await cli('cancel', item!.id);
  }, SLOW);

  it('webhook add, list, test, remove', async () => {
    const added = JSON.parse(ok(await cli('webhook', 'add', rx.url, '--type', 'DOWNLOAD', '--status', 'COMPLETED,FAILED', '--secret', 'shh', '--json')).stdout) as {
      id: string;
    };
    expect(added).toMatchObject({ url: rx.url, types: ['DOWNLOAD'], statuses: ['COMPLETED', 'FAILED'], signed: true });
    expect(JSON.stringify(added)).not.toContain('shh');
    const list = ok(await cli('webhook', 'list')).stdout;
    expect(list).toMatch(/^ID\s+URL\s+TYPES\s+STATUSES\s+SIGNED\s+PENDING\s+LAST DELIVERY$/m);
    expect(list).toMatch(new RegExp(`^${added.id}\\s+\\S+\\s+DOWNLOAD\\s+COMPLETED,FAILED\\s+yes\\s+0\\s+-$`, 'm'));
    expect(JSON.parse(ok(await cli('webhook', 'list', '--json')).stdout)).toHaveLength(1);

    const tested = ok(await cli('webhook', 'test', added.id)).stdout;
    expect(tested).toMatch(/Test delivery ok HTTP 200/);
    expect(rx.received.at(-1)!.signatureValid).toBe(true);
    expect(JSON.parse(ok(await cli('webhook', 'test', added.id, '--json')).stdout)).toMatchObject({ ok: true, httpStatus: 200, attempts: 1 });

    const refused = await cli('webhook', 'add', 'ftp://example.com/x');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/BAD_USER_INPUT.*http: and https:/);
    expect((await cli('webhook', 'add', rx.url, '--type', 'NOPE')).code).toBe(2);
    expect(ok(await cli('webhook', 'remove', added.id)).stdout).toMatch(/Removed/);
    expect((await cli('webhook', 'remove', added.id)).code).toBe(1);
    expect(ok(await cli('webhook', 'list')).stdout).toMatch(/No webhooks/);
    expect((await cli('webhook')).code).toBe(2);
  }, SLOW);
});
