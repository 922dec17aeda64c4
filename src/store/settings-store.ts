import type { Redis } from 'ioredis';
import type { Db } from './database.js';
import { unavailable } from './errors.js';
import type { RedisKeys } from './redis-keys.js';

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
  save(overrides: SettingsOverrides): Promise<void>;
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
  const run = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  };
  return {
    load: () => run(() => store.load()),
    save: (overrides) => run(() => store.save(overrides)),
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

/**
 * Settings shared by every instance: one JSON value, and a pub/sub notice on each save so that
 * every instance (the queue runner above all, which applies the speed cap, the concurrency and
 * the scan schedule) loads them again at once. A notice missed while an instance's connection
 * was down is made up for when it comes back ('ready' counts as a change).
 */
export class RedisSettingsStore implements AsyncSettingsStore {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly redis: Redis,
    /** A connection in subscriber mode (shared with other subscribers: messages are filtered by channel). */
    private readonly subscriber: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Subscribes to change notices (before the first load, so none falls in between). */
  async open(): Promise<void> {
    this.subscriber.on('message', (channel: string) => {
      if (channel === this.keys.settingsChanged) this.notify();
    });
    this.subscriber.on('ready', () => this.notify());
    await this.subscriber.subscribe(this.keys.settingsChanged);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  load(): Promise<SettingsOverrides> {
    return unavailable(this.redis.get(this.keys.settings).then((raw) => (raw ? (JSON.parse(raw) as SettingsOverrides) : {})));
  }

  save(overrides: SettingsOverrides): Promise<void> {
    return unavailable(
      this.redis
        .multi()
        .set(this.keys.settings, JSON.stringify(overrides))
        .publish(this.keys.settingsChanged, '1')
        .exec()
        .then((r) => {
          for (const [err] of r ?? []) if (err) throw err;
        }),
    );
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
