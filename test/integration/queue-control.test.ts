/**
 * Queue control through the typed client: stop/start, concurrency and order, removal,
 * clearing, the queueUpdated stream and the download_queue progress events.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ProgressEventMessage } from '../../src/client/index.js';
import type { EpisodeInput } from '../../src/client/generated/graphql.js';
import {
  ActiveProgressDocument,
  AddSeriesDocument,
  ClearCompletedDocument,
  EnqueueDownloadsDocument,
  QueueDocument,
  RemoveFromQueueDocument,
  StartQueueDocument,
  StopQueueDocument,
} from '../../src/client/operations.js';
import type { AppConfig } from '../../src/config.js';
import type { TestApp } from '../helpers/app.js';
import type { CatalogServer } from '../helpers/catalog-server.js';
import { cleanupList, startAppWithCatalog, downloadId, reached, recordEvents, recordQueue, type QueueView } from '../helpers/library-flow.js';
import { sleep, withTimeout } from '../helpers/wait.js';

const cleanups = cleanupList();
afterEach(() => cleanups.run());

async function setup(
  episodes: number,
  opts: { size?: number; bytesPerSecond?: number; config?: Partial<AppConfig> } = {},
): Promise<{ app: TestApp; catalog: CatalogServer }> {
  const { app, catalog } = await startAppWithCatalog(cleanups, opts.config);
  for (let e = 1; e <= episodes; e++) {
    catalog.addEpisode('naruto', 'Naruto', 1, e, opts.size ?? 20_000, opts.bytesPerSecond ? { behaviour: { bytesPerSecond: opts.bytesPerSecond } } : {});
  }
  await app.client.request(AddSeriesDocument, { key: 'naruto' });
  return { app, catalog };
}

const ep = (episode: number): EpisodeInput => ({ serieFolder: 'Naruto', season: 1, episode });
const mediaRequests = (catalog: CatalogServer) => catalog.requests.filter((r) => r.path.startsWith('/media/'));
const ids = (items: ReadonlyArray<{ id: string }>) => items.map((i) => i.id);

describe('stopQueue / startQueue', () => {
  it('a stopped queue starts nothing; items stay PENDING; startQueue resumes them', async () => {
    const { app, catalog } = await setup(2);
    const { client } = app;
    const stopped = (await client.request(StopQueueDocument)).stopQueue;
    expect(stopped.isRunning).toBe(false);

    const items = (await client.request(EnqueueDownloadsDocument, { episodes: [ep(1), ep(2)] })).enqueueDownloads;
    expect(items.map((i) => i.status)).toEqual(['PENDING', 'PENDING']);
    await sleep(400); // proving that nothing starts in this window
    const q = (await client.request(QueueDocument)).queue;
    expect(q.isRunning).toBe(false);
    expect(ids(q.pending)).toEqual(ids(items));
    expect(q.active).toEqual([]);
    expect(q.completed).toEqual([]);
    expect(mediaRequests(catalog)).toEqual([]);
    expect((await client.request(ActiveProgressDocument, { types: ['DOWNLOAD'] })).activeProgress).toEqual([]);
    // Stopping again is harmless.
    expect((await client.request(StopQueueDocument)).stopQueue.isRunning).toBe(false);

    const events = recordEvents(client, { types: ['DOWNLOAD'], after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());
    const started = (await client.request(StartQueueDocument)).startQueue;
    expect(started.isRunning).toBe(true);
    await events.until(
      (all) => reached(downloadId('Naruto', 1, 1), 'COMPLETED')(all) && reached(downloadId('Naruto', 1, 2), 'COMPLETED')(all),
      'both downloads COMPLETED',
      10_000,
    );
    const done = (await client.request(QueueDocument)).queue;
    expect(ids(done.completed)).toEqual(ids(items));
    expect(done.overallPercent).toBe(100);
  });

  it('stopping lets the running download finish but starts no other', async () => {
    const { app, catalog } = await setup(2, { size: 60_000, bytesPerSecond: 120_000 });
    const { client } = app;
    const events = recordEvents(client, { types: ['DOWNLOAD'], after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());
    const items = (await client.request(EnqueueDownloadsDocument, { episodes: [ep(1), ep(2)] })).enqueueDownloads;
    await events.until((all) => all.some((e) => e.progress.id === downloadId('Naruto', 1, 1) && e.progress.current > 0), 'E01 under way', 5_000);
    await client.request(StopQueueDocument);
    await events.until(reached(downloadId('Naruto', 1, 1), 'COMPLETED'), 'E01 COMPLETED', 5_000);
    await sleep(300); // proving that E02 does not start
    const q = (await client.request(QueueDocument)).queue;
    expect(ids(q.completed)).toEqual([items[0]!.id]);
    expect(ids(q.pending)).toEqual([items[1]!.id]);
    expect(catalog.requestsTo('/media/naruto/1/2.mp4')).toEqual([]);
  });
});

describe('DOWNLOAD_CONCURRENCY', () => {
  it('runs 2 at once, started in queue order, never more', async () => {
    const { app } = await setup(4, { size: 60_000, bytesPerSecond: 150_000, config: { downloadConcurrency: 2 } });
    const { client } = app;
    await client.request(StopQueueDocument);
    const items = (await client.request(EnqueueDownloadsDocument, { episodes: [ep(3), ep(1), ep(4), ep(2)] })).enqueueDownloads;
    const queue = recordQueue(client);
    cleanups.add(() => queue.stop());
    const events = recordEvents(client, { types: ['DOWNLOAD'], after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());
    await queue.until((all) => all.length > 0, 'the current queue', 3_000);
    await client.request(StartQueueDocument);

    const twoActive = await queue.until((all) => all.some((q) => q.active.length === 2), 'two active', 5_000);
    const firstTwo = twoActive.find((q) => q.active.length === 2)!;
    expect(ids(firstTwo.active).sort()).toEqual([items[0]!.id, items[1]!.id].sort());
    expect(ids(firstTwo.pending)).toEqual([items[2]!.id, items[3]!.id]);

    const all = items.map((i) => downloadId('Naruto', 1, i.episode));
    await events.until((evs) => all.every((id) => reached(id, 'COMPLETED')(evs)), 'all COMPLETED', 15_000);
    await queue.until((qs) => qs.some((q) => q.completed.length === 4), 'the queue to show 4 completed', 3_000);

    expect(Math.max(...queue.items.map((q) => q.active.length))).toBe(2);
    // Starts (first event of each id) in queue order; E4 (third in line) only after a completion.
    const firstSeen: string[] = [];
    for (const e of events.items) if (!firstSeen.includes(e.progress.id)) firstSeen.push(e.progress.id);
    expect(firstSeen).toEqual(all);
    const idx = (pred: (e: ProgressEventMessage) => boolean) => events.items.findIndex(pred);
    const thirdStart = idx((e) => e.progress.id === all[2]);
    const firstDone = idx((e) => e.progress.status === 'COMPLETED');
    expect(thirdStart).toBeGreaterThan(firstDone);
    // At most two downloads in flight at any event.
    const open = new Set<string>();
    let most = 0;
    for (const e of events.items) {
      if (e.progress.status === 'IN_PROGRESS') open.add(e.progress.id);
      else open.delete(e.progress.id);
      most = Math.max(most, open.size);
    }
    expect(most).toBe(2);
  });
});

describe('removeFromQueue and clearCompleted', () => {
  it('removes pending items by id and clears completed ones', async () => {
    const { app, catalog } = await setup(3);
    const { client } = app;
    await client.request(StopQueueDocument);
    const items = (await client.request(EnqueueDownloadsDocument, { episodes: [ep(1), ep(2), ep(3)] })).enqueueDownloads;

    expect((await client.request(RemoveFromQueueDocument, { ids: [items[1]!.id, 'no-such-id'] })).removeFromQueue).toBe(1);
    expect((await client.request(RemoveFromQueueDocument, { ids: [items[1]!.id] })).removeFromQueue).toBe(0);
    let q = (await client.request(QueueDocument)).queue;
    expect(ids(q.pending)).toEqual([items[0]!.id, items[2]!.id]);

    const events = recordEvents(client, { types: ['DOWNLOAD'], after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());
    await client.request(StartQueueDocument);
    await events.until(
      (all) => reached(downloadId('Naruto', 1, 1), 'COMPLETED')(all) && reached(downloadId('Naruto', 1, 3), 'COMPLETED')(all),
      'E01 and E03 COMPLETED',
      10_000,
    );
    expect(catalog.requestsTo('/media/naruto/1/2.mp4')).toEqual([]);
    q = (await client.request(QueueDocument)).queue;
    expect(ids(q.completed)).toEqual([items[0]!.id, items[2]!.id]);

    expect((await client.request(ClearCompletedDocument)).clearCompleted).toBe(2);
    q = (await client.request(QueueDocument)).queue;
    expect([q.pending, q.active, q.completed, q.failed]).toEqual([[], [], [], []]);
    expect((await client.request(ClearCompletedDocument)).clearCompleted).toBe(0);
    // The files stay: clearing the queue is not deleting the library.
    expect(events.items.some((e) => e.progress.status === 'CANCELLED')).toBe(false);
  });
});

describe('queueUpdated and download_queue events', () => {
  it('queueUpdated first sends the current queue, then a new state on every change', async () => {
    const { app } = await setup(2, { size: 30_000, bytesPerSecond: 100_000 });
    const { client } = app;
    await client.request(StopQueueDocument);
    const [first] = (await client.request(EnqueueDownloadsDocument, { episodes: [ep(1)] })).enqueueDownloads;

    const stream = recordQueue(client);
    cleanups.add(() => stream.stop());
    const [initial] = await stream.until((all) => all.length >= 1, 'the current queue', 3_000);
    expect(initial!.isRunning).toBe(false);
    expect(ids(initial!.pending)).toEqual([first!.id]);

    const has = (pred: (q: QueueView) => boolean) => (all: readonly QueueView[]) => all.some(pred);
    const [second] = (await client.request(EnqueueDownloadsDocument, { episodes: [ep(2)] })).enqueueDownloads;
    await stream.until(has((q) => q.pending.length === 2), 'the enqueue', 3_000);
    await client.request(RemoveFromQueueDocument, { ids: [second!.id] });
    await stream.until(has((q) => q.pending.length === 1 && stream.items.indexOf(q) > 1), 'the removal', 3_000);
    await client.request(StartQueueDocument);
    await stream.until(has((q) => q.isRunning), 'the start', 3_000);
    await stream.until(has((q) => q.active.length === 1 && q.active[0]!.progress !== null && q.active[0]!.progress.current > 0), 'download progress', 5_000);
    await stream.until(has((q) => q.completed.length === 1), 'the completion', 5_000);
    const last = stream.items.at(-1)!;
    expect(ids(last.completed)).toEqual([first!.id]);
    expect(last.completed[0]!.filePath).toBe('Naruto/Season 01/Naruto - S01E01.mp4');
    expect(last.overallPercent).toBe(100);
    // Progress of the active item grows through the stream, and overallPercent with it.
    const active = stream.items.filter((q) => q.active.length === 1).map((q) => q.overallPercent);
    expect(active).toEqual([...active].sort((a, b) => a - b));
    expect(active.some((p) => p > 0 && p < 100)).toBe(true);
  });

  it('a queueUpdated subscriber that leaves does not stall the service', async () => {
    const { app } = await setup(1);
    const stream = recordQueue(app.client);
    await stream.until((all) => all.length >= 1, 'the current queue', 3_000);
    await withTimeout(stream.stop(), 2_000, 'the queueUpdated subscription to end');
    // The service still answers (before the fix, return() looped forever and starved the event loop).
    const health = await withTimeout(fetch(new URL('/health', app.url)), 2_000, '/health after the unsubscribe');
    expect(health.status).toBe(200);
    const q = await withTimeout(app.client.request(QueueDocument), 2_000, 'a queue query after the unsubscribe');
    expect(q.queue.isRunning).toBe(true);
  });

  it('download_queue progress events carry metadata.action and the counts', async () => {
    const { app, catalog } = await setup(2, { size: 20_000 });
    catalog.setMediaBehaviour('/media/naruto/1/2.mp4', { status: 404 });
    const { client } = app;
    const events = recordEvents(client, { ids: ['download_queue'], after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());

    await client.request(StopQueueDocument);
    await client.request(EnqueueDownloadsDocument, { episodes: [ep(1), ep(2)] });
    await client.request(StartQueueDocument);
    await events.until(
      (all) => all.some((e) => e.progress.status === 'COMPLETED' && (e.progress.metadata as { action?: string }).action === 'failed'),
      'the queue to finish after the failure',
      10_000,
    );

    for (const e of events.items) {
      expect(e.type).toBe('queue_progress');
      expect(e.progress.type).toBe('QUEUE');
      expect(e.progress.id).toBe('download_queue');
    }
    type Meta = { action: string; pending: number; active: number; completed: number; failed: number; isRunning: boolean };
    const metas = events.items.map((e) => e.progress.metadata as Meta);
    const pick = (m: Meta) => [m.action, m.pending, m.active, m.completed, m.failed];
    const seq = metas.map(pick);
    expect(seq).toContainEqual(['queue_stopped', 0, 0, 0, 0]);
    expect(seq).toContainEqual(['enqueued', 2, 0, 0, 0]);
    expect(seq).toContainEqual(['queue_started', 2, 0, 0, 0]);
    expect(seq).toContainEqual(['started', 1, 1, 0, 0]);
    expect(seq).toContainEqual(['completed', 1, 0, 1, 0]);
    expect(seq).toContainEqual(['started', 0, 1, 1, 0]);
    expect(seq).toContainEqual(['failed', 0, 0, 1, 1]);
    // In order of the changes.
    const order = ['enqueued', 'queue_started', 'completed', 'failed'].map((a) => metas.findIndex((m) => m.action === a));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    const enq = metas.find((m) => m.action === 'enqueued')!;
    expect(enq.isRunning).toBe(false);
    const last = events.items.at(-1)!.progress;
    // current/total are the run's bytes (see 'one overall percent' below): both items count whole.
    expect(last).toMatchObject({ status: 'COMPLETED', current: 40_000, total: 40_000, percent: 100 });
  });
});

describe('one overall percent', () => {
  it('queue.overallPercent is the download_queue operation\'s percent: bytes of the run, finished items whole', async () => {
    const { app, catalog } = await startAppWithCatalog(cleanups, { throttleMs: 20 });
    catalog.addEpisode('naruto', 'Naruto', 1, 1, 100_000);
    catalog.addEpisode('naruto', 'Naruto', 1, 2, 300_000, { behaviour: { bytesPerSecond: 200_000 } }); // ~1.5 s
    catalog.addEpisode('naruto', 'Naruto', 1, 3, 50_000);
    const { client } = app;
    await client.request(AddSeriesDocument, { key: 'naruto' });
    const queueEvents = recordEvents(client, { ids: ['download_queue'] });
    cleanups.add(() => queueEvents.stop());
    const downloads = recordEvents(client, { types: ['DOWNLOAD'] });
    cleanups.add(() => downloads.stop());

    await client.request(EnqueueDownloadsDocument, { episodes: [ep(1), ep(2)] });
    const id2 = downloadId('Naruto', 1, 2);
    await downloads.until((all) => all.some((e) => e.progress.id === id2 && e.progress.current > 50_000), 'E02 a good way in', 10_000);

    // At one instant, in-process: the query's value, the operation's percent and the definition agree.
    const status = (app.app.downloads as unknown as { localStatus(): { overallPercent: number } }).localStatus();
    const record = app.app.progress.getProgress('download_queue')!;
    const e2 = app.app.progress.getProgress(id2)!;
    const expected = ((100_000 + e2.current) / 400_000) * 100;
    expect(status.overallPercent).toBeCloseTo(expected, 3);
    expect(record.percent).toBeCloseTo(expected, 3);
    expect(record).toMatchObject({ current: 100_000 + e2.current, total: 400_000 });
    // The same over the API.
    const q = (await client.request(QueueDocument)).queue;
    expect(q.overallPercent).toBeGreaterThanOrEqual(expected);

    // An item added mid-run joins the run's total; the percent then only grows to 100.
    await client.request(EnqueueDownloadsDocument, { episodes: [ep(3)] });
    await queueEvents.until(reached('download_queue', 'COMPLETED'), 'the queue to drain', 10_000);
    const run = queueEvents.items.filter((e) => e.progress.total === 450_000).map((e) => e.progress.percent);
    expect(run.length).toBeGreaterThan(2);
    expect(run).toEqual([...run].sort((a, b) => a - b));
    expect(run.at(-1)).toBe(100);
    // Between the download events, the queue's percent moved too (not only at queue changes).
    const moving = queueEvents.items.filter((e) => e.progress.status === 'IN_PROGRESS' && e.progress.percent > 25 && e.progress.percent < 85);
    expect(moving.length).toBeGreaterThan(0);
    // A new run starts from its own items: the finished ones of the last run do not count.
    await client.request(StopQueueDocument);
    catalog.addEpisode('naruto', 'Naruto', 1, 4, 10_000);
    await client.request(EnqueueDownloadsDocument, { episodes: [ep(4)] });
    expect((await client.request(QueueDocument)).queue.overallPercent).toBe(0);
  });
});
