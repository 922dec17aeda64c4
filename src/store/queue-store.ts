import type { Db } from './database.js';
import { settleNow } from './settle-now.js';

/** PAUSED: held by the user; its part file (if any) stays and it resumes from it. */
export type DownloadStatus = 'PENDING' | 'DOWNLOADING' | 'PAUSED' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

/** One episode in the download queue, as persisted. Times are epoch ms. */
export interface QueueItemRecord {
  id: string;
  /** FIFO order: lower first. */
  position: number;
  serieFolder: string;
  serieName: string;
  season: number;
  episode: number;
  status: DownloadStatus;
  error: string | null;
  retryCount: number;
  /** Expected bytes, when the catalog gave a size. */
  size: number | null;
  addedAt: number;
  startedAt: number | null;
  completedAt: number | null;
  filePath: string | null;
}

/** The persisted queue, as both backends serve it (SQLite through `asyncQueueStore`, Redis). */
export interface AsyncQueueStore {
  load(): Promise<QueueItemRecord[]>;
  save(items: readonly QueueItemRecord[]): Promise<void>;
  remove(ids: readonly string[]): Promise<void>;
  getFlag(key: string): Promise<string | null>;
  setFlag(key: string, value: string): Promise<void>;
}

/** The SQLite queue behind the asynchronous interface (each promise settles in the same turn). */
export function asyncQueueStore(store: QueueStore): AsyncQueueStore {
  return {
    load: () => settleNow(() => store.load()),
    save: (items) => settleNow(() => store.save(items)),
    remove: (ids) => settleNow(() => store.remove(ids)),
    getFlag: (key) => settleNow(() => store.getFlag(key)),
    setFlag: (key, value) => settleNow(() => store.setFlag(key, value)),
  };
}

/** The persisted queue (synchronous: SQLite). */
export interface QueueStore {
  load(): QueueItemRecord[];
  save(items: readonly QueueItemRecord[]): void;
  remove(ids: readonly string[]): void;
  getFlag(key: string): string | null;
  setFlag(key: string, value: string): void;
}

export class SqliteQueueStore implements QueueStore {
  private readonly db: Db;
  private readonly selectAll;
  private readonly upsert;
  private readonly del;
  private readonly getKv;
  private readonly setKv;

  constructor(db: Db) {
    this.db = db;
    this.selectAll = db.prepare<[], { payload: string }>('SELECT payload FROM queue_items ORDER BY position');
    this.upsert = db.prepare<[string, number, string, number, number, string, string]>(
      `INSERT INTO queue_items (id, position, serie_folder, season, episode, status, payload) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET position = excluded.position, status = excluded.status, payload = excluded.payload`,
    );
    this.del = db.prepare<[string]>('DELETE FROM queue_items WHERE id = ?');
    this.getKv = db.prepare<[string], { value: string }>('SELECT value FROM kv WHERE key = ?');
    this.setKv = db.prepare<[string, string]>(
      'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  load(): QueueItemRecord[] {
    return this.selectAll.all().map((r) => JSON.parse(r.payload) as QueueItemRecord);
  }

  save(items: readonly QueueItemRecord[]): void {
    this.db.transaction(() => {
      for (const i of items) {
        this.upsert.run(i.id, i.position, i.serieFolder, i.season, i.episode, i.status, JSON.stringify(i));
      }
    })();
  }

  remove(ids: readonly string[]): void {
    this.db.transaction(() => {
      for (const id of ids) this.del.run(id);
    })();
  }

  getFlag(key: string): string | null {
    return this.getKv.get(key)?.value ?? null;
  }

  setFlag(key: string, value: string): void {
    this.setKv.run(key, value);
  }
}
