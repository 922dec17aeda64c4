/**
 * Pause / resume of single downloads and the order of the queue, through the typed client
 * against a real catalog server: the part file stays, the resumed transfer asks for the rest
 * with Range (bytes counted at the server), paused items survive a restart, moves persist.
 */
import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { EpisodeInput } from '../../src/client/generated/graphql.js';
import {
  AddSeriesDocument,
  CancelDownloadDocument,
  EnqueueDownloadsDocument,
  MoveInQueueDocument,
  PauseDownloadDocument,
  ProgressDocument,
  QueueDocument,
  ResumeDownloadDocument,
  StartQueueDocument,
  StopQueueDocument,
} from '../../src/client/operations.js';
import type { TestApp } from '../helpers/app.js';
import type { CatalogServer } from '../helpers/catalog-server.js';
import {
  cleanupList,
  downloadId,
  expectGraphQLError,
  fileSizeOr0,
  partFiles,
  partPathOf,
  reached,
  recordEvents,
  sha256OfFile,
  startAppWithCatalog,
} from '../helpers/library-flow.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { join } from 'node:path';

const cleanups = cleanupList();
afterEach(() => cleanups.run());

const ep = (episode: number): EpisodeInput => ({ serieFolder: 'Naruto', season: 1, episode });
const ids = (items: ReadonlyArray<{ id: string }>) => items.map((i) => i.id);
const SIZE = 600_000;

async function setup(episodes: number, bytesPerSecond?: number): Promise<{ app: TestApp; catalog: CatalogServer }> {
  const { app, catalog } = await startAppWithCatalog(cleanups);
  for (let e = 1; e <= episodes; e++) {
    catalog.addEpisode('naruto', 'Naruto', 1, e, SIZE, bytesPerSecond ? { behaviour: { bytesPerSecond } } : {});
  }
  await app.client.request(AddSeriesDocument, { key: 'naruto' });
  return { app, catalog };
}

