import { z } from 'zod';
import { backoffDelay, parseRetryAfter, sleep } from './backoff.js';
import {
  CancelledError,
  CatalogInvalidResponseError,
  CatalogNotFoundError,
  CatalogUnavailableError,
  CoreError,
  errorMessage,
} from './errors.js';

/** Per-request timeout, response body included. */
export const DEFAULT_CATALOG_TIMEOUT_MS = 10_000;
/** Retries after the first attempt for transient failures (network, timeout, 408, 429, 5xx). */
export const DEFAULT_CATALOG_RETRIES = 3;
export const DEFAULT_CATALOG_BACKOFF_MS = 250;
export const DEFAULT_CATALOG_MAX_BACKOFF_MS = 4_000;
/** A catalog answer is small JSON; anything bigger is a misbehaving server, not data. */
export const MAX_CATALOG_RESPONSE_BYTES = 8 * 1024 * 1024;

const sha256Schema = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'expected 64 hex digits')
  .transform((s) => s.toLowerCase());

function catalogEpisodeSchema(baseUrl: string) {
  return z.object({
    episode: z.number().int().nonnegative(),
    title: z.string().nullish().transform((v) => v ?? undefined),
    // Relative URLs are resolved against the catalog, so a catalog can host its own media.
    url: z
      .string()
      .min(1)
      .transform((u, ctx) => {
        try {
          const parsed = new URL(u, baseUrl + '/');
          if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.href;
        } catch {
          /* reported below */
        }
        ctx.addIssue({ code: 'custom', message: `not an http(s) URL: ${JSON.stringify(u)}` });
        return z.NEVER;
      }),
    size: z.number().int().nonnegative().nullish().transform((v) => v ?? undefined),
    sha256: sha256Schema.nullish().transform((v) => v ?? undefined),
  });
}

function catalogSeriesSchema(baseUrl: string) {
  return z.object({
    key: z.string().min(1),
    name: z.string().min(1),
    seasons: z.array(
      z.object({
        season: z.number().int().nonnegative(),
        episodes: z.array(catalogEpisodeSchema(baseUrl)),
      }),
    ),
  });
}

const searchSchema = z.array(z.object({ key: z.string().min(1), name: z.string() }));

export interface CatalogEpisode {
  episode: number;
  title?: string;
  /** Absolute http(s) URL. */
  url: string;
  size?: number;
  /** Lower-case hex. */
  sha256?: string;
}

export interface CatalogSeason {
  season: number;
  episodes: CatalogEpisode[];
}

export interface CatalogSeries {
  key: string;
  name: string;
  seasons: CatalogSeason[];
}

export interface CatalogSearchHit {
  key: string;
  name: string;
}

export interface CatalogRequestOptions {
  signal?: AbortSignal;
}

export interface CatalogClient {
  readonly baseUrl: string;
  /** @throws CatalogNotFoundError, CatalogUnavailableError, CatalogInvalidResponseError, CancelledError */
  getSeries(key: string, options?: CatalogRequestOptions): Promise<CatalogSeries>;
  search(query: string, options?: CatalogRequestOptions): Promise<CatalogSearchHit[]>;
}

export interface CatalogClientOptions {
  /** Base URL of the catalog, e.g. `http://host:1234` (a trailing slash is ignored). */
  baseUrl: string;
  /** Per-attempt timeout in ms. Default {@link DEFAULT_CATALOG_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Retries of transient failures. Default {@link DEFAULT_CATALOG_RETRIES}. */
  retries?: number;
  /** First backoff delay in ms, doubled per retry. Default {@link DEFAULT_CATALOG_BACKOFF_MS}. */
  backoffMs?: number;
  /** Backoff cap in ms (also caps `Retry-After`). Default {@link DEFAULT_CATALOG_MAX_BACKOFF_MS}. */
  maxBackoffMs?: number;
  /** Fetch implementation. Default: the global `fetch`. */
  fetch?: typeof fetch;
}

/** Finds a catalog episode, or undefined. */
export function findCatalogEpisode(
  series: CatalogSeries,
  season: number,
  episode: number,
): CatalogEpisode | undefined {
  return series.seasons.find((s) => s.season === season)?.episodes.find((e) => e.episode === episode);
}

const NOT_FOUND = Symbol('not found');

