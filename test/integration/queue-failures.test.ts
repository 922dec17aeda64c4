/**
 * Cancelling (active and pending), failing and retrying, and corrupt downloads: what the
 * queue reports and what is left on disk.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EpisodeInput } from '../../src/client/generated/graphql.js';
import {
  AddSeriesDocument,
  CancelDownloadDocument,
  EnqueueDownloadsDocument,
  QueueDocument,
  ProgressDocument,
  RetryFailedDocument,
  StopQueueDocument,
} from '../../src/client/operations.js';
import {
  cleanupList,
  downloadId,
  episodeRelPath,
  fileSizeOr0,
  listTree,
  partFiles,
  partPathOf,
  reached,
  recordEvents,
  sha256OfFile,
  startAppWithCatalog,
} from '../helpers/library-flow.js';
import { sleep, waitFor } from '../helpers/wait.js';

const cleanups = cleanupList();
afterEach(() => cleanups.run());

const setup = () => startAppWithCatalog(cleanups);

const ep = (episode: number): EpisodeInput => ({ serieFolder: 'Naruto', season: 1, episode });
const ids = (items: ReadonlyArray<{ id: string }>) => items.map((i) => i.id);

describe('cancelDownload', () => {
  it('an active download is CANCELLED at once, its part file disappears, the next one starts; a pending one never starts', async () => {
    const { app, catalog } = await setup();
    const { client } = app;
    catalog.addEpisode('naruto', 'Naruto', 1, 1, 1_000_000, { behaviour: { bytesPerSecond: 100_000 } }); // ~10 s
    catalog.addEpisode('naruto', 'Naruto', 1, 2, 40_000, { behaviour: { bytesPerSecond: 100_000 } });
    catalog.addEpisode('naruto', 'Naruto', 1, 3, 10_000);
    await client.request(AddSeriesDocument, { key: 'naruto' });
    const events = recordEvents(client, { types: ['DOWNLOAD'], after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());

    const items = (await client.request(EnqueueDownloadsDocument, { episodes: [ep(1), ep(2), ep(3)] })).enqueueDownloads;
    const id1 = downloadId('Naruto', 1, 1);
    await events.until((all) => all.some((e) => e.progress.id === id1 && e.progress.current > 0), 'E01 mid-download', 5_000);
    const part = partPathOf(app.libraryDir, 'Naruto', 'Naruto', 1, 1);
    await waitFor(() => fileSizeOr0(part) > 0, { timeout: 2_000, message: 'the part file to hold bytes' });

    const t0 = Date.now();
    const cancelled = (await client.request(CancelDownloadDocument, { id: items[0]!.id })).cancelDownload;
    const took = Date.now() - t0;
    expect(cancelled).toMatchObject({ id: items[0]!.id, status: 'CANCELLED' });
    expect(took).toBeLessThan(1_000);
    // The answer comes once the part file is gone: nothing to wait for.
    expect(existsSync(part)).toBe(false);
    await events.until(reached(id1, 'CANCELLED'), 'the CANCELLED event of E01', 2_000);

    // Cancel the pending E03 while E02 runs.
    const pending = (await client.request(CancelDownloadDocument, { id: items[2]!.id })).cancelDownload;
    expect(pending).toMatchObject({ id: items[2]!.id, status: 'CANCELLED' });
    await events.until(reached(downloadId('Naruto', 1, 2), 'COMPLETED'), 'E02 COMPLETED', 5_000);
    await sleep(200); // proving that E03 does not start
    expect(catalog.requestsTo('/media/naruto/1/3.mp4')).toEqual([]);
    expect(events.items.some((e) => e.progress.id === downloadId('Naruto', 1, 3))).toBe(false);

    const q = (await client.request(QueueDocument)).queue;
    expect(ids(q.completed)).toEqual([items[1]!.id]);
    expect([...q.pending, ...q.active, ...q.failed]).toEqual([]);
    expect(existsSync(join(app.libraryDir, episodeRelPath('Naruto', 'Naruto', 1, 1)))).toBe(false);
    expect(partFiles(app.libraryDir)).toEqual([]);
    // Cancelling a finished item changes nothing; an unknown id gives null.
    expect((await client.request(CancelDownloadDocument, { id: items[1]!.id })).cancelDownload?.status).toBe('COMPLETED');
    expect((await client.request(CancelDownloadDocument, { id: 'no-such-id' })).cancelDownload).toBeNull();
  });
});

describe('retryFailed', () => {
  it('a permanent 404 fails at once with the reason; retryFailed puts it back with retryCount + 1 and it completes', async () => {
    const { app, catalog } = await setup();
    const { client } = app;
    const info = catalog.addEpisode('naruto', 'Naruto', 1, 1, 30_000, { behaviour: { status: 404 } });
    await client.request(AddSeriesDocument, { key: 'naruto' });
    const events = recordEvents(client, { types: ['DOWNLOAD'], after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());
    const id1 = downloadId('Naruto', 1, 1);

    const [item] = (await client.request(EnqueueDownloadsDocument, { episodes: [ep(1)] })).enqueueDownloads;
    await events.until(reached(id1, 'FAILED'), 'E01 FAILED', 5_000);
    expect(catalog.requestsTo(info.path)).toHaveLength(1); // permanent: not retried
    const failedEvent = events.items.find((e) => e.progress.id === id1 && e.progress.status === 'FAILED')!;
    expect(failedEvent.progress.error).toMatch(/404/);

    let q = (await client.request(QueueDocument)).queue;
    expect(q.failed.map((i) => [i.id, i.status, i.retryCount])).toEqual([[item!.id, 'FAILED', 0]]);
    expect(q.failed[0]!.error).toMatch(/404/);
    expect(partFiles(app.libraryDir)).toEqual([]);

    catalog.setMediaBehaviour(info.path, {});
    const retried = (await client.request(RetryFailedDocument, { ids: [item!.id] })).retryFailed;
    expect(retried.map((i) => [i.id, i.retryCount])).toEqual([[item!.id, 1]]);
    expect(['PENDING', 'DOWNLOADING']).toContain(retried[0]!.status);
    expect(retried[0]!.error).toBeNull();
    await events.until(reached(id1, 'COMPLETED'), 'E01 COMPLETED after the retry', 5_000);

    q = (await client.request(QueueDocument)).queue;
    expect(q.completed.map((i) => [i.id, i.retryCount, i.filePath])).toEqual([[item!.id, 1, episodeRelPath('Naruto', 'Naruto', 1, 1)]]);
    expect(q.failed).toEqual([]);
    expect(sha256OfFile(join(app.libraryDir, episodeRelPath('Naruto', 'Naruto', 1, 1)))).toBe(info.sha256);
    // Nothing failed now: retryFailed returns nothing and changes nothing.
    expect((await client.request(RetryFailedDocument, {})).retryFailed).toEqual([]);
  });
});

describe('corrupt downloads', () => {
  it('a sha256 mismatch ends FAILED with a checksum message and leaves neither file nor part file', async () => {
    const { app, catalog } = await setup();
    const { client } = app;
    catalog.addEpisode('naruto', 'Naruto', 1, 1, 50_000, { sha256: 'ab'.repeat(32) });
    await client.request(AddSeriesDocument, { key: 'naruto' });
    const events = recordEvents(client, { types: ['DOWNLOAD'], after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());
    const [item] = (await client.request(EnqueueDownloadsDocument, { episodes: [ep(1)] })).enqueueDownloads;
    await events.until(reached(downloadId('Naruto', 1, 1), 'FAILED'), 'E01 FAILED', 5_000);

    const q = (await client.request(QueueDocument)).queue;
    expect(ids(q.failed)).toEqual([item!.id]);
    expect(q.failed[0]!.error).toMatch(/sha256|checksum/i);
    expect(q.failed[0]!.filePath).toBeNull();
    expect(listTree(join(app.libraryDir, 'Naruto'))).toEqual(['Season 01', 'series.json']);
  });

  it('a size mismatch (server sends fewer bytes than the catalog says) ends FAILED and leaves no file', async () => {
    const { app, catalog } = await setup();
    const { client } = app;
    catalog.addEpisode('naruto', 'Naruto', 1, 1, 50_000, { size: 60_000, sha256: null });
    await client.request(AddSeriesDocument, { key: 'naruto' });
    const events = recordEvents(client, { types: ['DOWNLOAD'], after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());
    const [item] = (await client.request(EnqueueDownloadsDocument, { episodes: [ep(1)] })).enqueueDownloads;
    await events.until(reached(downloadId('Naruto', 1, 1), 'FAILED'), 'E01 FAILED', 5_000);
    const q = (await client.request(QueueDocument)).queue;
    expect(ids(q.failed)).toEqual([item!.id]);
    expect(q.failed[0]!.error).toMatch(/size/i);
    expect(listTree(join(app.libraryDir, 'Naruto'))).toEqual(['Season 01', 'series.json']);
  });

  it('a download interrupted by a stop waits PENDING while the queue is stopped; cancelling it ends its record and part file', async () => {
    const { app, catalog } = await setup();
    catalog.addEpisode('naruto', 'Naruto', 1, 1, 1_000_000, { behaviour: { bytesPerSecond: 100_000 } }); // ~10 s
    await app.client.request(AddSeriesDocument, { key: 'naruto' });
    const events = recordEvents(app.client, { types: ['DOWNLOAD'], after: app.app.progress.lastCursor });
    const [item] = (await app.client.request(EnqueueDownloadsDocument, { episodes: [ep(1)] })).enqueueDownloads;
    const id = downloadId('Naruto', 1, 1);
    await events.until((all) => all.some((e) => e.progress.id === id && e.progress.current > 0), 'E01 mid-download', 5_000);
    events.stop();
    await app.client.request(StopQueueDocument);
    const part = partPathOf(app.libraryDir, 'Naruto', 'Naruto', 1, 1);

    const again = await app.restart();
    cleanups.add(() => again.stop());
    expect(fileSizeOr0(part)).toBeGreaterThan(0); // kept for the resume
    const waiting = (await again.client.request(ProgressDocument, { id })).progress;
    expect(waiting).toMatchObject({ status: 'PENDING', message: expect.stringContaining('queue is started') });

    const cancelled = (await again.client.request(CancelDownloadDocument, { id: item!.id })).cancelDownload;
    expect(cancelled).toMatchObject({ status: 'CANCELLED' });
    expect(existsSync(part)).toBe(false);
    expect((await again.client.request(ProgressDocument, { id })).progress).toMatchObject({ status: 'CANCELLED' });
  });
});