describe('pauseDownload / resumeDownload', () => {
  it('an active download stops at once, keeps its part file, and resumes from those bytes with Range', async () => {
    const { app, catalog } = await setup(1, 300_000);
    const { client } = app;
    const id = downloadId('Naruto', 1, 1);
    const part = partPathOf(app.libraryDir, 'Naruto', 'Naruto', 1, 1);
    const events = recordEvents(client, { ids: [id, 'download_queue'], after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());
    const [item] = (await client.request(EnqueueDownloadsDocument, { episodes: [ep(1)] })).enqueueDownloads;
    await events.until((all) => all.some((e) => e.progress.id === id && e.progress.current > 100_000), 'a third on disk', 5_000);

    const paused = (await client.request(PauseDownloadDocument, { id: item!.id })).pauseDownload;
    expect(paused.status).toBe('PAUSED');
    const kept = fileSizeOr0(part);
    expect(kept).toBeGreaterThan(100_000);
    expect(kept).toBeLessThan(SIZE);
    // Its progress record says so; the queue lists it as paused and counts it.
    await events.until((all) => all.some((e) => e.progress.id === id && e.progress.status === 'PENDING'), 'the record PENDING', 3_000);
    const record = (await client.request(ProgressDocument, { id })).progress!;
    expect(record.status).toBe('PENDING');
    expect(record.message).toMatch(/paused/i);
    expect(record.speed).toBeNull();
    const queueEvent = await events.until(
      (all) => all.some((e) => e.progress.id === 'download_queue' && (e.progress.metadata as { paused?: number }).paused === 1),
      'download_queue counting 1 paused',
      3_000,
    );
    expect(queueEvent.length).toBeGreaterThan(0);
    let q = (await client.request(QueueDocument)).queue;
    expect(ids(q.paused)).toEqual([item!.id]);
    expect(q.active).toEqual([]);
    expect(q.pending).toEqual([]);

    // Nothing more is fetched or written while it is paused.
    const requestsAtPause = catalog.requestsTo('/media/naruto/1/1.mp4').length;
    await sleep(500); // proving that nothing moves in this window
    expect(fileSizeOr0(part)).toBe(kept);
    expect(catalog.requestsTo('/media/naruto/1/1.mp4')).toHaveLength(requestsAtPause);

    const resumed = (await client.request(ResumeDownloadDocument, { id: item!.id })).resumeDownload;
    expect(['PENDING', 'DOWNLOADING']).toContain(resumed.status);
    await events.until(reached(id, 'COMPLETED'), 'the download COMPLETED', 10_000);

    const media = catalog.requestsTo('/media/naruto/1/1.mp4');
    const last = media[media.length - 1]!;
    expect(last.range).toBe(`bytes=${kept}-`);
    expect(last.status).toBe(206);
    // The resumed request fetched exactly the bytes that were missing.
    expect(last.bytesSent).toBe(SIZE - kept);
    const file = join(app.libraryDir, 'Naruto/Season 01/Naruto - S01E01.mp4');
    expect(statSync(file).size).toBe(SIZE);
    expect(sha256OfFile(file)).toBe(catalog.addEpisode('naruto', 'Naruto', 1, 1, SIZE).sha256);
    expect(partFiles(app.libraryDir)).toEqual([]);
    q = (await client.request(QueueDocument)).queue;
    expect(q.paused).toEqual([]);
    expect(ids(q.completed)).toEqual([item!.id]);
  });

  it('the queue skips a paused item; resumed, it goes back to its place', async () => {
    const { app, catalog } = await setup(3);
    const { client } = app;
    await client.request(StopQueueDocument);
    const items = (await client.request(EnqueueDownloadsDocument, { episodes: [ep(1), ep(2), ep(3)] })).enqueueDownloads;
    await client.request(PauseDownloadDocument, { id: items[0]!.id });
    const events = recordEvents(client, { types: ['DOWNLOAD'], after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());
    await client.request(StartQueueDocument);
    await events.until(
      (all) => reached(downloadId('Naruto', 1, 2), 'COMPLETED')(all) && reached(downloadId('Naruto', 1, 3), 'COMPLETED')(all),
      'E02 and E03 COMPLETED',
      10_000,
    );
    expect(catalog.requestsTo('/media/naruto/1/1.mp4')).toEqual([]);
    let q = (await client.request(QueueDocument)).queue;
    expect(ids(q.paused)).toEqual([items[0]!.id]);
    expect(q.paused[0]!.status).toBe('PAUSED');

    // Resumed while the queue is stopped: it waits in its old place, ahead of later items.
    await client.request(StopQueueDocument);
    catalog.addEpisode('naruto', 'Naruto', 1, 4, SIZE);
    const [fourth] = (await client.request(EnqueueDownloadsDocument, { episodes: [ep(4)] })).enqueueDownloads;
    await client.request(ResumeDownloadDocument, { id: items[0]!.id });
    q = (await client.request(QueueDocument)).queue;
    expect(ids(q.pending)).toEqual([items[0]!.id, fourth!.id]);
  });

  it('a paused item stays paused across a restart and resumes from its part file after it', async () => {
    const first = await setup(1, 300_000);
    let app = first.app;
    const { catalog } = first;
    const id = downloadId('Naruto', 1, 1);
    const part = partPathOf(app.libraryDir, 'Naruto', 'Naruto', 1, 1);
    const events = recordEvents(app.client, { ids: [id], after: app.app.progress.lastCursor });
    const [item] = (await app.client.request(EnqueueDownloadsDocument, { episodes: [ep(1)] })).enqueueDownloads;
    await events.until((all) => all.some((e) => e.progress.current > 100_000), 'bytes on disk', 5_000);
    await events.stop();
    await app.client.request(PauseDownloadDocument, { id: item!.id });
    const kept = fileSizeOr0(part);
    expect(kept).toBeGreaterThan(0);

    app = await app.restart();
    cleanups.add(() => app.stop());
    const q = (await app.client.request(QueueDocument)).queue;
    expect(ids(q.paused)).toEqual([item!.id]);
    expect(q.pending).toEqual([]);
    expect(q.active).toEqual([]);
    // Its record was not failed as interrupted: it still says paused.
    const record = (await app.client.request(ProgressDocument, { id })).progress!;
    expect(record.status).toBe('PENDING');
    expect(record.message).toMatch(/paused/i);
    const before = catalog.requestsTo('/media/naruto/1/1.mp4').length;
    await sleep(300); // proving that the restarted queue does not start it
    expect(catalog.requestsTo('/media/naruto/1/1.mp4')).toHaveLength(before);
    expect(fileSizeOr0(part)).toBe(kept);

    catalog.setMediaBehaviour('/media/naruto/1/1.mp4', {});
    const after = recordEvents(app.client, { ids: [id], after: app.app.progress.lastCursor });
    cleanups.add(() => after.stop());
    await app.client.request(ResumeDownloadDocument, { id: item!.id });
    await after.until(reached(id, 'COMPLETED'), 'COMPLETED after the restart', 10_000);
    const last = catalog.requestsTo('/media/naruto/1/1.mp4').at(-1)!;
    expect(last.range).toBe(`bytes=${kept}-`);
    expect(last.bytesSent).toBe(SIZE - kept);
  });

  it('cancelling a paused item removes its part file; bad requests are refused and change nothing', async () => {
    const { app } = await setup(1, 300_000);
    const { client } = app;
    const part = partPathOf(app.libraryDir, 'Naruto', 'Naruto', 1, 1);
    const [item] = (await client.request(EnqueueDownloadsDocument, { episodes: [ep(1)] })).enqueueDownloads;
    await waitFor(() => fileSizeOr0(part) > 0, { timeout: 5_000, message: 'bytes on disk' });
    await client.request(PauseDownloadDocument, { id: item!.id });
    // Pausing twice is harmless.
    expect((await client.request(PauseDownloadDocument, { id: item!.id })).pauseDownload.status).toBe('PAUSED');
    await expectGraphQLError(client.request(PauseDownloadDocument, { id: 'nope' }), 'NOT_FOUND');
    await expectGraphQLError(client.request(ResumeDownloadDocument, { id: 'nope' }), 'NOT_FOUND');

    const cancelled = (await client.request(CancelDownloadDocument, { id: item!.id })).cancelDownload!;
    expect(cancelled.status).toBe('CANCELLED');
    expect(partFiles(app.libraryDir)).toEqual([]);
    await expectGraphQLError(client.request(PauseDownloadDocument, { id: item!.id }), 'BAD_USER_INPUT', /CANCELLED/);
    await expectGraphQLError(client.request(ResumeDownloadDocument, { id: item!.id }), 'BAD_USER_INPUT', /CANCELLED/);
    const q = (await client.request(QueueDocument)).queue;
    expect(q.paused).toEqual([]);
    expect(q.pending).toEqual([]);
  });
});

describe('moveInQueue', () => {
  it('position 0 starts next; the order is persisted; FIFO otherwise', async () => {
    let { app, catalog } = await setup(4);
    await app.client.request(StopQueueDocument);
    const items = (await app.client.request(EnqueueDownloadsDocument, { episodes: [ep(1), ep(2), ep(3), ep(4)] })).enqueueDownloads;
    const [a, b, c, d] = items.map((i) => i.id) as [string, string, string, string];
    let q = (await app.client.request(MoveInQueueDocument, { id: c, position: 0 })).moveInQueue;
    expect(ids(q.pending)).toEqual([c, a, b, d]);
    // Past the end: last. A paused item moves too and keeps its place among the waiting ones.
    await app.client.request(PauseDownloadDocument, { id: a });
    q = (await app.client.request(MoveInQueueDocument, { id: a, position: 99 })).moveInQueue;
    expect(ids(q.pending)).toEqual([c, b, d]);
    expect(ids(q.paused)).toEqual([a]);
    q = (await app.client.request(MoveInQueueDocument, { id: d, position: 1 })).moveInQueue;
    expect(ids(q.pending)).toEqual([c, d, b]);

    await expectGraphQLError(app.client.request(MoveInQueueDocument, { id: b, position: -1 }), 'BAD_USER_INPUT', /position/);
    await expectGraphQLError(app.client.request(MoveInQueueDocument, { id: 'nope', position: 0 }), 'NOT_FOUND');
    expect(ids((await app.client.request(QueueDocument)).queue.pending)).toEqual([c, d, b]);

    app = await app.restart();
    cleanups.add(() => app.stop());
    q = (await app.client.request(QueueDocument)).queue;
    expect(ids(q.pending)).toEqual([c, d, b]);
    await app.client.request(ResumeDownloadDocument, { id: a });
    expect(ids((await app.client.request(QueueDocument)).queue.pending)).toEqual([c, d, b, a]);

    const events = recordEvents(app.client, { types: ['DOWNLOAD'], after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());
    await app.client.request(StartQueueDocument);
    const all = [3, 4, 2, 1].map((e) => downloadId('Naruto', 1, e));
    await events.until((evs) => all.every((id) => reached(id, 'COMPLETED')(evs)), 'all COMPLETED', 15_000);
    const media = catalog.requests.filter((r) => r.path.startsWith('/media/')).map((r) => r.path);
    expect(media).toEqual([3, 4, 2, 1].map((e) => `/media/naruto/1/${e}.mp4`));
    await expectGraphQLError(app.client.request(MoveInQueueDocument, { id: c, position: 0 }), 'BAD_USER_INPUT', /COMPLETED/);
  });
});
