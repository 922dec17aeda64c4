import fs from 'node:fs';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { SqliteLibraryStore, asyncLibraryStore, type AsyncLibraryStore, type SeriesRecord } from '../../src/store/library-store.js';
import { SqliteQueueStore, asyncQueueStore, type AsyncQueueStore, type QueueItemRecord } from '../../src/store/queue-store.js';
import { connectRedis } from '../../src/store/redis-connection.js';
import { redisKeys } from '../../src/store/redis-keys.js';
import { RedisLease } from '../../src/store/redis-lease.js';
import { FencedError, RedisLibraryStore, RedisQueueStore } from '../../src/store/redis-queue-store.js';
import { silent } from '../helpers/journal-backends.js';
import { tempDir } from '../helpers/progress-fixture.js';
import { HAVE_REDIS, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';

let server: RedisServer;
const conns: Redis[] = [];
let n = 0;
beforeAll(async () => {
  if (HAVE_REDIS) server = await startRedis();
});
afterAll(async () => {
  for (const c of conns) c.disconnect();
  await server?.dispose();
});

interface Stores {
  queue: AsyncQueueStore;
  library: AsyncLibraryStore;
  /** The same stores as another process would open them. */
  reopen(): Promise<{ queue: AsyncQueueStore; library: AsyncLibraryStore }>;
  close(): void;
}

async function sqliteStores(): Promise<Stores> {
  const dir = tempDir('stores-');
  const dbs = [openDatabase(dir)];
  return {
    queue: asyncQueueStore(new SqliteQueueStore(dbs[0]!)),
    library: asyncLibraryStore(new SqliteLibraryStore(dbs[0]!)),
    async reopen() {
      const db = openDatabase(dir);
      dbs.push(db);
      return { queue: asyncQueueStore(new SqliteQueueStore(db)), library: asyncLibraryStore(new SqliteLibraryStore(db)) };
    },
    close() {
      for (const db of dbs) db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function redisStores(): Promise<Stores> {
  const keys = redisKeys(`stores${++n}:`);
  const open = async () => {
    const redis = await connectRedis(server.url, 'stores');
    conns.push(redis);
    return { queue: new RedisQueueStore(redis, keys), library: new RedisLibraryStore(redis, keys) };
  };
  return { ...(await open()), reopen: open, close: () => undefined };
}

function item(id: string, position: number, extra: Partial<QueueItemRecord> = {}): QueueItemRecord {
  return {
    id,
    position,
    serieFolder: 'Naruto',
    serieName: 'Naruto',
    season: 1,
    episode: position,
    status: 'PENDING',
    error: null,
    retryCount: 0,
    size: null,
    addedAt: 1,
    startedAt: null,
    completedAt: null,
    filePath: null,
    ...extra,
  };
}

function series(folder: string, missing = 0): SeriesRecord {
  return {
    key: folder.toLowerCase(),
    name: folder,
    folder,
    missingEpisodes: Array.from({ length: missing }, (_, i) => ({ season: 1, episode: i + 1, title: null })),
    error: null,
  };
}

const makers: Array<[string, () => Promise<Stores>]> = [
  ['sqlite', sqliteStores],
  ...(HAVE_REDIS ? [['redis', redisStores] as [string, () => Promise<Stores>]] : []),
];

describe.each(makers)('queue and library stores on %s', (_name, make) => {
  let stores: Stores;
  afterEach(() => stores?.close());

  it('keeps queue items in position order, updates them, removes them, and keeps flags', async () => {
    stores = await make();
    const { queue } = stores;
    expect(await queue.load()).toEqual([]);
    await queue.save([item('b', 2), item('a', 1), item('c', 3)]);
    await queue.save([{ ...item('b', 2), status: 'DOWNLOADING', startedAt: 5 }]);
    await queue.remove(['c']);
    expect(await queue.getFlag('queue_running')).toBeNull();
    await queue.setFlag('queue_running', 'false');
    const other = (await stores.reopen()).queue;
    expect((await other.load()).map((i) => [i.id, i.status])).toEqual([
      ['a', 'PENDING'],
      ['b', 'DOWNLOADING'],
    ]);
    expect((await other.load())[1]).toEqual({ ...item('b', 2), status: 'DOWNLOADING', startedAt: 5 });
    expect(await other.getFlag('queue_running')).toBe('false');
  });

  it('keeps the library by folder: replace sets all of it, put one series', async () => {
    stores = await make();
    const { library } = stores;
    expect(await library.load()).toEqual([]);
    await library.replace([series('Naruto', 2), series('Bleach')]);
    await library.put(series('Naruto', 1));
    await library.put(series('Aoi'));
    expect((await (await stores.reopen()).library.load()).map((s) => [s.folder, s.missingEpisodes.length])).toEqual([
      ['Aoi', 0],
      ['Bleach', 0],
      ['Naruto', 1],
    ]);
    await library.replace([series('Bleach', 3)]);
    expect(await library.load()).toEqual([series('Bleach', 3)]);
  });
});

describe.skipIf(!HAVE_REDIS)('fenced writes (Redis)', () => {
  it('refuse a writer whose lease was taken over, and accept the new holder', async () => {
    const keys = redisKeys(`fence${++n}:`);
    const redis = await connectRedis(server.url, 'fence');
    conns.push(redis);
    const leases = ['a', 'b'].map(
      (id) =>
        new RedisLease({ redis, keys, instanceId: id, logger: silent, ttlMs: 60_000, onAcquired: () => undefined, onLost: () => undefined }),
    );
    leases[0]!.start();
    await waitFor(() => leases[0]!.held !== null, { message: 'a holds the lease' });
    // What a holder kept using after it was replaced: the old lease value.
    const oldFence = leases[0]!.fence();
    const stale = new RedisQueueStore(redis, keys, () => oldFence);
    const staleLibrary = new RedisLibraryStore(redis, keys, () => oldFence);
    await stale.save([item('a', 1)]);
    await leases[0]!.stop();
    leases[1]!.start();
    await waitFor(() => leases[1]!.held !== null, { message: 'b holds the lease' });
    await expect(stale.save([item('a', 1, { status: 'DOWNLOADING' })])).rejects.toBeInstanceOf(FencedError);
    await expect(stale.remove(['a'])).rejects.toBeInstanceOf(FencedError);
    await expect(stale.setFlag('queue_running', 'false')).rejects.toBeInstanceOf(FencedError);
    await expect(staleLibrary.put(series('X'))).rejects.toBeInstanceOf(FencedError);
    const current = new RedisQueueStore(redis, keys, () => leases[1]!.fence());
    await current.save([item('a', 1, { status: 'COMPLETED' })]);
    expect((await current.load()).map((i) => i.status)).toEqual(['COMPLETED']);
    await leases[1]!.stop();
  });
});
