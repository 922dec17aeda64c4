import type { Db } from './database.js';
import { settleNow } from './settle-now.js';

/**
 * The settings a user changed with updateSettings: only those, so that a changed environment
 * still applies to the rest. `speedLimit: null` is a user's explicit "no cap".
 */
export interface SettingsOverrides {
  speedLimit?: number | null;
  autoScanInterval?: number;
  downloadConcurrency?: number;
}

/** Where the overrides are kept, as both backends serve them (SQLite through `asyncSettingsStore`, Redis). */
export interface AsyncSettingsStore {
  load(): Promise<SettingsOverrides>;
  /**
   * Sets the fields of `set` and removes those of `unset`, atomically, leaving the others as
   * they are (another instance may have just changed them); resolves with the overrides after.
   */
  change(set: SettingsOverrides, unset: ReadonlyArray<keyof SettingsOverrides>): Promise<SettingsOverrides>;
  /**
   * Calls `listener` when the overrides may have changed elsewhere (another instance saved, or
   * the connection came back and a change may have been missed): the listener loads them again.
   * Returns its remover. One process (SQLite) never calls it.
   */
  onChange(listener: () => void): () => void;
}

/** The overrides kept across restarts (synchronous: SQLite). */
export interface SettingsStore {
  load(): SettingsOverrides;
  save(overrides: SettingsOverrides): void;
}

/** The SQLite settings behind the asynchronous interface (each promise settles in the same turn). */
export function asyncSettingsStore(store: SettingsStore): AsyncSettingsStore {
  return {
    load: () => settleNow(() => store.load()),
    change: (set, unset) =>
      settleNow(() => {
        const next: SettingsOverrides = { ...store.load(), ...set };
        for (const key of unset) delete next[key];
        store.save(next);
        return next;
      }),
    onChange: () => () => undefined,
  };
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
