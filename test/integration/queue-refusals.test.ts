/**
 * enqueueDownloads refusals (each must leave the queue exactly as it was) and the
 * "not twice" rule for episodes already pending or active.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EpisodeInput } from '../../src/client/generated/graphql.js';
import {
  AddSeriesDocument,
  EnqueueDownloadsDocument,
  EnqueueMissingDocument,
  QueueDocument,
  StartQueueDocument,
  StopQueueDocument,
} from '../../src/client/operations.js';
import type { TestApp } from '../helpers/app.js';
import type { CatalogServer } from '../helpers/catalog-server.js';
import { cleanupList, startAppWithCatalog, downloadId, expectGraphQLError, reached, recordEvents } from '../helpers/library-flow.js';

const cleanups = cleanupList();
afterEach(() => cleanups.run());

async function setup(): Promise<{ app: TestApp; catalog: CatalogServer }> {
  const { app, catalog } = await startAppWithCatalog(cleanups);
  catalog.addEpisode('naruto', 'Naruto', 1, 1, 20_000);
  catalog.addEpisode('naruto', 'Naruto', 1, 2, 20_000);
  catalog.addEpisode('naruto', 'Naruto', 1, 3, 20_000);
  await app.client.request(AddSeriesDocument, { key: 'naruto' });
  return { app, catalog };
}

const ep = (serieFolder: string, season: number, episode: number): EpisodeInput => ({ serieFolder, season, episode });
const mediaRequests = (catalog: CatalogServer) => catalog.requests.filter((r) => r.path.startsWith('/media/'));

describe('enqueueDownloads refusals', () => {
  it('each bad request is refused with a clear code and changes nothing', async () => {
    const { app, catalog } = await setup();
    const { client } = app;
    // A folder that exists but has no series.json is not a series.
    mkdirSync(join(app.libraryDir, 'Plain'));
    writeFileSync(join(app.libraryDir, 'Plain', 'Plain - S01E01.mp4'), 'x');

    await client.request(StopQueueDocument);
    const first = await client.request(EnqueueDownloadsDocument, { episodes: [ep('Naruto', 1, 1)] });
    expect(first.enqueueDownloads.map((i) => i.status)).toEqual(['PENDING']);
    const before = (await client.request(QueueDocument)).queue;
    expect(before.pending).toHaveLength(1);

    const cases: Array<[string, EpisodeInput[], string]> = [
      ['a folder that is not a series', [ep('Plain', 1, 1)], 'NOT_A_SERIES'],
      ['a folder that does not exist', [ep('Ghost', 1, 1)], 'NOT_A_SERIES'],
      ['..', [ep('..', 1, 1)], 'INVALID_FOLDER'],
      ['a path with /', [ep('Naruto/Season 01', 1, 1)], 'INVALID_FOLDER'],
      ['a path with \\', [ep('..\\Naruto', 1, 1)], 'INVALID_FOLDER'],
      ['../ escaping the library', [ep('../Naruto', 1, 1)], 'INVALID_FOLDER'],
      ['an empty folder', [ep('', 1, 1)], 'INVALID_FOLDER'],
      ['a reserved device name', [ep('con', 1, 1)], 'INVALID_FOLDER'],
      ['"..."', [ep('...', 1, 1)], 'INVALID_FOLDER'],
      ['a zero-width character', [ep('Nar\u200Buto', 1, 1)], 'INVALID_FOLDER'],
      ['season 0', [ep('Naruto', 0, 1)], 'BAD_USER_INPUT'],
      ['a negative season', [ep('Naruto', -1, 1)], 'BAD_USER_INPUT'],
      ['episode 0', [ep('Naruto', 1, 0)], 'BAD_USER_INPUT'],
      ['a negative episode', [ep('Naruto', 1, -3)], 'BAD_USER_INPUT'],
      ['a season the catalog lacks', [ep('Naruto', 2, 1)], 'EPISODE_NOT_IN_CATALOG'],
      ['an episode the catalog lacks', [ep('Naruto', 1, 99)], 'EPISODE_NOT_IN_CATALOG'],
      ['one bad episode among good ones', [ep('Naruto', 1, 2), ep('Naruto', 1, 3), ep('Naruto', 1, 99)], 'EPISODE_NOT_IN_CATALOG'],
      ['a bad folder after good ones', [ep('Naruto', 1, 2), ep('Naruto', 1, 1), ep('..', 1, 1)], 'INVALID_FOLDER'],
    ];
    for (const [what, episodes, code] of cases) {
      const err = await expectGraphQLError(client.request(EnqueueDownloadsDocument, { episodes }), code);
      expect(err.message.length, `message for ${what}`).toBeGreaterThan(10);
      const now = (await client.request(QueueDocument)).queue;
      expect(now, `queue after ${what}`).toEqual(before);
    }
    expect(mediaRequests(catalog)).toEqual([]);
  });

  it('enqueueMissing of a folder that is not in the library is refused and changes nothing', async () => {
    const { app } = await setup();
    const before = (await app.client.request(QueueDocument)).queue;
    await expectGraphQLError(app.client.request(EnqueueMissingDocument, { serieFolder: '../etc' }), 'INVALID_FOLDER');
    await expectGraphQLError(app.client.request(EnqueueMissingDocument, { serieFolder: 'Ghost' }), 'NOT_A_SERIES');
    expect((await app.client.request(QueueDocument)).queue).toEqual(before);
  });
});

describe('enqueue is idempotent for unfinished episodes', () => {
  it('a pending or active episode enqueued again returns its existing item, not a new one', async () => {
    const { app, catalog } = await setup();
    const { client } = app;
    catalog.setMediaBehaviour('/media/naruto/1/1.mp4', { bytesPerSecond: 40_000 }); // ~0.5 s
    await client.request(StopQueueDocument);

    const a = (await client.request(EnqueueDownloadsDocument, { episodes: [ep('Naruto', 1, 1)] })).enqueueDownloads;
    // Again, and twice in one request together with a new one.
    const lookupsBefore = catalog.requests.filter((r) => r.path === '/series/naruto').length;
    const b = (await client.request(EnqueueDownloadsDocument, { episodes: [ep('Naruto', 1, 1), ep('Naruto', 1, 2), ep('Naruto', 1, 2)] }))
      .enqueueDownloads;
    // Three episodes of one series: its catalog entry is asked for once.
    expect(catalog.requests.filter((r) => r.path === '/series/naruto').length - lookupsBefore).toBe(1);
    expect(b).toHaveLength(2);
    expect(b[0]!.id).toBe(a[0]!.id);
    expect(b[0]!.status).toBe('PENDING');
    expect(b[1]!.id).not.toBe(a[0]!.id);
    let queue = (await client.request(QueueDocument)).queue;
    expect(queue.pending.map((i) => i.id)).toEqual([a[0]!.id, b[1]!.id]);

    // Active: the same item, DOWNLOADING.
    const events = recordEvents(client, { types: ['DOWNLOAD'], after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());
    await client.request(StartQueueDocument);
    const id1 = downloadId('Naruto', 1, 1);
    await events.until((all) => all.some((e) => e.progress.id === id1 && e.progress.current > 0), 'E01 under way', 5_000);
    const c = (await client.request(EnqueueDownloadsDocument, { episodes: [ep('Naruto', 1, 1)] })).enqueueDownloads;
    expect(c.map((i) => [i.id, i.status])).toEqual([[a[0]!.id, 'DOWNLOADING']]);
    queue = (await client.request(QueueDocument)).queue;
    expect([...queue.active, ...queue.pending, ...queue.completed].map((i) => i.id).sort()).toEqual([a[0]!.id, b[1]!.id].sort());

    await events.until(reached(downloadId('Naruto', 1, 2), 'COMPLETED'), 'both done', 10_000);
    queue = (await client.request(QueueDocument)).queue;
    expect(queue.completed.map((i) => i.id)).toEqual([a[0]!.id, b[1]!.id]);
    // Each episode was fetched once.
    expect(catalog.requestsTo('/media/naruto/1/1.mp4')).toHaveLength(1);
    expect(catalog.requestsTo('/media/naruto/1/2.mp4')).toHaveLength(1);
  });
});
