import type { Db } from './database.js';
import { settleNow } from './settle-now.js';

export interface EpisodeRecord {
  season: number;
  episode: number;
  title: string | null;
}

/** A series as the last scan (or addSeries) saw it. */
export interface SeriesRecord {
  key: string;
  name: string;
  folder: string;
  missingEpisodes: EpisodeRecord[];
  /** Why the last scan could not check it, if it could not. */
  error: string | null;
  /** Queue its missing episodes after each scan. Absent in records from before it existed: false. */
  autoDownload?: boolean;
}

/** The library as both backends serve it (SQLite through `asyncLibraryStore`, Redis). */
export interface AsyncLibraryStore {
  load(): Promise<SeriesRecord[]>;
  replace(series: readonly SeriesRecord[]): Promise<void>;
  put(series: SeriesRecord): Promise<void>;
}

export function asyncLibraryStore(store: LibraryStore): AsyncLibraryStore {
  return {
    load: () => settleNow(() => store.load()),
    replace: (series) => settleNow(() => store.replace(series)),
    put: (series) => settleNow(() => store.put(series)),
  };
}

/** The library as last seen, kept across restarts (synchronous: SQLite). */
export interface LibraryStore {
  load(): SeriesRecord[];
  replace(series: readonly SeriesRecord[]): void;
  put(series: SeriesRecord): void;
}

const KEY = 'library';

export class SqliteLibraryStore implements LibraryStore {
  private readonly get;
  private readonly set;

  constructor(db: Db) {
    this.get = db.prepare<[string], { value: string }>('SELECT value FROM kv WHERE key = ?');
    this.set = db.prepare<[string, string]>(
      'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  load(): SeriesRecord[] {
    const row = this.get.get(KEY);
    return row ? (JSON.parse(row.value) as SeriesRecord[]) : [];
  }

  replace(series: readonly SeriesRecord[]): void {
    const sorted = [...series].sort((a, b) => a.folder.localeCompare(b.folder));
    this.set.run(KEY, JSON.stringify(sorted));
  }

  put(series: SeriesRecord): void {
    this.replace([...this.load().filter((s) => s.folder !== series.folder), series]);
  }
}
