import type { Db } from './database.js';

/**
 * The settings a user changed with updateSettings: only those, so that a changed environment
 * still applies to the rest. `speedLimit: null` is a user's explicit "no cap".
 */
export interface SettingsOverrides {
  speedLimit?: number | null;
  autoScanInterval?: number;
  downloadConcurrency?: number;
}

/** Where the overrides are kept across restarts; a Redis adapter implements the same. */
export interface SettingsStore {
  load(): SettingsOverrides;
  save(overrides: SettingsOverrides): void;
}

const KEY = 'settings';

export class SqliteSettingsStore implements SettingsStore {
  private readonly get;
  private readonly set;

  constructor(db: Db) {
    this.get = db.prepare<[string], { value: string }>('SELECT value FROM kv WHERE key = ?');
    this.set = db.prepare<[string, string]>(
      'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  load(): SettingsOverrides {
    const row = this.get.get(KEY);
    return row ? (JSON.parse(row.value) as SettingsOverrides) : {};
  }

  save(overrides: SettingsOverrides): void {
    this.set.run(KEY, JSON.stringify(overrides));
  }
}
