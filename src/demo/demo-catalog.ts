import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { parseRangeHeader } from '../core/http-range.js';

/** About 7 s for an average episode, so progress is visible to a newcomer. */
export const DEFAULT_DEMO_BYTES_PER_SECOND = 640 * 1024;
export const DEMO_MIN_EPISODE_BYTES = 3 * 1024 * 1024;
export const DEMO_MAX_EPISODE_BYTES = 5 * 1024 * 1024;
/** Unit of content generation; also the largest chunk written at once. */
const BLOCK_BYTES = 64 * 1024;

interface DemoSeries {
  key: string;
  name: string;
  seasons: Array<{ season: number; titles: Array<string | undefined> }>;
}

/** The demo library. Some titles are left out on purpose: the contract makes them optional. */
export const DEMO_SERIES: readonly DemoSeries[] = [
  {
    key: 'cowboy-bebop',
    name: 'Cowboy Bebop',
    seasons: [
      {
        season: 1,
        titles: ['Asteroid Blues', 'Stray Dog Strut', 'Honky Tonk Women', 'Gateway Shuffle', 'Ballad of Fallen Angels', 'Sympathy for the Devil'],
      },
    ],
  },
  {
    key: 'fullmetal-alchemist',
    name: 'Fullmetal Alchemist: Brotherhood',
    seasons: [
      {
        season: 1,
        titles: ['Fullmetal Alchemist', 'The First Day', 'City of Heresy', "An Alchemist's Anguish", 'Rain of Sorrows'],
      },
    ],
  },
  {
    key: 'mushishi',
    name: 'Mushi-Shi',
    seasons: [
      { season: 1, titles: ['The Green Seat', 'The Soft Horns', 'Pillow Pathway', 'The Light of the Eyelid'] },
      { season: 2, titles: [undefined, undefined, undefined] },
    ],
  },
  {
    key: 'frieren',
    name: "Frieren: Beyond Journey's End",
    seasons: [
      { season: 1, titles: ["The Journey's End", "It Didn't Have to Be Magic...", 'Killing Magic', 'The Land Where Souls Rest'] },
    ],
  },
];

export interface DemoCatalogOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Media throughput per response; 0 or Infinity for unthrottled. Default {@link DEFAULT_DEMO_BYTES_PER_SECOND}. */
  bytesPerSecond?: number;
}

export interface DemoCatalog {
  /** Base URL to use as CATALOG_URL. */
  url: string;
  close(): Promise<void>;
}

function seedOf(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32LE(0) || 1;
}

function episodeSize(id: string): number {
  return DEMO_MIN_EPISODE_BYTES + (seedOf(`size:${id}`) % (DEMO_MAX_EPISODE_BYTES - DEMO_MIN_EPISODE_BYTES));
}

/** Block `index` of an episode: xorshift32 noise seeded per block, so any range is cheap to produce. */
function block(id: string, index: number, size: number): Buffer {
  const len = Math.min(BLOCK_BYTES, size - index * BLOCK_BYTES);
  const words = new Uint32Array(BLOCK_BYTES / 4);
  let x = seedOf(`${id}:${index}`);
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return Buffer.from(words.buffer, 0, len);
}

async function* content(id: string, size: number, start: number, end: number, bytesPerSecond: number) {
  const throttled = bytesPerSecond > 0 && Number.isFinite(bytesPerSecond);
  // About 20 writes a second keeps the pace smooth without a timer per KiB.
  const maxChunk = throttled ? Math.max(1024, Math.min(BLOCK_BYTES, Math.floor(bytesPerSecond / 20))) : BLOCK_BYTES;
  const began = Date.now();
  let sent = 0;
  for (let pos = start; pos <= end; ) {
    const index = Math.floor(pos / BLOCK_BYTES);
    const from = pos - index * BLOCK_BYTES;
    const to = Math.min(from + maxChunk, end + 1 - index * BLOCK_BYTES);
    const chunk = block(id, index, size).subarray(from, to);
    if (throttled) {
      const due = ((sent + chunk.length) / bytesPerSecond) * 1000 - (Date.now() - began);
      if (due > 0) await delay(due);
    }
    pos += chunk.length;
    sent += chunk.length;
    yield chunk;
  }
}

