/**
 * Library edits a user makes over months: removeSeries (keeping or deleting files), an
 * episode already in the library refused unless replaced, enqueueMissing after a file was
 * deleted (no scan needed), and the hints of NOT_A_SERIES and an unknown catalog key.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AddSeriesDocument,
  EnqueueDownloadsDocument,
  EnqueueMissingDocument,
  LibraryDocument,
  QueueDocument,
  RemoveSeriesDocument,
  StopQueueDocument,
} from '../../src/client/operations.js';
import type { TestApp } from '../helpers/app.js';
import type { CatalogServer } from '../helpers/catalog-server.js';
import {
  cleanupList,
  downloadId,
  episodeRelPath,
  expectGraphQLError,
  partFiles,
  reached,
  recordEvents,
  sha256OfFile,
  startAppWithCatalog,
} from '../helpers/library-flow.js';

const cleanups = cleanupList();
afterEach(() => cleanups.run());

async function setup(): Promise<{ app: TestApp; catalog: CatalogServer }> {
  const { app, catalog } = await startAppWithCatalog(cleanups);
  for (const e of [1, 2, 3]) catalog.addEpisode('naruto', 'Naruto', 1, e, 20_000);
  catalog.addEpisode('bleach', 'Bleach', 1, 1, 20_000);
  await app.client.request(AddSeriesDocument, { key: 'naruto' });
  return { app, catalog };
}

const ep = (serieFolder: string, season: number, episode: number) => ({ serieFolder, season, episode });

describe('removeSeries', () => {
  it('keeps the files by default: series.json goes, the queue items of the series go, other series stay', async () => {
    const { app, catalog } = await setup();
    const { client } = app;
    await client.request(AddSeriesDocument, { key: 'bleach' });
    writeFileSync(join(app.libraryDir, 'Naruto', 'Naruto - S01E03.mp4'), 'mine');
    catalog.setMediaBehaviour('/media/naruto/1/1.mp4', { bytesPerSecond: 10_000 }); // ~2 s: running when removed
    const events = recordEvents(client, { types: ['DOWNLOAD'] });
    cleanups.add(() => events.stop());
    await client.request(EnqueueDownloadsDocument, { episodes: [ep('Naruto', 1, 1), ep('Naruto', 1, 2), ep('Bleach', 1, 1)] });
    await events.until((all) => all.some((e) => e.progress.id === downloadId('Naruto', 1, 1) && e.progress.current > 0), 'E01 under way', 5_000);
    await client.request(StopQueueDocument); // Bleach stays pending: only the removed series' items go

    const { removeSeries } = await client.request(RemoveSeriesDocument, { folder: 'Naruto' });
    expect(removeSeries).toMatchObject({ key: 'naruto', folder: 'Naruto', name: 'Naruto' });
    // The running download was cancelled and left no part file; the user's file stays.
    await events.until(reached(downloadId('Naruto', 1, 1), 'CANCELLED'), 'E01 CANCELLED', 5_000);
    expect(partFiles(app.libraryDir)).toEqual([]);
    const left = readdirSync(join(app.libraryDir, 'Naruto'));
    expect(left).toContain('Naruto - S01E03.mp4');
    expect(left).not.toContain('series.json');
    const queue = (await client.request(QueueDocument)).queue;
    expect([...queue.pending, ...queue.active, ...queue.completed, ...queue.failed].map((i) => i.serieFolder)).toEqual(['Bleach']);
    expect((await client.request(LibraryDocument)).library.map((s) => s.folder)).toEqual(['Bleach']);

    // Gone is gone: a second remove says the folder is not a series.
    await expectGraphQLError(client.request(RemoveSeriesDocument, { folder: 'Naruto' }), 'NOT_A_SERIES');
  });

  it('deleteFiles: true deletes the whole folder and nothing outside it', async () => {
    const { app } = await setup();
    writeFileSync(join(app.libraryDir, 'Naruto', 'Naruto - S01E03.mp4'), 'mine');
    writeFileSync(join(app.libraryDir, 'keep.txt'), 'not a series');
    const { removeSeries } = await app.client.request(RemoveSeriesDocument, { folder: 'Naruto', deleteFiles: true });
    expect(removeSeries.folder).toBe('Naruto');
    expect(existsSync(join(app.libraryDir, 'Naruto'))).toBe(false);
    expect(readdirSync(app.libraryDir)).toEqual(['keep.txt']);
  });

  it('refuses what is not a series and changes nothing; a catalog key given as folder names the folder', async () => {
    const { app } = await setup();
    mkdirSync(join(app.libraryDir, 'Plain'));
    writeFileSync(join(app.libraryDir, 'Plain', 'x.mp4'), 'x');
    await expectGraphQLError(app.client.request(RemoveSeriesDocument, { folder: '../etc', deleteFiles: true }), 'INVALID_FOLDER');
    await expectGraphQLError(app.client.request(RemoveSeriesDocument, { folder: 'Plain', deleteFiles: true }), 'NOT_A_SERIES');
    expect(readdirSync(join(app.libraryDir, 'Plain'))).toEqual(['x.mp4']);
    const err = await expectGraphQLError(app.client.request(RemoveSeriesDocument, { folder: 'naruto' }), 'NOT_A_SERIES');
    expect(err.message).toContain('"naruto" is the catalog key of the series in folder "Naruto"');
    const enq = await expectGraphQLError(app.client.request(EnqueueDownloadsDocument, { episodes: [ep('naruto', 1, 1)] }), 'NOT_A_SERIES');
    expect(enq.message).toContain('folder "Naruto"');
    expect(existsSync(join(app.libraryDir, 'Naruto', 'series.json'))).toBe(true);
  });
});

describe('an episode already in the library', () => {
  it('is refused with ALREADY_IN_LIBRARY (nothing queued, nothing fetched) unless replace: true', async () => {
    const { app, catalog } = await setup();
    const { client } = app;
    mkdirSync(join(app.libraryDir, 'Naruto', 'Old'), { recursive: true });
    writeFileSync(join(app.libraryDir, 'Naruto', 'Old', 'naruto s01e02.mkv'), 'old rip');
    const before = (await client.request(QueueDocument)).queue;
    const err = await expectGraphQLError(
      client.request(EnqueueDownloadsDocument, { episodes: [ep('Naruto', 1, 1), ep('Naruto', 1, 2)] }),
      'ALREADY_IN_LIBRARY',
    );
    expect(err.message).toContain('S01E02');
    expect(err.message).toContain('Naruto/Old/naruto s01e02.mkv');
    expect(err.message).toContain('replace: true');
    expect((await client.request(QueueDocument)).queue).toEqual(before);
    expect(catalog.requests.filter((r) => r.path.startsWith('/media/'))).toEqual([]);

    const events = recordEvents(client, { types: ['DOWNLOAD'] });
    cleanups.add(() => events.stop());
    const items = (await client.request(EnqueueDownloadsDocument, { episodes: [ep('Naruto', 1, 2)], replace: true })).enqueueDownloads;
    expect(items.map((i) => [i.season, i.episode])).toEqual([[1, 2]]);
    await events.until(reached(downloadId('Naruto', 1, 2), 'COMPLETED'), 'E02 COMPLETED', 10_000);
  });
});

describe('enqueueMissing', () => {
  it('queues an episode whose file was deleted after it was downloaded, with no scan in between', async () => {
    const { app, catalog } = await setup();
    const { client } = app;
    const e2sha = catalog.addEpisode('naruto', 'Naruto', 1, 2, 30_000).sha256;
    const events = recordEvents(client, { types: ['DOWNLOAD'] });
    cleanups.add(() => events.stop());
    const first = (await client.request(EnqueueMissingDocument, { serieFolder: 'Naruto' })).enqueueMissing;
    expect(first).toHaveLength(3);
    await events.until(reached(downloadId('Naruto', 1, 3), 'COMPLETED'), 'all three downloaded', 15_000);
    // Nothing missing now: nothing to queue (and a downloaded episode is not queued again).
    expect((await client.request(EnqueueMissingDocument, { serieFolder: 'Naruto' })).enqueueMissing).toEqual([]);

    const rel = episodeRelPath('Naruto', 'Naruto', 1, 2);
    rmSync(join(app.libraryDir, rel));
    const again = (await client.request(EnqueueMissingDocument, {})).enqueueMissing;
    expect(again.map((i) => [i.serieFolder, i.season, i.episode])).toEqual([['Naruto', 1, 2]]);
    await events.until((all) => all.filter((e) => e.progress.id === downloadId('Naruto', 1, 2) && e.progress.status === 'COMPLETED').length === 2, 'E02 again', 10_000);
    expect(catalog.requestsTo('/media/naruto/1/2.mp4')).toHaveLength(2);
    expect(sha256OfFile(join(app.libraryDir, rel))).toBe(e2sha);
    // The library now says so too.
    const naruto = (await client.request(LibraryDocument)).library.find((s) => s.folder === 'Naruto')!;
    expect(naruto.missingCount).toBe(0);
  });
});

describe('addSeries with an unknown key', () => {
  it('is refused with CATALOG_NOT_FOUND offering the catalog search hits', async () => {
    const { app, catalog } = await setup();
    catalog.addEpisode('naruto-shippuden', 'Naruto Shippuden', 1, 1, 1000);
    const err = await expectGraphQLError(app.client.request(AddSeriesDocument, { key: 'narut' }), 'CATALOG_NOT_FOUND');
    expect(err.message).toMatch(/did you mean "naruto" \(Naruto\), "naruto-shippuden" \(Naruto Shippuden\)\?/);
    // No hits: the plain refusal.
    const none = await expectGraphQLError(app.client.request(AddSeriesDocument, { key: 'zzz' }), 'CATALOG_NOT_FOUND');
    expect(none.message).not.toContain('did you mean');
  });
});
