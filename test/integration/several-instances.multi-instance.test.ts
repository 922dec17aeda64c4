/**
 * Several instances on one Redis (contract: "Several instances"), as real processes
 * (node --import tsx src/main.ts) sharing one LIBRARY_DIR, a real redis-server and a real
 * catalog server: one order of events with the same cursors everywhere, resuming on another
 * instance, one queue runner with failover after kill -9, Redis restarts and outages.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProgressClient, GraphQLRequestError, type ProgressClient, type ProgressEventMessage } from '../../src/client/index.js';
import {
  AddSeriesDocument,
  AddWebhookDocument,
  EnqueueDownloadsDocument,
  QueueDocument,
  ServiceInfoDocument,
} from '../../src/client/operations.js';
import { tempDir } from '../helpers/app.js';
import { startCatalogServer, type CatalogServer } from '../helpers/catalog-server.js';
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
import { HAVE_REDIS, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { waitForWsSubscriptions } from '../helpers/server-probe.js';
import { sleep, withTimeout } from '../helpers/wait.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

const cleanups = cleanupList();
afterEach(() => cleanups.run());

interface Cluster {
  redis: RedisServer;
  catalog: CatalogServer;
  libraryDir: string;
  /** Starts an instance named `id` and waits until it answers. */
  start(id: string): Promise<ServiceProcess>;
  client(svc: ServiceProcess): ProgressClient;
  /** The instance that runs the queue, as serviceInfo says on `via`. */
  runner(via: ServiceProcess): Promise<string>;
}

