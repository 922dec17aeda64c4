import type { Logger } from 'pino';
import type { AsyncSettingsStore, SettingsOverrides } from '../store/settings-store.js';
import { BadInputError } from './errors.js';

/** Fewest and most downloads at once. */
export const MIN_DOWNLOAD_CONCURRENCY = 1;
export const MAX_DOWNLOAD_CONCURRENCY = 32;
/** Longest interval between scheduled scans, seconds: a year. */
export const MAX_AUTO_SCAN_INTERVAL_S = 31_536_000;
/** Highest speed cap accepted, bytes/s (100 GB/s: more than any link). */
export const MAX_SPEED_LIMIT_BPS = 1e11;

/** The settings in force. */
export interface Settings {
  /** Cap on all downloads together, bytes/s; null for none. */
  speedLimit: number | null;
  /** Seconds between scheduled scans; 0 for none. */
  autoScanInterval: number;
  downloadConcurrency: number;
}

/**
 * A change: an absent field stays as it is. `speedLimit: null` (or 0) removes the cap;
 * `null` for another field goes back to the environment's value.
 */
export interface SettingsChange {
  speedLimit?: number | null;
  autoScanInterval?: number | null;
  downloadConcurrency?: number | null;
}

export type SettingsListener = (settings: Settings, previous: Settings) => void;

export interface SettingsServiceOptions {
  store: AsyncSettingsStore;
  /** The environment's values (SPEED_LIMIT, AUTO_SCAN_INTERVAL, DOWNLOAD_CONCURRENCY). */
  defaults: Settings;
  logger: Logger;
}

/**
 * Settings a user changes while the service runs. Changes are checked (all or nothing),
 * persisted, then handed to listeners, which apply them live (the rate limiter, the scan
 * schedule, the queue's concurrency). Kept changes win over the environment at the next start.
 * With several instances the store is shared: a change saved by another instance reaches this
 * one through the store's change notice, and its listeners apply it here too.
 */
export class SettingsService {
  private readonly store: AsyncSettingsStore;
  private readonly defaults: Settings;
  private readonly logger: Logger;
  private overrides: SettingsOverrides = {};
  private readonly listeners = new Set<SettingsListener>();
  /** Loads from the store, one after another, so an older read never wins over a newer one. */
  private loading: Promise<unknown> = Promise.resolve();
  private readonly detach: () => void;

  constructor(options: SettingsServiceOptions) {
    this.store = options.store;
    this.defaults = options.defaults;
    this.logger = options.logger;
    this.detach = this.store.onChange(() => {
      this.refresh().catch((err: unknown) => this.logger.warn({ err }, 'could not load settings changed elsewhere; the next notice retries'));
    });
  }

  /** Loads the kept settings (before anything reads them). */
  async open(): Promise<void> {
    await this.refresh();
  }

  close(): void {
    this.detach();
  }

  /** The settings in force here (as last loaded or changed). */
  get(): Settings {
    const o = this.overrides;
    return {
      speedLimit: o.speedLimit !== undefined ? o.speedLimit : this.defaults.speedLimit,
      autoScanInterval: o.autoScanInterval ?? this.defaults.autoScanInterval,
      downloadConcurrency: o.downloadConcurrency ?? this.defaults.downloadConcurrency,
    };
  }

  /** The kept settings as the store has them now (another instance may have changed them). */
  current(): Promise<Settings> {
    return this.refresh();
  }

  /** Loads the overrides and applies them if they changed. */
  private refresh(): Promise<Settings> {
    const next = this.loading.catch(() => undefined).then(async () => {
      this.apply(await this.store.load());
      return this.get();
    });
    this.loading = next;
    return next;
  }

  private apply(overrides: SettingsOverrides): void {
    const previous = this.get();
    this.overrides = overrides;
    const settings = this.get();
    if (sameSettings(previous, settings)) return;
    for (const listener of this.listeners) {
      try {
        listener(settings, previous);
      } catch (err) {
        this.logger.error({ err }, 'applying changed settings failed');
      }
    }
  }

  /**
   * Checks every field first: one bad value refuses the change and nothing changes. Only the
   * fields given change, atomically in the store (another instance's change to another field,
   * made at the same time, stays).
   */
  async update(change: SettingsChange): Promise<Settings> {
    const problems: string[] = [];
    const set: SettingsOverrides = {};
    const unset: Array<keyof SettingsOverrides> = [];
    if (change.speedLimit !== undefined) {
      const v = change.speedLimit;
      if (v === null || v === 0) set.speedLimit = null;
      else if (!Number.isFinite(v) || v < 0) problems.push(`speedLimit: must be a positive number of bytes per second, or null for no cap; got ${v}`);
      else if (v > MAX_SPEED_LIMIT_BPS) problems.push(`speedLimit: must be at most ${MAX_SPEED_LIMIT_BPS} bytes per second; got ${v}`);
      else set.speedLimit = v;
    }
    if (change.autoScanInterval !== undefined) {
      const v = change.autoScanInterval;
      if (v === null) unset.push('autoScanInterval');
      else if (!Number.isInteger(v) || v < 0 || v > MAX_AUTO_SCAN_INTERVAL_S) {
        problems.push(`autoScanInterval: must be a whole number of seconds from 0 (no scheduled scans) to ${MAX_AUTO_SCAN_INTERVAL_S}; got ${v}`);
      } else set.autoScanInterval = v;
    }
    if (change.downloadConcurrency !== undefined) {
      const v = change.downloadConcurrency;
      if (v === null) unset.push('downloadConcurrency');
      else if (!Number.isInteger(v) || v < MIN_DOWNLOAD_CONCURRENCY || v > MAX_DOWNLOAD_CONCURRENCY) {
        problems.push(`downloadConcurrency: must be a whole number from ${MIN_DOWNLOAD_CONCURRENCY} to ${MAX_DOWNLOAD_CONCURRENCY}; got ${v}`);
      } else set.downloadConcurrency = v;
    }
    if (problems.length) throw new BadInputError(problems.join('; '));
    const saved = this.loading.catch(() => undefined).then(async () => {
      this.apply(await this.store.change(set, unset));
      const settings = this.get();
      this.logger.info({ settings }, 'settings changed');
      return settings;
    });
    this.loading = saved;
    return saved;
  }

  /** Calls `listener` after every change (made here or elsewhere); returns a function that stops it. */
  onChange(listener: SettingsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function sameSettings(a: Settings, b: Settings): boolean {
  return a.speedLimit === b.speedLimit && a.autoScanInterval === b.autoScanInterval && a.downloadConcurrency === b.downloadConcurrency;
}