/** Hashes an episode by streaming its generator (never the whole file in memory). */
async function hashEpisode(id: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  for (let i = 0; i * BLOCK_BYTES < size; i++) hash.update(block(id, i, size));
  // Let other requests in between episodes.
  await new Promise((r) => setImmediate(r));
  return hash.digest('hex');
}

/**
 * Starts the built-in catalog used when CATALOG_URL is unset: a few series
 * with synthetic, deterministic episodes, served slowly with Range support.
 * sha256s are computed the first time a series is asked for.
 */
export async function startDemoCatalog(options: DemoCatalogOptions = {}): Promise<DemoCatalog> {
  const host = options.host ?? '127.0.0.1';
  const bytesPerSecond = options.bytesPerSecond ?? DEFAULT_DEMO_BYTES_PER_SECOND;
  const hashes = new Map<string, Promise<string[]>>();

  const seriesHashes = (s: DemoSeries) => {
    let p = hashes.get(s.key);
    if (!p) {
      p = (async () => {
        const out: string[] = [];
        for (const season of s.seasons) {
          for (let e = 1; e <= season.titles.length; e++) {
            const id = `${s.key}/${season.season}/${e}`;
            out.push(await hashEpisode(id, episodeSize(id)));
          }
        }
        return out;
      })();
      hashes.set(s.key, p);
    }
    return p;
  };

  const sendJson = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://demo');
    const origin = `http://${req.headers.host ?? `${host}:${port}`}`;
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method not allowed' });

    if (u.pathname === '/search') {
      const q = (u.searchParams.get('q') ?? '').toLowerCase();
      return sendJson(
        res,
        200,
        DEMO_SERIES.filter((s) => s.name.toLowerCase().includes(q) || s.key.includes(q)).map(({ key, name }) => ({ key, name })),
      );
    }
    let m = /^\/series\/([^/]+)$/.exec(u.pathname);
    if (m) {
      const s = DEMO_SERIES.find((x) => x.key === decodeURIComponent(m![1]!));
      if (!s) return sendJson(res, 404, { error: 'unknown series' });
      const sums = await seriesHashes(s);
      let i = 0;
      return sendJson(res, 200, {
        key: s.key,
        name: s.name,
        seasons: s.seasons.map((season) => ({
          season: season.season,
          episodes: season.titles.map((title, n) => {
            const id = `${s.key}/${season.season}/${n + 1}`;
            return {
              episode: n + 1,
              ...(title ? { title } : {}),
              url: `${origin}/media/${id}.mp4`,
              size: episodeSize(id),
              sha256: sums[i++],
            };
          }),
        })),
      });
    }
    m = /^\/media\/([^/]+)\/(\d+)\/(\d+)\.mp4$/.exec(u.pathname);
    const s = m && DEMO_SERIES.find((x) => x.key === m![1]);
    const season = s?.seasons.find((x) => x.season === Number(m![2]));
    const epNo = Number(m?.[3]);
    if (!m || !season || epNo < 1 || epNo > season.titles.length) return sendJson(res, 404, { error: 'not found' });

    const id = `${m[1]}/${Number(m[2])}/${epNo}`;
    const size = episodeSize(id);
    const range = parseRangeHeader(req.headers.range, size);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { 'content-range': `bytes */${size}` });
      return res.end();
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    res.writeHead(range ? 206 : 200, {
      'content-type': 'video/mp4',
      'accept-ranges': 'bytes',
      'content-length': end - start + 1,
      ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    });
    if (req.method === 'HEAD') return res.end();
    await pipeline(Readable.from(content(id, size, start, end, bytesPerSecond)), res);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      // A client going away mid-stream lands here; nothing to report to it.
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
