/**
 * The whole flow through the typed client, against a real catalog + media server:
 * addSeries → startScan → library → enqueueMissing → live download events → files on disk →
 * queue, history and library agree. Plus addSeries refusals that must create nothing.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AddSeriesDocument,
  EnqueueMissingDocument,
  LibraryDocument,
  ProgressHistoryDocument,
  QueueDocument,
  SeriesDocument,
  StartScanDocument,
} from '../../src/client/operations.js';
import { startTestApp, tempDir, type TestApp } from '../helpers/app.js';
import { startCatalogServer, type CatalogServer } from '../helpers/catalog-server.js';
import {
  downloadId,
  episodeRelPath,
  expectGraphQLError,
  listTree,
  partFiles,
  reached,
  recordEvents,
  sha256OfFile,
} from '../helpers/library-flow.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(overrides: Parameters<typeof startTestApp>[0] = {}): Promise<{ app: TestApp; catalog: CatalogServer }> {
  const catalog = await startCatalogServer();
  cleanups.push(() => catalog.close());
  const app = await startTestApp({ catalogUrl: catalog.url, ...overrides });
  cleanups.push(() => app.stop());
  return { app, catalog };
}

describe('library flow', () => {
  it('adds, scans, downloads the missing episodes with live progress, and every view agrees', async () => {
    const { app, catalog } = await setup();
    const { client } = app;
    // Throttled so that each download reports in-between progress (throttleMs is 50 in tests).
    const e1 = catalog.addEpisode('naruto', 'Naruto', 1, 1, 150_000, { title: 'Enter: Naruto Uzumaki!', behaviour: { bytesPerSecond: 300_000 } });
    const e2 = catalog.addEpisode('naruto', 'Naruto', 1, 2, 120_000, { behaviour: { bytesPerSecond: 300_000 } });
    catalog.addEpisode('naruto', 'Naruto', 1, 3, 50_000);

    const events = recordEvents(client, { after: app.app.progress.lastCursor });
    cleanups.push(() => events.stop());

    const added = await client.request(AddSeriesDocument, { key: 'naruto' });
    expect(added.addSeries).toMatchObject({ key: 'naruto', name: 'Naruto', folder: 'Naruto' });
    expect(JSON.parse(readFileSync(join(app.libraryDir, 'Naruto', 'series.json'), 'utf8'))).toEqual({ key: 'naruto', name: 'Naruto' });

    // E03 is already in the library (any SxxEyy video file): the scan must see it on disk.
    mkdirSync(join(app.libraryDir, 'Naruto', 'Extras'), { recursive: true });
    writeFileSync(join(app.libraryDir, 'Naruto', 'Extras', 'naruto s01e03 (old rip).MKV'), 'x');

    const scan = await client.request(StartScanDocument);
    expect(scan.startScan.id).toBe('library_scan');
    await events.until(reached('library_scan', 'COMPLETED'), 'library_scan COMPLETED', 10_000);
    const scanEvents = events.items.filter((e) => e.progress.id === 'library_scan');
    expect(scanEvents.every((e) => e.type === 'scan_progress' && e.progress.type === 'SCAN')).toBe(true);

    const lib = await client.request(LibraryDocument);
    expect(lib.library).toHaveLength(1);
    expect(lib.library[0]).toMatchObject({ key: 'naruto', folder: 'Naruto', missingCount: 2 });
    expect(lib.library[0]!.missingEpisodes).toEqual([
      { season: 1, episode: 1, title: 'Enter: Naruto Uzumaki!' },
      { season: 1, episode: 2, title: null },
    ]);

    const enq = await client.request(EnqueueMissingDocument, { serieFolder: 'Naruto' });
    expect(enq.enqueueMissing.map((i) => [i.season, i.episode])).toEqual([
      [1, 1],
      [1, 2],
    ]);
    const id1 = downloadId('Naruto', 1, 1);
    const id2 = downloadId('Naruto', 1, 2);
    await events.until((all) => reached(id1, 'COMPLETED')(all) && reached(id2, 'COMPLETED')(all), 'both downloads COMPLETED', 15_000);

    for (const [id, info] of [
      [id1, e1],
      [id2, e2],
    ] as const) {
      const own = events.items.filter((e) => e.progress.id === id);
      expect(own.every((e) => e.type === 'download_progress' && e.progress.type === 'DOWNLOAD'), id).toBe(true);
      // started, in-between, completed — and nothing after the completion.
      expect(own[0]!.progress).toMatchObject({ status: 'IN_PROGRESS', current: 0 });
      const between = own.filter((e) => e.progress.status === 'IN_PROGRESS' && e.progress.current > 0 && e.progress.current < info.size);
      expect(between.length, `in-between events of ${id}`).toBeGreaterThan(0);
      for (const e of between) expect(e.progress.total).toBe(info.size);
      const last = own.at(-1)!;
      expect(last.progress).toMatchObject({ status: 'COMPLETED', current: info.size, total: info.size, percent: 100 });
      expect(own.filter((e) => e.progress.status === 'COMPLETED')).toHaveLength(1);
      // current never goes backwards within one download
      const currents = own.map((e) => e.progress.current);
      expect(currents).toEqual([...currents].sort((a, b) => a - b));
    }

    // Files at the contract's paths, with the catalog's bytes; no part files.
    const rel1 = episodeRelPath('Naruto', 'Naruto', 1, 1);
    const rel2 = episodeRelPath('Naruto', 'Naruto', 1, 2);
    expect(rel1).toBe('Naruto/Season 01/Naruto - S01E01.mp4');
    expect(sha256OfFile(join(app.libraryDir, rel1))).toBe(e1.sha256);
    expect(sha256OfFile(join(app.libraryDir, rel2))).toBe(e2.sha256);
    expect(partFiles(app.libraryDir)).toEqual([]);
    expect(listTree(app.libraryDir)).toEqual(
      [
        'Naruto',
        'Naruto/Extras',
        'Naruto/Extras/naruto s01e03 (old rip).MKV',
        'Naruto/Season 01',
        rel1,
        rel2,
        'Naruto/series.json',
      ].sort(),
    );

    const queue = (await client.request(QueueDocument)).queue;
    expect(queue.pending).toEqual([]);
    expect(queue.active).toEqual([]);
    expect(queue.failed).toEqual([]);
    expect(queue.completed.map((i) => [i.id, i.status, i.filePath])).toEqual([
      [enq.enqueueMissing[0]!.id, 'COMPLETED', rel1],
      [enq.enqueueMissing[1]!.id, 'COMPLETED', rel2],
    ]);
    for (const item of queue.completed) {
      expect(item.serieName).toBe('Naruto');
      expect(item.startedAt).not.toBeNull();
      expect(item.completedAt).not.toBeNull();
    }

    // (Unfiltered here: the types/statuses filters have a test of their own below.)
    const history = (await client.request(ProgressHistoryDocument, { first: 100 })).progressHistory;
    const finished = history.edges.map((e) => [e.node.id, e.node.status]);
    expect(finished).toContainEqual([id1, 'COMPLETED']);
    expect(finished).toContainEqual([id2, 'COMPLETED']);
    expect(finished).toContainEqual(['library_scan', 'COMPLETED']);
    const h1 = history.edges.find((e) => e.node.id === id1)!.node;
    expect(h1).toMatchObject({ type: 'DOWNLOAD', current: e1.size, total: e1.size, percent: 100 });
    expect(h1.completedAt).not.toBeNull();

    const after = (await client.request(SeriesDocument, { folder: 'Naruto' })).series;
    expect(after).toMatchObject({ missingCount: 0, missingEpisodes: [] });
  });
});

describe('progress history of the flow', () => {
  it('progressHistory honours its types and statuses filters (contract: progressHistory(types, statuses, …))', async () => {
    const { app, catalog } = await setup();
    catalog.addEpisode('naruto', 'Naruto', 1, 1, 10_000);
    catalog.addEpisode('naruto', 'Naruto', 1, 2, 10_000, { sha256: '0'.repeat(64) });
    const events = recordEvents(app.client, { after: app.app.progress.lastCursor });
    cleanups.push(() => events.stop());
    await app.client.request(AddSeriesDocument, { key: 'naruto' });
    await app.client.request(StartScanDocument);
    await events.until(reached('library_scan', 'COMPLETED'), 'library_scan COMPLETED', 10_000);
    await app.client.request(EnqueueMissingDocument, { serieFolder: 'Naruto' });
    const id1 = downloadId('Naruto', 1, 1);
    const id2 = downloadId('Naruto', 1, 2);
    await events.until((all) => reached(id1, 'COMPLETED')(all) && reached(id2, 'FAILED')(all), 'one download COMPLETED, one FAILED', 10_000);
    await events.until(reached('download_queue', 'COMPLETED'), 'the queue COMPLETED', 5_000);

    const downloads = (await app.client.request(ProgressHistoryDocument, { types: ['DOWNLOAD'] })).progressHistory;
    expect(downloads.edges.map((e) => e.node.id).sort()).toEqual([id1, id2]);
    expect(downloads.totalCount).toBe(2);
    const completed = (await app.client.request(ProgressHistoryDocument, { types: ['DOWNLOAD'], statuses: ['COMPLETED'] })).progressHistory;
    expect(completed.edges.map((e) => e.node.id)).toEqual([id1]);
    expect(completed.totalCount).toBe(1);
    const failed = (await app.client.request(ProgressHistoryDocument, { statuses: ['FAILED'] })).progressHistory;
    // The failed download, and the ERROR record that says so.
    expect(failed.edges.map((e) => e.node.id)).toEqual([`error_${id2}`, id2]);
    expect(failed.edges[0]!.node).toMatchObject({ type: 'ERROR', metadata: { source: id2, code: expect.any(String) } });
    const scans = (await app.client.request(ProgressHistoryDocument, { types: ['SCAN'] })).progressHistory;
    expect(scans.edges.map((e) => [e.node.id, e.node.status])).toEqual([['library_scan', 'COMPLETED']]);
  });
});

describe('addSeries refusals', () => {
  it('an unknown catalog key is refused with CATALOG_NOT_FOUND and creates no folder', async () => {
    const { app, catalog } = await setup();
    catalog.addEpisode('naruto', 'Naruto', 1, 1, 1000);
    await expectGraphQLError(app.client.request(AddSeriesDocument, { key: 'no-such-show' }), 'CATALOG_NOT_FOUND');
    await expectGraphQLError(app.client.request(AddSeriesDocument, { key: 'no-such-show', folder: 'Mine' }), 'CATALOG_NOT_FOUND');
    expect(listTree(app.libraryDir)).toEqual([]);
    expect((await app.client.request(LibraryDocument)).library).toEqual([]);
  });

  it('bad folder names and an existing folder are refused clearly, and nothing is created anywhere', async () => {
    const root = tempDir('anime-lib-root-');
    cleanups.push(() => root.remove());
    const libraryDir = join(root.path, 'library');
    mkdirSync(libraryDir);
    const { app, catalog } = await setup({ libraryDir });
    catalog.addEpisode('naruto', 'Naruto', 1, 1, 1000);

    // A folder that exists but is not a series, with content that must stay as it is.
    mkdirSync(join(libraryDir, 'Taken'));
    writeFileSync(join(libraryDir, 'Taken', 'notes.txt'), 'mine');
    const rootBefore = listTree(root.path);

    // Path tricks, and (the contract's "Safety limits") names that are not portable.
    const unportable = ['con', 'nul', 'aux.txt', 'COM1', '.hidden', '...', 'evil\u202Egnp', 'Nar\u200Buto', 'a\u2066b'];
    for (const folder of ['../x', 'a/b', 'a\\b', '', '..', '.', ...unportable]) {
      const err = await expectGraphQLError(app.client.request(AddSeriesDocument, { key: 'naruto', folder }), 'INVALID_FOLDER');
      expect(err.message, `message for ${JSON.stringify(folder)}`).toMatch(/folder/i);
    }
    const taken = await expectGraphQLError(app.client.request(AddSeriesDocument, { key: 'naruto', folder: 'Taken' }), 'FOLDER_EXISTS');
    expect(taken.message).toContain('Taken');
    expect(listTree(root.path)).toEqual(rootBefore);
    expect(readFileSync(join(libraryDir, 'Taken', 'notes.txt'), 'utf8')).toBe('mine');

    // The default folder once added, then again: the second add is refused and the first kept.
    await app.client.request(AddSeriesDocument, { key: 'naruto' });
    const seriesJson = readFileSync(join(libraryDir, 'Naruto', 'series.json'), 'utf8');
    const treeWithSeries = listTree(root.path);
    await expectGraphQLError(app.client.request(AddSeriesDocument, { key: 'naruto' }), 'FOLDER_EXISTS');
    expect(listTree(root.path)).toEqual(treeWithSeries);
    expect(readFileSync(join(libraryDir, 'Naruto', 'series.json'), 'utf8')).toBe(seriesJson);
    expect((await app.client.request(LibraryDocument)).library.map((s) => s.folder)).toEqual(['Naruto']);
  });
});
