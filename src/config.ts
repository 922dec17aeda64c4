import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import { MAX_CREDENTIAL_LENGTH } from './server/auth.js';
import { normalizeHost } from './server/request-guard.js';
import { DEFAULT_HISTORY_LIMIT, DEFAULT_THROTTLE_MS, MIN_EVENT_LOG_RETENTION } from './services/progress-limits.js';
import { MAX_AUTO_SCAN_INTERVAL_S, MAX_SPEED_LIMIT_BPS } from './services/settings-service.js';
import { LOG_FORMATS, type LogFormat } from './logger.js';

/** Everything the service is configured with; `loadConfig` builds it from the environment. */
export interface AppConfig {
  /** TCP port; 0 picks a free one. @default 4000 */
  port: number;
  /** Address to bind. @default '127.0.0.1' */
  host: string;
  /** Where the database lives (absolute). @default './data' */
  dataDir: string;
  /** Root of the media library (absolute). @default './library' */
  libraryDir: string;
  /** Base URL of the catalog; null serves the built-in demo catalog. @default null */
  catalogUrl: string | null;
  /** Shared secret every GraphQL operation must present; null: no auth (loopback only). @default null */
  apiToken: string | null;
  /**
   * Browser origins (normalized, e.g. `https://anime.example.com`) that may call the service
   * besides its own; a request with any other `Origin` is refused with 403. @default []
   */
  allowedOrigins: string[];
  /**
   * `Host` names (lower case; `name` for any port, `name:port` for one) accepted besides the
   * loopback names while HOST is a loopback address; others get 403 (DNS rebinding). @default []
   */
  allowedHosts: string[];
  /** Downloads run at once. @default 1 */
  downloadConcurrency: number;
  /** pino level. @default 'info' */
  logLevel: string;
  /** Log lines as JSON, or pretty for people; `auto`: pretty when stdout is a terminal. @default 'auto' */
  logFormat: LogFormat;
  /** Production masks unexpected errors and field suggestions. @default false unless NODE_ENV=production */
  production: boolean;
  /** Least ms between broadcasts of one operation's in-between updates. @default 250 */
  throttleMs: number;
  /** Finished operations kept in history. @default 5000 */
  historyLimit: number;
  /** Events kept in the log for `after` cursors (at least 10,000). @default 10000 */
  eventLogRetention: number;
  /** Seconds between scheduled library scans; 0 for none. `updateSettings` overrides it. @default 21600 */
  autoScanInterval?: number;
  /** Cap on all downloads together, bytes/s; 0 for none. `updateSettings` overrides it. @default 0 */
  speedLimit?: number;
  /** Seconds without a byte before a download attempt counts as stalled. @default 30 */
  stallTimeout?: number;
  /**
   * Shared state for several instances (journal, queue, history, library, the runner's lease);
   * null keeps everything in SQLite under dataDir, one instance. @default null
   */
  redisUrl: string | null;
  /** This instance's name among several. @default `<hostname>-<pid>-<random>` (unique per process) */
  instanceId: string;
}

/** A name unique to this process: INSTANCE_ID's default. */
export function defaultInstanceId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** Default of AUTO_SCAN_INTERVAL: a scan every 6 hours. */
export const DEFAULT_AUTO_SCAN_INTERVAL = 21_600;
/** Default of STALL_TIMEOUT, seconds. */
export const DEFAULT_STALL_TIMEOUT = 30;
/** Longest STALL_TIMEOUT accepted, seconds. */
export const MAX_STALL_TIMEOUT = 3_600;


export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const int = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from ${min} to ${max}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

/** Longest API_TOKEN: "Bearer <token>" must fit in the credential length the service reads. */
export const MAX_API_TOKEN_LENGTH = MAX_CREDENTIAL_LENGTH - 'Bearer '.length;

/** Comma-separated list: entries trimmed, empty ones dropped. */
const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

/** ALLOWED_ORIGINS entries as browsers send them in `Origin` (scheme://host[:port], no path). */
/** An optional URL variable: null when unset or blank, else a URL with one of `protocols`. */
const url = (name: string, protocols: readonly string[], what: string, normalize: (href: string) => string = (h) => h) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v?.trim()) return null;
      try {
        const parsed = new URL(v.trim());
        if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
        return normalize(parsed.href);
      } catch {
        ctx.addIssue({ code: 'custom', message: `${name} must be ${what}, got "${v}"` });
        return z.NEVER;
      }
    });

const originList = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const origins: string[] = [];
    for (const entry of list(v)) {
      let url: URL | null = null;
      try {
        url = new URL(entry);
      } catch {
        url = null;
      }
      const isOrigin =
        url !== null &&
        (url.protocol === 'http:' || url.protocol === 'https:') &&
        (url.pathname === '/' || url.pathname === '') &&
        !url.search &&
        !url.hash &&
        !url.username;
      if (!isOrigin) {
        ctx.addIssue({
          code: 'custom',
          message: `ALLOWED_ORIGINS entries must be origins like https://anime.example.com (scheme, host, optional port), got "${entry}"`,
        });
        return z.NEVER;
      }
      origins.push(url!.origin);
    }
    return origins;
  });

