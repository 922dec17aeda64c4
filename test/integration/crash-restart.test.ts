/**
 * Crash safety with the real service in a child process (node --import tsx src/main.ts):
 * SIGKILL mid-download, restart on the same dirs and port, and the queue, the part file,
 * the history and the event log must all carry on. Also SIGTERM: exit 0, queue kept.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProgressClient, type ProgressClient, type ProgressEventMessage } from '../../src/client/index.js';
import {
  AddSeriesDocument,
  EnqueueDownloadsDocument,
  EnqueueMissingDocument,
  ProgressHistoryDocument,
  ProgressDocument,
  QueueDocument,
  StartQueueDocument,
  StartScanDocument,
  StopQueueDocument,
} from '../../src/client/operations.js';
import { tempDir } from '../helpers/app.js';
import { startCatalogServer, type CatalogServer, type MediaInfo } from '../helpers/catalog-server.js';
import {
  cleanupList,
  downloadId,
  episodeRelPath,
  fileSizeOr0,
  freePort,
  partFiles,
  partPathOf,
  reached,
  recordEvents,
  sha256OfFile,
  spawnService,
  waitHealthy,
  type ServiceProcess,
} from '../helpers/library-flow.js';
import { waitForWsSubscriptions } from '../helpers/server-probe.js';
import { withTimeout } from '../helpers/wait.js';

const cleanups = cleanupList();
afterEach(() => cleanups.run());

interface Env {
  catalog: CatalogServer;
  env: Record<string, string>;
  libraryDir: string;
  start(): ServiceProcess;
  client(url: string): ProgressClient;
}

async function environment(): Promise<Env> {
  const catalog = await startCatalogServer();
  cleanups.add(() => catalog.close());
  const data = tempDir('anime-crash-data-');
  const lib = tempDir('anime-crash-lib-');
  cleanups.add(() => (data.remove(), lib.remove()));
  const port = await freePort();
  const env = { PORT: String(port), DATA_DIR: data.path, LIBRARY_DIR: lib.path, CATALOG_URL: catalog.url, LOG_LEVEL: 'warn' };
  return {
    catalog,
    env,
    libraryDir: lib.path,
    start() {
      const svc = spawnService(env);
      cleanups.add(() => svc.kill());
      return svc;
    },
    client(url) {
      const c = createProgressClient({ url });
      cleanups.add(() => c.close());
      return c;
    },
  };
}

const allItems = (q: { pending: Array<{ id: string }>; active: Array<{ id: string }>; completed: Array<{ id: string }>; failed: Array<{ id: string }> }) =>
  [...q.pending, ...q.active, ...q.completed, ...q.failed].map((i) => i.id).sort();

describe('crash safety (child process)', () => {
  it('after SIGKILL mid-download, a restart resumes with a Range request and everything completes', { timeout: 90_000 }, async () => {
    const env = await environment();
    const { catalog } = env;
    const eps: MediaInfo[] = [
      catalog.addEpisode('naruto', 'Naruto', 1, 1, 2_000_000, { behaviour: { bytesPerSecond: 250_000 } }), // ~8 s
      catalog.addEpisode('naruto', 'Naruto', 1, 2, 60_000, { behaviour: { bytesPerSecond: 300_000 } }),
      catalog.addEpisode('naruto', 'Naruto', 1, 3, 60_000, { behaviour: { bytesPerSecond: 300_000 } }),
    ];
    const id1 = downloadId('Naruto', 1, 1);

    // ---- first life ----
    const first = env.start();
    await waitHealthy(first);
    const c1 = env.client(first.url);
    const events = recordEvents(c1, {});
    await waitForWsSubscriptions(first.url, 1, 5_000);
    await c1.request(AddSeriesDocument, { key: 'naruto' });
    await c1.request(StartScanDocument);
    await events.until(reached('library_scan', 'COMPLETED'), 'library_scan COMPLETED', 10_000);
    const items = (await c1.request(EnqueueMissingDocument, { serieFolder: 'Naruto' })).enqueueMissing;
    expect(items.map((i) => i.episode)).toEqual([1, 2, 3]);
    await events.until(
      (all) => all.some((e) => e.progress.id === id1 && e.progress.current >= 100_000 && e.progress.current < eps[0]!.size),
      'E01 mid-way',
      10_000,
    );
    const queueBefore = (await c1.request(QueueDocument)).queue;
    expect(queueBefore.active.map((i) => i.id)).toEqual([items[0]!.id]);

    first.child.kill('SIGKILL');
    const seenBefore: ProgressEventMessage[] = [...events.items];
    const lastCursor = seenBefore.at(-1)!.cursor;
    expect(await withTimeout(first.exited, 5_000, 'the killed service to exit')).toMatchObject({ signal: 'SIGKILL' });
    await events.stop();
    await c1.close();

    const part = partPathOf(env.libraryDir, 'Naruto', 'Naruto', 1, 1);
    const onDisk = fileSizeOr0(part);
    expect(onDisk).toBeGreaterThan(0);
    expect(onDisk).toBeLessThan(eps[0]!.size);
    const requestsBefore = catalog.requestsTo(eps[0]!.path).length;

    // ---- second life ----
    const t0 = performance.now();
    const second = env.start();
    const resumed = catalog.waitForRequest((r) => r.path === eps[0]!.path && r.range !== undefined, 30_000);
    await waitHealthy(second);
    const tHealthy = performance.now() - t0;
    const resumeRequest = await resumed;
    const tResumed = performance.now() - t0;
    console.log(
      `restart after SIGKILL: healthy after ${tHealthy.toFixed(0)} ms, download resumed (Range ${resumeRequest.range}) after ${tResumed.toFixed(0)} ms; ${onDisk} of ${eps[0]!.size} bytes were on disk`,
    );
    expect(catalog.requestsTo(eps[0]!.path).length).toBe(requestsBefore + 1);
    expect(resumeRequest.range).toBe(`bytes=${onDisk}-`);

    const c2 = env.client(second.url);
    // The queue kept every item, under the same ids.
    const queueAfter = (await c2.request(QueueDocument)).queue;
    expect(allItems(queueAfter)).toEqual(items.map((i) => i.id).sort());
    expect(queueAfter.failed).toEqual([]);

    // A watch resumed after the last cursor seen before the kill.
    // (A subscription with `after`, which is what client.watch() sends when it resumes; the
    // watch() generator itself cannot be stopped while it waits for an event — see the report.)
    const resumedEvents = recordEvents(c2, { after: lastCursor });
    cleanups.add(() => resumedEvents.stop());
    const ids = items.map((i) => downloadId('Naruto', 1, i.episode));
    await resumedEvents.until((all) => ids.every((id) => reached(id, 'COMPLETED')(all)), 'all three COMPLETED', 30_000);

    const seenCursors = new Set(seenBefore.map((e) => e.cursor));
    expect(resumedEvents.items.filter((e) => seenCursors.has(e.cursor))).toEqual([]);
    expect(new Set(resumedEvents.items.map((e) => e.cursor)).size).toBe(resumedEvents.items.length);
    const e1After = resumedEvents.items.filter((e) => e.progress.id === id1);
    expect(e1After.some((e) => e.progress.status === 'IN_PROGRESS' && e.progress.current > onDisk)).toBe(true);
    expect(e1After.at(-1)!.progress).toMatchObject({ status: 'COMPLETED', current: eps[0]!.size });
    // Nothing of the first life fails as "interrupted": the downloads were resumed, not failed.
    expect(resumedEvents.items.filter((e) => e.progress.status === 'FAILED')).toEqual([]);

    // The event log of the first life survived: a replay after the first event seen gives the rest, in order.
    const replay = recordEvents(c2, { after: seenBefore[0]!.cursor });
    cleanups.add(() => replay.stop());
    await replay.until((all) => all.length >= seenBefore.length - 1, 'the replay of the first life', 10_000);
    expect(replay.items.slice(0, seenBefore.length - 1).map((e) => [e.cursor, e.progress.id, e.progress.status, e.progress.current])).toEqual(
      seenBefore.slice(1).map((e) => [e.cursor, e.progress.id, e.progress.status, e.progress.current]),
    );

    // Files complete and right; no part files; queue and history agree.
    for (const [i, info] of eps.entries()) {
      expect(sha256OfFile(join(env.libraryDir, episodeRelPath('Naruto', 'Naruto', 1, i + 1))), `E0${i + 1}`).toBe(info.sha256);
    }
    expect(partFiles(env.libraryDir)).toEqual([]);
    const done = (await c2.request(QueueDocument)).queue;
    expect(done.completed.map((i) => i.id)).toEqual(items.map((i) => i.id));
    const history = (await c2.request(ProgressHistoryDocument, { first: 100 })).progressHistory;
    const finished = history.edges.map((e) => [e.node.id, e.node.status]);
    for (const id of ids) expect(finished).toContainEqual([id, 'COMPLETED']);
    expect(finished).toContainEqual(['library_scan', 'COMPLETED']);

    second.child.kill('SIGTERM');
    expect(await withTimeout(second.exited, 10_000, 'SIGTERM exit')).toEqual({ code: 0, signal: null });
  });

  it('SIGTERM mid-download exits 0 and keeps the queue; the next start carries on', { timeout: 60_000 }, async () => {
    const env = await environment();
    const { catalog } = env;
    const e1 = catalog.addEpisode('naruto', 'Naruto', 1, 1, 1_000_000, { behaviour: { bytesPerSecond: 200_000 } });
    const e2 = catalog.addEpisode('naruto', 'Naruto', 1, 2, 30_000);
    const id1 = downloadId('Naruto', 1, 1);

    const first = env.start();
    await waitHealthy(first);
    const c1 = env.client(first.url);
    const events = recordEvents(c1, { types: ['DOWNLOAD'] });
    await waitForWsSubscriptions(first.url, 1, 5_000);
    await c1.request(AddSeriesDocument, { key: 'naruto' });
    const items = (
      await c1.request(EnqueueDownloadsDocument, {
        episodes: [
          { serieFolder: 'Naruto', season: 1, episode: 1 },
          { serieFolder: 'Naruto', season: 1, episode: 2 },
        ],
      })
    ).enqueueDownloads;
    await events.until((all) => all.some((e) => e.progress.id === id1 && e.progress.current > 0), 'E01 under way', 10_000);

    const t0 = performance.now();
    first.child.kill('SIGTERM');
    const exit = await withTimeout(first.exited, 10_000, 'the service to exit after SIGTERM');
    console.log(`SIGTERM mid-download: exited with ${JSON.stringify(exit)} after ${(performance.now() - t0).toFixed(0)} ms`);
    expect(exit).toEqual({ code: 0, signal: null });
    await events.stop();
    await c1.close();
    const onDisk = fileSizeOr0(partPathOf(env.libraryDir, 'Naruto', 'Naruto', 1, 1));

    const second = env.start();
    await waitHealthy(second);
    const c2 = env.client(second.url);
    const q = (await c2.request(QueueDocument)).queue;
    expect(allItems(q)).toEqual(items.map((i) => i.id).sort());
    const watch = recordEvents(c2, { types: ['DOWNLOAD'], snapshot: true });
    cleanups.add(() => watch.stop());
    await watch.until(
      (all) => reached(id1, 'COMPLETED')(all) && reached(downloadId('Naruto', 1, 2), 'COMPLETED')(all),
      'both COMPLETED after the restart',
      20_000,
    );
    if (onDisk > 0) expect(catalog.requestsTo(e1.path).some((r) => r.range === `bytes=${onDisk}-`)).toBe(true);
    expect(sha256OfFile(join(env.libraryDir, episodeRelPath('Naruto', 'Naruto', 1, 1)))).toBe(e1.sha256);
    expect(sha256OfFile(join(env.libraryDir, episodeRelPath('Naruto', 'Naruto', 1, 2)))).toBe(e2.sha256);
    second.child.kill('SIGTERM');
    expect(await withTimeout(second.exited, 10_000, 'SIGTERM exit')).toEqual({ code: 0, signal: null });
  });

  it('a download killed twice while the queue is stopped is never reported FAILED, and completes once the queue starts', { timeout: 90_000 }, async () => {
    const env = await environment();
    const { catalog } = env;
    const ep = catalog.addEpisode('naruto', 'Naruto', 1, 1, 1_000_000, { behaviour: { bytesPerSecond: 150_000 } }); // ~7 s
    const id = downloadId('Naruto', 1, 1);

    // ---- first life: the download runs, the queue is stopped, kill -9 mid-download ----
    const first = env.start();
    await waitHealthy(first);
    const c1 = env.client(first.url);
    const events = recordEvents(c1, { types: ['DOWNLOAD'] });
    await waitForWsSubscriptions(first.url, 1, 5_000);
    await c1.request(AddSeriesDocument, { key: 'naruto' });
    const [item] = (await c1.request(EnqueueDownloadsDocument, { episodes: [{ serieFolder: 'Naruto', season: 1, episode: 1 }] }))
      .enqueueDownloads;
    await events.until((all) => all.some((e) => e.progress.id === id && e.progress.current > 0), 'E01 under way', 10_000);
    await c1.request(StopQueueDocument);
    await first.kill();
    await events.stop();

    // ---- second life: the queue is still stopped; the download waits PENDING; kill -9 again ----
    const second = env.start();
    await waitHealthy(second);
    const c2 = env.client(second.url);
    expect((await c2.request(ProgressDocument, { id })).progress).toMatchObject({
      status: 'PENDING',
      message: expect.stringContaining('queue is started'),
    });
    await second.kill();

    // ---- third life: still PENDING, nothing failed; starting the queue completes it ----
    const third = env.start();
    await waitHealthy(third);
    const c3 = env.client(third.url);
    expect((await c3.request(ProgressDocument, { id })).progress).toMatchObject({ status: 'PENDING' });
    const failures = (await c3.request(ProgressHistoryDocument, { statuses: ['FAILED'], first: 100 })).progressHistory;
    expect(failures.edges.map((e) => e.node.id)).toEqual([]);
    const startups = (await c3.request(ProgressHistoryDocument, { types: ['SYSTEM'], first: 100 })).progressHistory;
    const lastStartup = startups.edges.find((e) => e.node.id === 'system_startup')!.node;
    expect(lastStartup.metadata).toMatchObject({ resumed: [id], failed: [] });

    const watch = recordEvents(c3, { types: ['DOWNLOAD', 'ERROR'], snapshot: true });
    cleanups.add(() => watch.stop());
    await c3.request(StartQueueDocument);
    await watch.until(reached(id, 'COMPLETED'), 'E01 COMPLETED once the queue runs', 20_000);
    expect(watch.items.filter((e) => e.progress.status === 'FAILED' || e.progress.type === 'ERROR')).toEqual([]);
    expect(sha256OfFile(join(env.libraryDir, episodeRelPath('Naruto', 'Naruto', 1, 1)))).toBe(ep.sha256);
    expect((await c3.request(QueueDocument)).queue.completed.map((i) => i.id)).toEqual([item!.id]);
    third.child.kill('SIGTERM');
    expect(await withTimeout(third.exited, 10_000, 'SIGTERM exit')).toEqual({ code: 0, signal: null });
  });
});
