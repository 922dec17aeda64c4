/**
 * Opens the journal (and the state readers beside it) on each backend, so one suite runs
 * against SQLite and against Redis (each live mode). Redis backends are left out, with the
 * helper's loud warning, where redis-server is not installed.
 */
import fs from 'node:fs';
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import { EVENT_TYPE_OF, ROOM_OF, type ProgressRecord, type ProgressStatus, type ProgressType } from '../../src/domain/progress-types.js';
import { openDatabase } from '../../src/store/database.js';
import type { JournalEntry, ProgressJournal, ProgressStateReader } from '../../src/store/progress-journal.js';
import { connectRedis } from '../../src/store/redis-connection.js';
import { RedisJournal, type RedisLiveMode } from '../../src/store/redis-journal.js';
import { redisKeys } from '../../src/store/redis-keys.js';
import { SqliteJournal } from '../../src/store/sqlite-journal.js';
import { tempDir } from './progress-fixture.js';
import { HAVE_REDIS, type RedisServer } from './redis-server.js';

export type Journal = ProgressJournal & ProgressStateReader;

export interface Backend {
  name: string;
  /** Several instances can share it. */
  shared: boolean;
  /** A journal; on a shared backend, every call joins the same log. */
  open(): Promise<Journal>;
  /** Closes what open() made. */
  cleanup(): Promise<void>;
}

export const silent = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export function sqliteBackend(): Backend {
  const dirs: string[] = [];
  const dbs: Array<{ close(): void }> = [];
  let dir: string | null = null;
  return {
    name: 'sqlite',
    shared: false,
    async open() {
      dir ??= tempDir('journal-sqlite-');
      dirs.push(dir);
      const db = openDatabase(dir);
      dbs.push(db);
      return SqliteJournal.open(db);
    },
    async cleanup() {
      for (const db of dbs.splice(0)) db.close();
      for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
      dir = null;
    },
  };
}

export function redisBackend(server: () => RedisServer, live: RedisLiveMode, prefix = 'test:'): Backend {
  const conns: Redis[] = [];
  const journals: RedisJournal[] = [];
  return {
    name: `redis (${live})`,
    shared: true,
    async open() {
      const url = server().url;
      const redis = await connectRedis(url, 'test-cmd');
      const reader = await connectRedis(url, 'test-reader');
      conns.push(redis, reader);
      const journal = new RedisJournal({ redis, reader, keys: redisKeys(prefix), logger: silent, live });
      await journal.open();
      journals.push(journal);
      return journal;
    },
    async cleanup() {
      for (const j of journals.splice(0)) await j.close();
      for (const c of conns.splice(0)) c.disconnect();
    },
  };
}

export const REDIS_MODES: readonly RedisLiveMode[] = HAVE_REDIS ? ['xread', 'pubsub'] : [];

export function record(
  id: string,
  type: ProgressType = 'DOWNLOAD',
  status: ProgressStatus = 'IN_PROGRESS',
  extra: Partial<ProgressRecord> = {},
): ProgressRecord {
  return {
    id,
    type,
    status,
    title: id,
    message: null,
    percent: 0,
    current: 0,
    total: null,
    speed: null,
    eta: null,
    error: null,
    metadata: {},
    startedAt: 1,
    updatedAt: 1,
    completedAt: status === 'IN_PROGRESS' || status === 'PENDING' ? null : 2,
    ...extra,
  };
}

export function entry(progress: ProgressRecord): JournalEntry {
  return { type: EVENT_TYPE_OF[progress.type], room: ROOM_OF[progress.type], progress };
}