/** ALLOWED_HOSTS entries: a host name or address, optionally with a port. */
const hostList = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const hosts: string[] = [];
    for (const entry of list(v)) {
      const normalized = normalizeHost(entry);
      if (normalized === null) {
        ctx.addIssue({
          code: 'custom',
          message: `ALLOWED_HOSTS entries must be host names like anime.example.com or anime.example.com:8080, got "${entry}"`,
        });
        return z.NEVER;
      }
      hosts.push(normalized);
    }
    return hosts;
  });

const num = (name: string, min: number, max: number, fallback: number, unit: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isFinite(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a number of ${unit} from ${min} to ${max}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const env = z.object({
  PORT: int('PORT', 0, 65535, 4000),
  HOST: z.string().optional().transform((v) => v?.trim() || '127.0.0.1'),
  DATA_DIR: z.string().optional().transform((v) => resolve(v?.trim() || './data')),
  LIBRARY_DIR: z.string().optional().transform((v) => resolve(v?.trim() || './library')),
  // Without its trailing slashes: paths are appended to it.
  CATALOG_URL: url('CATALOG_URL', ['http:', 'https:'], 'an http(s) URL', (href) => href.replace(/\/+$/, '')),
  API_TOKEN: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return null;
      if (v.length > MAX_API_TOKEN_LENGTH) {
        ctx.addIssue({
          code: 'custom',
          message: `API_TOKEN must be at most ${MAX_API_TOKEN_LENGTH} characters (credentials longer than ${MAX_CREDENTIAL_LENGTH} are refused unread), got ${v.length}`,
        });
        return z.NEVER;
      }
      return v;
    }),
  ALLOWED_ORIGINS: originList,
  ALLOWED_HOSTS: hostList,
  DOWNLOAD_CONCURRENCY: int('DOWNLOAD_CONCURRENCY', 1, 32, 1),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .optional()
    .default('info'),
  LOG_FORMAT: z
    .enum(LOG_FORMATS, { message: `LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}` })
    .optional()
    .default('auto'),
  NODE_ENV: z.string().optional(),
  PROGRESS_THROTTLE_MS: int('PROGRESS_THROTTLE_MS', 0, 60_000, DEFAULT_THROTTLE_MS),
  HISTORY_LIMIT: int('HISTORY_LIMIT', 1, 10_000_000, DEFAULT_HISTORY_LIMIT),
  REDIS_URL: url('REDIS_URL', ['redis:', 'rediss:'], 'a redis:// or rediss:// URL'),
  INSTANCE_ID: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v?.trim()) return defaultInstanceId();
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(v.trim())) {
        ctx.addIssue({ code: 'custom', message: `INSTANCE_ID must be 1 to 64 letters, digits, ".", "_" or "-", got "${v}"` });
        return z.NEVER;
      }
      return v.trim();
    }),
  AUTO_SCAN_INTERVAL: int('AUTO_SCAN_INTERVAL', 0, MAX_AUTO_SCAN_INTERVAL_S, DEFAULT_AUTO_SCAN_INTERVAL),
  SPEED_LIMIT: num('SPEED_LIMIT', 0, MAX_SPEED_LIMIT_BPS, 0, 'bytes per second'),
  STALL_TIMEOUT: num('STALL_TIMEOUT', 0.1, MAX_STALL_TIMEOUT, DEFAULT_STALL_TIMEOUT, 'seconds'),
  EVENT_LOG_RETENTION: int('EVENT_LOG_RETENTION', MIN_EVENT_LOG_RETENTION, 100_000_000, MIN_EVENT_LOG_RETENTION),
});

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h.startsWith('::ffff:127.');
}

/** Reads and checks the environment; throws ConfigError listing every problem in plain words. */
export function loadConfig(source: NodeJS.ProcessEnv): AppConfig {
  const parsed = env.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => (i.path.length && !i.message.startsWith(String(i.path[0])) ? `${i.path.join('.')}: ${i.message}` : i.message)));
  }
  const e = parsed.data;
  if (!isLoopback(e.HOST) && !e.API_TOKEN) {
    throw new ConfigError([
      `HOST=${e.HOST} would expose the service beyond this machine without a password: set API_TOKEN (clients then send "Authorization: Bearer <token>"), or bind HOST=127.0.0.1`,
    ]);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    libraryDir: e.LIBRARY_DIR,
    catalogUrl: e.CATALOG_URL,
    apiToken: e.API_TOKEN,
    allowedOrigins: e.ALLOWED_ORIGINS,
    allowedHosts: e.ALLOWED_HOSTS,
    downloadConcurrency: e.DOWNLOAD_CONCURRENCY,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    production: e.NODE_ENV === 'production',
    throttleMs: e.PROGRESS_THROTTLE_MS,
    historyLimit: e.HISTORY_LIMIT,
    eventLogRetention: e.EVENT_LOG_RETENTION,
    redisUrl: e.REDIS_URL,
    instanceId: e.INSTANCE_ID,
    autoScanInterval: e.AUTO_SCAN_INTERVAL,
    speedLimit: e.SPEED_LIMIT,
    stallTimeout: e.STALL_TIMEOUT,
  };
}
