/**
 * A real local HTTP server (port 0) standing in for both the catalog and the
 * media host, with fault injection per media path. Used by unit and
 * integration tests.
 *
 *   const server = await startCatalogServer();
 *   const ep = server.addEpisode('naruto', 'Naruto', 1, 1, 300_000, { behaviour: { dropAfterBytes: 1000 } });
 *   // GET {server.url}/series/naruto now lists S01E01 with the right size and sha256
 *   server.requestsTo(ep.path) // what the downloader asked for (Range headers included)
 *   await server.close();
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseRangeHeader } from '../../src/core/http-range.js';

/** Faults and quirks of one media path. Counters restart when the behaviour is replaced. */
export interface MediaBehaviour {
  /** Answer Range requests with 206; false answers 200 with the whole body. Default true. */
  ranges?: boolean;
  /** Body throughput per response. Default: unthrottled. */
  bytesPerSecond?: number;
  /** Destroy the connection after sending this many body bytes of a response (counted per response). */
  dropAfterBytes?: number;
  /** How many responses are dropped: 1 = once (default), Infinity = always. */
  dropTimes?: number;
  /** Send this many body bytes of a response, then nothing more, keeping the connection open. */
  stallAfterBytes?: number;
  /** How many responses stall. Default 1. */
  stallTimes?: number;
  /** Answer `failStatus` to the first N requests. */
  failFirst?: number;
  /** Default 503. */
  failStatus?: number;
  /** `Retry-After` header sent with `failStatus`. */
  retryAfter?: string;
  /** Answer this status to every request (e.g. 500, 404). */
  status?: number;
  /** No Content-Length (chunked transfer encoding). */
  chunked?: boolean;
}

/** A fixed answer for a path (catalog or media), e.g. garbage JSON or a 503. */
export interface RouteOverride {
  status?: number;
  /** Strings and Buffers are sent as they are; anything else as JSON. */
  body?: unknown;
  /** Default 'application/json'. */
  contentType?: string;
  /** Apply to this many requests, then serve normally again. Default: always. */
  times?: number;
  /** Extra response headers, e.g. `{ location: '/elsewhere' }` with a 302. */
  headers?: Record<string, string>;
  /** Wait this long before answering (a slow catalog). */
  delayMs?: number;
}

export interface RequestLogEntry {
  method: string;
  /** Path with query string. */
  path: string;
  range?: string;
  /** Status answered (0 if none was, e.g. the connection was dropped first). */
  status: number;
  /** Body bytes of media written to the socket for this request (so far). */
  bytesSent: number;
}

export interface MediaInfo {
  path: string;
  url: string;
  size: number;
  sha256: string;
}

export interface EpisodeOptions {
  title?: string;
  behaviour?: MediaBehaviour;
  /** Catalog `size`: default the true size; null leaves it out; a number lies. */
  size?: number | null;
  /** Catalog `sha256`: default the true hash; null leaves it out; a string lies. */
  sha256?: string | null;
  /** File extension in the media URL. Default 'mp4'. */
  ext?: string;
}

interface CatalogJsonEpisode {
  episode: number;
  title?: string;
  url: string;
  size?: number;
  sha256?: string;
}
interface CatalogJsonSeries {
  key: string;
  name: string;
  seasons: Array<{ season: number; episodes: CatalogJsonEpisode[] }>;
}

export interface CatalogServer {
  /** Base URL, no trailing slash: the CATALOG_URL. */
  url: string;
  /** Every request, in arrival order. */
  requests: RequestLogEntry[];
  requestsTo(path: string): RequestLogEntry[];
  /** Serves a series entry as given (any JSON with a `key`), replacing the one with that key. */
  setSeries(series: { key: string } & Record<string, unknown>): void;
  deleteSeries(key: string): void;
  /** Serves `content` at `path` (e.g. '/media/x/1/1.mp4'). */
  setMedia(path: string, content: Buffer, behaviour?: MediaBehaviour): MediaInfo;
  /** Replaces the faults of a media path and resets its counters. */
  setMediaBehaviour(path: string, behaviour: MediaBehaviour): void;
  /**
   * Adds an episode: its media at `/media/{key}/{season}/{episode}.{ext}` and its catalog
   * entry (creating the series named `name` if needed). `content` is bytes or a size
   * for {@link syntheticContent}.
   */
  addEpisode(key: string, name: string, season: number, episode: number, content: Buffer | number, options?: EpisodeOptions): MediaInfo;
  /** Overrides a path (without query) with a fixed answer; null removes the override. */
  setRoute(path: string, route: RouteOverride | null): void;
  /**
   * Resolves with the first logged request (past or future) matching, or rejects after
   * `timeoutMs` (default 5 s). Checked on arrival and again when the response ends, so
   * predicates on `status` work.
   */
  waitForRequest(match: (r: RequestLogEntry) => boolean, timeoutMs?: number): Promise<RequestLogEntry>;
  /**
   * What a media path served since it was set: body bytes written to sockets, and the most
   * responses that were being sent at the same time (two downloaders at once shows as 2).
   */
  mediaStats(path: string): { bytesSent: number; maxConcurrent: number };
  close(): Promise<void>;
}

