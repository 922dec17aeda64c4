import type { Redis } from 'ioredis';
import { unavailable } from './errors.js';
import type { RedisKeys } from './redis-keys.js';
import type { AsyncSettingsStore, SettingsOverrides } from './settings-store.js';

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