class TransientError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export function createCatalogClient(options: CatalogClientOptions): CatalogClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_CATALOG_TIMEOUT_MS;
  const retries = options.retries ?? DEFAULT_CATALOG_RETRIES;
  const backoffMs = options.backoffMs ?? DEFAULT_CATALOG_BACKOFF_MS;
  const maxBackoffMs = options.maxBackoffMs ?? DEFAULT_CATALOG_MAX_BACKOFF_MS;
  const doFetch = options.fetch ?? fetch;
  const seriesSchema = catalogSeriesSchema(baseUrl);
  new URL(baseUrl); // fail fast on a malformed CATALOG_URL

  /** One attempt: returns the parsed JSON or NOT_FOUND; throws TransientError or a CoreError. */
  async function attempt(url: string, signal: AbortSignal | undefined): Promise<unknown> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await doFetch(url, { signal: combined, headers: { accept: 'application/json' } });
    } catch (err) {
      if (signal?.aborted) throw new CancelledError();
      if (timeout.aborted) throw new TransientError(`no answer within ${timeoutMs} ms`);
      throw new TransientError(errorMessage((err as Error).cause ?? err));
    }
    try {
      if (res.status === 404) return NOT_FOUND;
      if (res.status === 408 || res.status === 429 || res.status >= 500) {
        throw new TransientError(`HTTP ${res.status}`, parseRetryAfter(res.headers.get('retry-after')));
      }
      if (!res.ok) throw new CatalogUnavailableError(`catalog answered HTTP ${res.status} for ${url}`);
      const text = await readLimited(res);
      try {
        return JSON.parse(text);
      } catch {
        throw new CatalogInvalidResponseError(
          `catalog answered ${url} with something that is not JSON: ${JSON.stringify(text.slice(0, 80))}`,
        );
      }
    } catch (err) {
      if (signal?.aborted) throw new CancelledError();
      if (timeout.aborted) throw new TransientError(`no complete answer within ${timeoutMs} ms`);
      if (err instanceof TransientError || err instanceof CoreError) throw err;
      throw new TransientError(errorMessage(err));
    } finally {
      // Free the connection if we bailed out before reading the body.
      if (!res.bodyUsed) await res.body?.cancel().catch(() => {});
    }
  }

  async function getJson(path: string, signal: AbortSignal | undefined): Promise<unknown> {
    const url = baseUrl + path;
    for (let n = 0; ; n++) {
      try {
        return await attempt(url, signal);
      } catch (err) {
        if (!(err instanceof TransientError)) throw err;
        if (n >= retries) {
          throw new CatalogUnavailableError(
            `catalog unavailable (${url}): ${err.message} after ${n + 1} attempt(s)`,
          );
        }
        const wait = Math.min(maxBackoffMs, err.retryAfterMs ?? backoffDelay(n + 1, backoffMs, maxBackoffMs));
        try {
          await sleep(wait, signal);
        } catch {
          throw new CancelledError();
        }
      }
    }
  }

  return {
    baseUrl,
    async getSeries(key, opts) {
      if (!key) throw new CatalogNotFoundError(key);
      const json = await getJson(`/series/${encodeURIComponent(key)}`, opts?.signal);
      if (json === NOT_FOUND) throw new CatalogNotFoundError(key);
      const parsed = seriesSchema.safeParse(json);
      if (!parsed.success) {
        throw new CatalogInvalidResponseError(
          `catalog entry for ${JSON.stringify(key)} is malformed: ${describeIssues(parsed.error)}`,
        );
      }
      return parsed.data;
    },
    async search(query, opts) {
      const json = await getJson(`/search?q=${encodeURIComponent(query)}`, opts?.signal);
      if (json === NOT_FOUND) throw new CatalogUnavailableError(`catalog has no search endpoint (${baseUrl}/search)`);
      const parsed = searchSchema.safeParse(json);
      if (!parsed.success) {
        throw new CatalogInvalidResponseError(`catalog search answer is malformed: ${describeIssues(parsed.error)}`);
      }
      return parsed.data;
    },
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

async function readLimited(res: Response): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (declared > MAX_CATALOG_RESPONSE_BYTES) {
    throw new CatalogInvalidResponseError(`catalog answer is too large (${declared} bytes)`);
  }
  if (!res.body) return '';
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value: chunk } = await reader.read();
    if (done) break;
    bytes += chunk.byteLength;
    if (bytes > MAX_CATALOG_RESPONSE_BYTES) {
      await reader.cancel().catch(() => {});
      throw new CatalogInvalidResponseError(`catalog answer is too large (over ${MAX_CATALOG_RESPONSE_BYTES} bytes)`);
    }
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}