/** Deterministic pseudo-random bytes. */
export function syntheticContent(size: number, seed = 1): Buffer {
  const buf = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf[i] = x & 0xff;
  }
  return buf;
}

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

interface MediaState {
  content: Buffer;
  behaviour: MediaBehaviour;
  requests: number;
  drops: number;
  stalls: number;
}

/** Per media path, across behaviour changes. */
interface MediaStats {
  bytesSent: number;
  open: number;
  maxConcurrent: number;
}

export async function startCatalogServer(): Promise<CatalogServer> {
  const series = new Map<string, Record<string, unknown>>();
  const media = new Map<string, MediaState>();
  const routes = new Map<string, RouteOverride & { used: number }>();
  const requests: RequestLogEntry[] = [];
  const waiters = new Set<{ match: (r: RequestLogEntry) => boolean; resolve: (r: RequestLogEntry) => void }>();

  const notify = (entry: RequestLogEntry) => {
    for (const w of waiters) {
      if (w.match(entry)) {
        waiters.delete(w);
        w.resolve(entry);
      }
    }
  };

  const sendBody = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    contentType = 'application/json',
    headers: Record<string, string> = {},
  ) => {
    const data = Buffer.isBuffer(body)
      ? body
      : Buffer.from(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body));
    res.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': data.length });
    res.end(data);
  };

  const stats = new Map<string, MediaStats>();
  const statsOf = (path: string) => {
    let st = stats.get(path);
    if (!st) stats.set(path, (st = { bytesSent: 0, open: 0, maxConcurrent: 0 }));
    return st;
  };

  const serveMedia = async (req: http.IncomingMessage, res: http.ServerResponse, m: MediaState, entry: RequestLogEntry, path: string) => {
    const b = m.behaviour;
    m.requests++;
    const st = statsOf(path);
    if (b.status !== undefined) return sendBody(res, b.status, { error: `status ${b.status}` });
    if (b.failFirst !== undefined && m.requests <= b.failFirst) {
      if (b.retryAfter) res.setHeader('retry-after', b.retryAfter);
      return sendBody(res, b.failStatus ?? 503, { error: 'try again later' });
    }
    const size = m.content.length;
    const range = b.ranges === false ? null : parseRangeHeader(req.headers.range, size);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { 'content-range': `bytes */${size}`, 'content-length': 0 });
      return res.end();
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    const body = m.content.subarray(start, end + 1);
    res.writeHead(range ? 206 : 200, {
      'content-type': 'video/mp4',
      ...(b.ranges === false ? {} : { 'accept-ranges': 'bytes' }),
      ...(b.chunked ? {} : { 'content-length': body.length }),
      ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    });
    let limit = body.length;
    let after: 'drop' | 'stall' | 'end' = 'end';
    if (b.dropAfterBytes !== undefined && m.drops < (b.dropTimes ?? 1) && b.dropAfterBytes < body.length) {
      m.drops++;
      limit = b.dropAfterBytes;
      after = 'drop';
    } else if (b.stallAfterBytes !== undefined && m.stalls < (b.stallTimes ?? 1) && b.stallAfterBytes < body.length) {
      m.stalls++;
      limit = b.stallAfterBytes;
      after = 'stall';
    }
    const chunk = b.bytesPerSecond ? Math.max(1, Math.min(16 * 1024, Math.floor(b.bytesPerSecond / 20))) : limit;
    const began = Date.now();
    st.open++;
    st.maxConcurrent = Math.max(st.maxConcurrent, st.open);
    res.once('close', () => st.open--);
    for (let sent = 0; sent < limit && !res.destroyed; ) {
      const piece = body.subarray(sent, Math.min(limit, sent + chunk));
      sent += piece.length;
      st.bytesSent += piece.length;
      entry.bytesSent += piece.length;
      if (!res.write(piece)) {
        await new Promise<void>((r) => {
          const done = () => (res.off('drain', done).off('close', done), r());
          res.once('drain', done).once('close', done);
        });
      }
      if (b.bytesPerSecond) {
        const due = (sent / b.bytesPerSecond) * 1000 - (Date.now() - began);
        if (due > 0) await new Promise((r) => setTimeout(r, due));
      }
    }
    if (after === 'end') res.end();
    // Only once what was written has left the process, so the client really got `limit` bytes.
    else if (after === 'drop') res.write(Buffer.alloc(0), () => res.socket?.destroy());
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, entry: RequestLogEntry) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const route = routes.get(u.pathname);
    if (route && (route.times === undefined || route.used < route.times)) {
      route.used++;
      if (route.delayMs) await new Promise((r) => setTimeout(r, route.delayMs));
      return sendBody(res, route.status ?? 200, route.body, route.contentType, route.headers);
    }
    const m = media.get(u.pathname);
    if (m) return serveMedia(req, res, m, entry, u.pathname);
    const s = /^\/series\/([^/]+)$/.exec(u.pathname);
    if (s) {
      const found = series.get(decodeURIComponent(s[1]!));
      return found ? sendBody(res, 200, found) : sendBody(res, 404, { error: 'no such series' });
    }
    if (u.pathname === '/search') {
      const q = (u.searchParams.get('q') ?? '').toLowerCase();
      const hits = [...series.values()]
        .filter((x) => `${String(x.key)} ${String(x.name)}`.toLowerCase().includes(q))
        .map((x) => ({ key: x.key, name: x.name }));
      return sendBody(res, 200, hits);
    }
    sendBody(res, 404, { error: 'not found' });
  };

  const server = http.createServer((req, res) => {
    const entry: RequestLogEntry = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      ...(req.headers.range ? { range: req.headers.range } : {}),
      status: 0,
      bytesSent: 0,
    };
    requests.push(entry);
    const origWriteHead = res.writeHead.bind(res) as (...args: unknown[]) => http.ServerResponse;
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      entry.status = status;
      return origWriteHead(status, ...rest);
    }) as typeof res.writeHead;
    notify(entry);
    // Again once answered, for predicates on the status.
    res.once('close', () => notify(entry));
    handle(req, res, entry).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const setMedia = (path: string, content: Buffer, behaviour: MediaBehaviour = {}): MediaInfo => {
    media.set(path, { content, behaviour, requests: 0, drops: 0, stalls: 0 });
    return { path, url: url + path, size: content.length, sha256: sha256Hex(content) };
  };

  return {
    url,
    requests,
    requestsTo: (path) => requests.filter((r) => r.path === path),
    mediaStats: (path) => {
      const { bytesSent, maxConcurrent } = statsOf(path);
      return { bytesSent, maxConcurrent };
    },
    setSeries: (s) => void series.set(s.key, s),
    deleteSeries: (key) => void series.delete(key),
    setMedia,
    setMediaBehaviour(path, behaviour) {
      const m = media.get(path);
      if (!m) throw new Error(`no media at ${path}`);
      media.set(path, { content: m.content, behaviour, requests: 0, drops: 0, stalls: 0 });
    },
    addEpisode(key, name, season, episode, content, options = {}) {
      const bytes = typeof content === 'number' ? syntheticContent(content, key.length * 1000 + season * 100 + episode) : content;
      const info = setMedia(`/media/${key}/${season}/${episode}.${options.ext ?? 'mp4'}`, bytes, options.behaviour);
      const s = (series.get(key) as CatalogJsonSeries | undefined) ?? { key, name, seasons: [] };
      let seasonEntry = s.seasons.find((x) => x.season === season);
      if (!seasonEntry) s.seasons.push((seasonEntry = { season, episodes: [] }));
      seasonEntry.episodes = seasonEntry.episodes.filter((e) => e.episode !== episode);
      seasonEntry.episodes.push({
        episode,
        ...(options.title !== undefined ? { title: options.title } : {}),
        url: info.url,
        ...(options.size === null ? {} : { size: options.size ?? info.size }),
        ...(options.sha256 === null ? {} : { sha256: options.sha256 ?? info.sha256 }),
      });
      series.set(key, s as unknown as Record<string, unknown>);
      return info;
    },
    setRoute(path, route) {
      if (route) routes.set(path, { ...route, used: 0 });
      else routes.delete(path);
    },
    waitForRequest(match, timeoutMs = 5_000) {
      const past = requests.find(match);
      if (past) return Promise.resolve(past);
      return new Promise((resolve, reject) => {
        const w = {
          match,
          resolve: (r: RequestLogEntry) => {
            clearTimeout(timer);
            resolve(r);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`no matching request within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(w);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