async function cluster(): Promise<Cluster> {
  const redis = await startRedis();
  cleanups.add(() => redis.dispose());
  const catalog = await startCatalogServer();
  cleanups.add(() => catalog.close());
  const lib = tempDir('anime-cluster-lib-');
  cleanups.add(() => lib.remove());
  return {
    redis,
    catalog,
    libraryDir: lib.path,
    async start(id) {
      const data = tempDir(`anime-cluster-data-${id}-`);
      const port = await freePort();
      const svc = spawnService({
        PORT: String(port),
        DATA_DIR: data.path,
        LIBRARY_DIR: lib.path,
        CATALOG_URL: catalog.url,
        REDIS_URL: redis.url,
        INSTANCE_ID: id,
        LOG_LEVEL: 'warn',
      });
      cleanups.add(async () => {
        await svc.kill();
        data.remove();
      });
      await waitHealthy(svc);
      return svc;
    },
    client(svc) {
      const c = createProgressClient({ url: svc.url });
      cleanups.add(() => c.close());
      return c;
    },
    async runner(via) {
      const c = createProgressClient({ url: via.url });
      try {
        for (let i = 0; i < 100; i++) {
          const info = (await c.request(ServiceInfoDocument, {})).serviceInfo;
          const runner = info.instances.find((x) => x.runsQueue);
          if (runner) return runner.id;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error('no instance runs the queue');
      } finally {
        await c.close();
      }
    },
  };
}

const shape = (events: readonly ProgressEventMessage[]) =>
  events.map((e) => `${e.cursor} ${e.progress.id} ${e.progress.status} ${e.progress.current}`);

describe.skipIf(!HAVE_REDIS)('several instances on one Redis (child processes)', () => {
  it('three instances: work started on one reaches subscribers on the others in one order with the same cursors; a resume on another instance equals the uninterrupted stream', { timeout: 120_000 }, async () => {
    const c = await cluster();
    const e1 = c.catalog.addEpisode('naruto', 'Naruto', 1, 1, 400_000, { behaviour: { bytesPerSecond: 400_000 } });
    const e2 = c.catalog.addEpisode('naruto', 'Naruto', 1, 2, 200_000, { behaviour: { bytesPerSecond: 400_000 } });
    const [a, b, third] = [await c.start('alpha'), await c.start('bravo'), await c.start('charlie')];

    const info = (await c.client(a).request(ServiceInfoDocument, {})).serviceInfo;
    expect(info.backend).toBe('redis');
    expect(info.instanceId).toBe('alpha');
    expect(info.instances.map((i) => i.id).sort()).toEqual(['alpha', 'bravo', 'charlie']);
    expect(info.instances.filter((i) => i.runsQueue)).toHaveLength(1);

    const onA = recordEvents(c.client(a), {});
    const onB = recordEvents(c.client(b), {});
    cleanups.add(() => onA.stop());
    cleanups.add(() => onB.stop());
    await waitForWsSubscriptions(a.url, 1, 5_000);
    await waitForWsSubscriptions(b.url, 1, 5_000);

    const cc = c.client(third);
    await cc.request(AddSeriesDocument, { key: 'naruto' });
    const items = (
      await cc.request(EnqueueDownloadsDocument, {
        episodes: [
          { serieFolder: 'Naruto', season: 1, episode: 1 },
          { serieFolder: 'Naruto', season: 1, episode: 2 },
        ],
      })
    ).enqueueDownloads;
    expect(items).toHaveLength(2);
    const done = (all: readonly ProgressEventMessage[]) =>
      reached(downloadId('Naruto', 1, 1), 'COMPLETED')(all) &&
      reached(downloadId('Naruto', 1, 2), 'COMPLETED')(all) &&
      reached('download_queue', 'COMPLETED')(all);
    await onA.until(done, 'both downloads and the queue COMPLETED on alpha', 30_000);
    await onB.until((all) => all.length >= onA.items.length, 'as many events on bravo', 10_000);
    expect(onA.items.length).toBeGreaterThan(6);
    expect(shape(onB.items)).toEqual(shape(onA.items));
    expect(new Set(onA.items.map((e) => e.cursor)).size).toBe(onA.items.length);
    // Every instance answers the same queue.
    for (const svc of [a, b, third]) {
      const q = (await c.client(svc).request(QueueDocument)).queue;
      expect(q.completed.map((i) => i.id)).toEqual(items.map((i) => i.id));
    }
    for (const e of [e1, e2]) {
      const n = e === e1 ? 1 : 2;
      expect(sha256OfFile(join(c.libraryDir, episodeRelPath('Naruto', 'Naruto', 1, n)))).toBe(e.sha256);
    }

    // A client that saw alpha's stream up to the middle resumes on charlie: the rest, event by event.
    const middle = Math.floor(onA.items.length / 2);
    const resumed = recordEvents(cc, { after: onA.items[middle - 1]!.cursor });
    cleanups.add(() => resumed.stop());
    await resumed.until((all) => all.length >= onA.items.length - middle, 'the rest replayed on charlie', 10_000);
    expect(shape(resumed.items)).toEqual(shape(onA.items.slice(middle)));
  });

  it('kill -9 of the queue runner mid-download: another takes over within 15 s, the file completes from its bytes, never fetched by two at once', { timeout: 120_000 }, async () => {
    const c = await cluster();
    const size = 2_000_000;
    const ep = c.catalog.addEpisode('naruto', 'Naruto', 1, 1, size, { behaviour: { bytesPerSecond: 250_000 } });
    const instances = new Map<string, ServiceProcess>();
    for (const id of ['alpha', 'bravo', 'charlie']) instances.set(id, await c.start(id));
    const runnerId = await c.runner(instances.get('alpha')!);
    const runner = instances.get(runnerId)!;
    const [watcherId, otherId] = [...instances.keys()].filter((id) => id !== runnerId) as [string, string];
    const watcher = instances.get(watcherId)!;
    const events = recordEvents(c.client(watcher), {});
    cleanups.add(() => events.stop());
    await waitForWsSubscriptions(watcher.url, 1, 5_000);

    const oc = c.client(instances.get(otherId)!);
    await oc.request(AddSeriesDocument, { key: 'naruto' });
    const [item] = (await oc.request(EnqueueDownloadsDocument, { episodes: [{ serieFolder: 'Naruto', season: 1, episode: 1 }] }))
      .enqueueDownloads;
    const id = downloadId('Naruto', 1, 1);
    await events.until(
      (all) => all.some((e) => e.progress.id === id && e.progress.current >= 300_000),
      'the download a good way in',
      20_000,
    );

    runner.child.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await withTimeout(runner.exited, 5_000, 'the killed runner to exit')).toMatchObject({ signal: 'SIGKILL' });
    const onDisk = fileSizeOr0(partPathOf(c.libraryDir, 'Naruto', 'Naruto', 1, 1));
    expect(onDisk).toBeGreaterThan(0);
    expect(onDisk).toBeLessThan(size);
    const before = events.items.length;

    await events.until(
      (all) => all.slice(before).some((e) => e.progress.id === 'system_leader'),
      'system_leader from the instance that took over',
      15_000,
    );
    const tookOverAfter = Date.now() - killedAt;
    const leader = events.items.slice(before).find((e) => e.progress.id === 'system_leader')!;
    expect([watcherId, otherId]).toContain((leader.progress.metadata as { instanceId: string }).instanceId);
    expect(tookOverAfter).toBeLessThan(15_000);

    await events.until(reached(id, 'COMPLETED'), 'the download COMPLETED after the takeover', 30_000);
    // From the takeover on: events the killed runner wrote just before it died may still
    // reach the watcher after `before`, with fewer bytes than the part file now holds.
    const takeover = events.items.indexOf(leader);
    const after = events.items.slice(takeover).filter((e) => e.progress.id === id);
    // It went on from the bytes on disk, not from 0, and was never failed as interrupted.
    expect(after.every((e) => e.progress.status !== 'FAILED')).toBe(true);
    expect(after.find((e) => e.progress.status === 'IN_PROGRESS')!.progress.current).toBeGreaterThanOrEqual(onDisk);
    const requests = c.catalog.requestsTo(ep.path);
    expect(requests).toHaveLength(2);
    expect(requests[1]!.range).toBe(`bytes=${onDisk}-`);
    const stats = c.catalog.mediaStats(ep.path);
    console.log(
      `failover after kill -9: system_leader after ${tookOverAfter} ms; ${onDisk} of ${size} bytes were on disk; ${stats.bytesSent} bytes served in all`,
    );
    // Bytes fetched: what was on disk plus the rest (the killed process may have lost what was
    // in its socket buffers, never a second full fetch).
    expect(stats.bytesSent).toBeGreaterThanOrEqual(size);
    expect(stats.bytesSent).toBeLessThan(size + 300_000);
    expect(stats.maxConcurrent).toBe(1);
    expect(sha256OfFile(join(c.libraryDir, episodeRelPath('Naruto', 'Naruto', 1, 1)))).toBe(ep.sha256);
    expect(partFiles(c.libraryDir)).toEqual([]);
    const q = (await c.client(watcher).request(QueueDocument)).queue;
    expect(q.completed.map((i) => i.id)).toEqual([item!.id]);
    expect([...q.pending, ...q.active, ...q.failed]).toEqual([]);
  });

  it('kill -9 of the queue runner in the middle of a webhook delivery: the next runner delivers what waits, each event once, in order', { timeout: 120_000 }, async () => {
    const c = await cluster();
    for (let e = 1; e <= 2; e++) c.catalog.addEpisode('naruto', 'Naruto', 1, e, 20_000);
    const instances = new Map<string, ServiceProcess>();
    for (const id of ['alpha', 'bravo']) instances.set(id, await c.start(id));
    const runnerId = await c.runner(instances.get('alpha')!);
    const otherId = runnerId === 'alpha' ? 'bravo' : 'alpha';
    const other = c.client(instances.get(otherId)!);
    // The first delivery is left unanswered: the runner is killed while it waits for it.
    const rx = await startWebhookReceiver({ answer: (n) => (n === 1 ? 0 : 200) });
    cleanups.add(() => rx.close());
    await other.request(AddWebhookDocument, { url: rx.url, types: ['DOWNLOAD'] });
    const events = recordEvents(other, { types: ['DOWNLOAD'] });
    cleanups.add(() => events.stop());
    await waitForWsSubscriptions(instances.get(otherId)!.url, 1, 5_000);
    await other.request(AddSeriesDocument, { key: 'naruto' });
    await other.request(EnqueueDownloadsDocument, { episodes: [1, 2].map((episode) => ({ serieFolder: 'Naruto', season: 1, episode })) });
    const done = (e: number) => reached(downloadId('Naruto', 1, e), 'COMPLETED');
    await events.until((all) => done(1)(all) && done(2)(all), 'both COMPLETED', 20_000);
    await rx.waitFor((all) => all.length === 1, 'the first delivery, held unanswered', 5_000);

    instances.get(runnerId)!.child.kill('SIGKILL');
    await rx.waitFor((all) => all.filter((r) => r.status === 200).length === 2, 'both delivered by the next runner', 30_000);
    await sleep(500); // nothing more comes
    const completed = events.items.filter((e) => e.progress.status === 'COMPLETED').map((e) => e.cursor);
    expect(rx.delivered().map((r) => r.body.cursor)).toEqual(completed);
    expect(rx.received.map((r) => r.body.cursor)).toEqual([completed[0], completed[0], completed[1]]);
  });

  it('Redis restarted while instances run: operations answer UNAVAILABLE meanwhile, subscriptions stay open, and everything resumes without a restart', { timeout: 120_000 }, async () => {
    const c = await cluster();
    c.catalog.addEpisode('naruto', 'Naruto', 1, 1, 100_000);
    c.catalog.addEpisode('naruto', 'Naruto', 1, 2, 100_000);
    const a = await c.start('alpha');
    const b = await c.start('bravo');
    const ca = c.client(a);
    const events = recordEvents(c.client(b), {});
    cleanups.add(() => events.stop());
    await waitForWsSubscriptions(b.url, 1, 5_000);
    await ca.request(AddSeriesDocument, { key: 'naruto' });
    await ca.request(EnqueueDownloadsDocument, { episodes: [{ serieFolder: 'Naruto', season: 1, episode: 1 }] });
    await events.until(reached(downloadId('Naruto', 1, 1), 'COMPLETED'), 'E01 COMPLETED', 20_000);
    const cursorsBefore = new Set(events.items.map((e) => e.cursor));

    const runnerId = await c.runner(a);
    await c.redis.stop();
    // Whichever instance is asked: a read of the shared state, and a change.
    const follower = runnerId === 'alpha' ? b : a;
    const read = await c.client(follower).request(QueueDocument).catch((e: unknown) => e);
    expect(read).toBeInstanceOf(GraphQLRequestError);
    expect((read as GraphQLRequestError).errors[0]?.extensions?.code).toBe('UNAVAILABLE');
    for (const svc of [a, b]) {
      const change = await c
        .client(svc)
        .request(EnqueueDownloadsDocument, { episodes: [{ serieFolder: 'Naruto', season: 1, episode: 2 }] })
        .catch((e: unknown) => e);
      expect(change).toBeInstanceOf(GraphQLRequestError);
      expect((change as GraphQLRequestError).errors[0]?.extensions?.code).toBe('UNAVAILABLE');
    }
    // The subscription on bravo is still open.
    expect(events.done).toBe(false);
    expect(events.error).toBeUndefined();
    await c.redis.start();

    // Without restarting anything: a change on alpha runs and bravo's open subscription sees it.
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        await ca.request(EnqueueDownloadsDocument, { episodes: [{ serieFolder: 'Naruto', season: 1, episode: 2 }] });
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    await events.until(reached(downloadId('Naruto', 1, 2), 'COMPLETED'), 'E02 COMPLETED after the Redis restart', 30_000);
    const fresh = events.items.filter((e) => !cursorsBefore.has(e.cursor));
    expect(fresh.length).toBeGreaterThan(0);
    expect(new Set(events.items.map((e) => e.cursor)).size).toBe(events.items.length);
  });

  it('Redis unreachable at start: the instance exits non-zero naming REDIS_URL', { timeout: 30_000 }, async () => {
    const port = await freePort();
    const data = tempDir('anime-noredis-');
    cleanups.add(() => data.remove());
    const svc = spawnService({ PORT: String(await freePort()), DATA_DIR: data.path, REDIS_URL: `redis://127.0.0.1:${port}` });
    cleanups.add(() => svc.kill());
    const exit = await withTimeout(svc.exited, 20_000, 'the instance to give up');
    expect(exit.code).not.toBe(0);
    expect(svc.output()).toContain('REDIS_URL');
  });
});
