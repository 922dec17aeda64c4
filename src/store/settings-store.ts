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
  const run = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  };
  return {
    load: () => run(() => store.load()),
    change: (set, unset) =>
      run(() => {
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

/**
 * Settings shared by every instance: a hash (field -> JSON value), changed field by field in
 * one MULTI, and a pub/sub notice on each change so that
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
    return unavailable(this.redis.hgetall(this.keys.settings).then(parseOverrides));
  }

  change(set: SettingsOverrides, unset: ReadonlyArray<keyof SettingsOverrides>): Promise<SettingsOverrides> {
    const tx = this.redis.multi();
    const pairs = Object.entries(set).flatMap(([k, v]) => [k, JSON.stringify(v)]);
    if (pairs.length) tx.hset(this.keys.settings, ...pairs);
    if (unset.length) tx.hdel(this.keys.settings, ...unset);
    tx.hgetall(this.keys.settings).publish(this.keys.settingsChanged, '1');
    return unavailable(
      tx.exec().then((results) => {
        if (!results) throw new Error('the transaction was aborted');
        for (const [err] of results) if (err) throw err;
        return parseOverrides(results[results.length - 2]![1] as Record<string, string>);
      }),
    );
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const FIELDS: ReadonlyArray<keyof SettingsOverrides> = ['speedLimit', 'autoScanInterval', 'downloadConcurrency'];

function parseOverrides(hash: Record<string, string>): SettingsOverrides {
  const out: Record<string, unknown> = {};
  for (const key of FIELDS) if (hash[key] !== undefined) out[key] = JSON.parse(hash[key]);
  return out as SettingsOverrides;
}
