import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, truncate, type FileHandle } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { backoffDelay, parseRetryAfter, sleep } from './backoff.js';
import type { ByteRateLimiter } from './rate-limiter.js';
import { CoreError, DownloadCancelledError, DownloadFailedError, DownloadInterruptedError, errorMessage } from './errors.js';

/** Time without a byte (connecting, headers or body) after which an attempt counts as stalled. */
export const DEFAULT_IDLE_TIMEOUT_MS = 15_000;
/** Most bytes written per rate-limiter grant, so a capped transfer advances smoothly. */
export const RATE_LIMIT_SLICE_BYTES = 16 * 1024;
/**
 * Written bytes after which the part file's dirty pages are handed to the disk (fdatasync in
 * the thread pool, while the transfer goes on): the fsync before the rename then waits for the
 * last stretch only, not for the whole file.
 */
export const FLUSH_EVERY_BYTES = 32 * 1024 * 1024;
/** How often a body is checked for a stall, at most (a quarter of the timeout when shorter). */
const STALL_CHECK_MS = 1_000;
/** Failed attempts in a row (without new bytes on disk) before giving up. */
export const DEFAULT_MAX_ATTEMPTS = 8;
export const DEFAULT_BACKOFF_MS = 1_000;
export const DEFAULT_MAX_BACKOFF_MS = 10_000;
/**
 * Longest time spent failing without new bytes on disk. With the idle timeout
 * on top, a server that keeps failing ends the download within about a minute
 * (the contract).
 */
export const DEFAULT_RETRY_BUDGET_MS = 45_000;
export const MAX_REDIRECTS = 5;
/** Room a retry budget leaves after one stall timeout, so a stalled attempt is retried at least once. */
export const STALL_RETRY_MARGIN_MS = 15_000;

export interface DownloaderOptions {
  /**
   * An attempt that receives no byte for this long is aborted as stalled and retried from the
   * bytes on disk; time spent waiting for the rate limiter does not count. Default
   * {@link DEFAULT_IDLE_TIMEOUT_MS}.
   */
  idleTimeoutMs?: number;
  /** Shared cap on bytes per second, asked before each write. Default: none. */
  rateLimiter?: ByteRateLimiter;
  /** Written bytes after which the part file is flushed to disk in the background. Default {@link FLUSH_EVERY_BYTES}. */
  flushEveryBytes?: number;
  /** Failed attempts in a row before giving up. Default {@link DEFAULT_MAX_ATTEMPTS}. */
  maxAttempts?: number;
  /** First retry delay, ms, doubled per failure. Default {@link DEFAULT_BACKOFF_MS}. */
  backoffMs?: number;
  /** Retry delay cap, ms (also caps `Retry-After`). Default {@link DEFAULT_MAX_BACKOFF_MS}. */
  maxBackoffMs?: number;
  /** Time allowed to fail without progress before giving up, ms. Default {@link DEFAULT_RETRY_BUDGET_MS}. */
  retryBudgetMs?: number;
  /** HTTP agents. Default: Node's global agents (keep-alive). */
  httpAgent?: http.Agent;
  httpsAgent?: https.Agent;
  /** Called before each retry (logging, progress messages); `bytes` is what is on disk. */
  onRetry?: (info: { url: string; failures: number; delayMs: number; error: string; bytes: number }) => void;
}

export interface DownloadFileOptions extends DownloaderOptions {
  url: string;
  /** Final location; its folder is created. Written only by an atomic rename once verified. */
  destPath: string;
  /** Where bytes accumulate. If it already holds bytes, the download resumes from them. */
  tempPath: string;
  expectedSize?: number;
  /** Hex sha256 the complete file must have. */
  sha256?: string;
  /** Aborting removes the temp file and rejects with DownloadCancelledError. */
  signal?: AbortSignal;
  /** Called per chunk written to disk (bytes on disk, total bytes or null); throttle in the consumer. */
  onProgress?: (current: number, total: number | null) => void;
}

export interface DownloadResult {
  path: string;
  size: number;
  /** Lower-case hex; null when no sha256 was expected (the bytes are then not hashed). */
  sha256: string | null;
}

/** Worth another attempt. */
class TransientError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Local disk failures are not the server's fault and will not heal by retrying. */
class LocalWriteError extends Error {}

interface HashState {
  /** Null when no sha256 is expected: hashing is then skipped, and so is re-reading a part file. */
  hash: Hash | null;
  /** Bytes both on disk and in `hash`. */
  bytes: number;
}

/**
 * Streams `url` to `tempPath` (resuming with Range), verifies size and sha256,
 * then renames it to `destPath`. On failure or cancel the temp file is removed.
 *
 * @throws DownloadFailedError, DownloadCancelledError
 */
export async function downloadFile(options: DownloadFileOptions): Promise<DownloadResult> {
  const { url, destPath, tempPath, expectedSize, signal } = options;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  const maxBackoffMs = options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
  const retryBudgetMs = options.retryBudgetMs ?? DEFAULT_RETRY_BUDGET_MS;
  const expectedSha = options.sha256?.toLowerCase();
  const state: HashState = { hash: expectedSha ? createHash('sha256') : null, bytes: 0 };

  try {
    signal?.throwIfAborted();
    await mkdir(path.dirname(tempPath), { recursive: true });
    let failures = 0;
    let best = 0;
    let lastProgressAt = Date.now();
    for (;;) {
      try {
        await attempt(options, state);
        break;
      } catch (err) {
        if (signal?.aborted || !(err instanceof TransientError)) throw err;
        if (state.bytes > best) {
          best = state.bytes;
          failures = 0;
          lastProgressAt = Date.now();
        }
        failures++;
        const delayMs = Math.min(maxBackoffMs, err.retryAfterMs ?? backoffDelay(failures, backoffMs, maxBackoffMs));
        if (failures >= maxAttempts || Date.now() - lastProgressAt + delayMs > retryBudgetMs) {
          const elapsed = ((Date.now() - lastProgressAt) / 1000).toFixed(1);
          throw new DownloadFailedError(
            `download of ${url} failed after ${failures} attempt(s) in ${elapsed} s: ${err.message}`,
          );
        }
        options.onRetry?.({ url, failures, delayMs, error: err.message, bytes: state.bytes });
        await sleep(delayMs, signal);
      }
    }

    if (expectedSize !== undefined && state.bytes !== expectedSize) {
      throw new DownloadFailedError(`size mismatch: got ${state.bytes} bytes, the catalog says ${expectedSize}`);
    }
    const digest = state.hash?.digest('hex') ?? null;
    if (expectedSha && digest !== expectedSha) {
      throw new DownloadFailedError(`sha256 mismatch: got ${digest}, the catalog says ${expectedSha}`);
    }
    await fsyncPath(tempPath, 'r+');
    await mkdir(path.dirname(destPath), { recursive: true });
    signal?.throwIfAborted();
    await rename(tempPath, destPath);
    // Makes the rename itself durable; not every platform can fsync a directory.
    await fsyncPath(path.dirname(destPath), 'r').catch(() => {});
    return { path: destPath, size: state.bytes, sha256: digest };
  } catch (err) {
    if (signal?.aborted && signal.reason instanceof DownloadInterruptedError) throw signal.reason;
    await rm(tempPath, { force: true }).catch(() => {});
    if (signal?.aborted) throw new DownloadCancelledError();
    if (err instanceof CoreError) throw err;
    throw new DownloadFailedError(`download of ${url} failed: ${errorMessage(err)}`, { cause: err });
  }
}

async function fsyncPath(p: string, flags: string): Promise<void> {
  const fh = await open(p, flags);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function fileSize(p: string): Promise<number> {
  try {
    return (await stat(p)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

async function restart(tempPath: string, state: HashState): Promise<void> {
  await truncate(tempPath, 0).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  state.hash = state.hash && createHash('sha256');
  state.bytes = 0;
}

/** Makes `state` describe the bytes already in `tempPath`, re-reading them (streamed) if needed. */
async function syncHashWithDisk(tempPath: string, state: HashState, signal?: AbortSignal): Promise<void> {
  const size = await fileSize(tempPath);
  if (size === state.bytes) return;
  if (!state.hash) {
    state.bytes = size;
    return;
  }
  state.hash = createHash('sha256');
  state.bytes = 0;
  if (size === 0) return;
  for await (const chunk of createReadStream(tempPath, { end: size - 1, signal })) {
    state.hash.update(chunk as Buffer);
    state.bytes += (chunk as Buffer).length;
  }
}

/** One HTTP exchange; resolves once the whole body is on disk. */
async function attempt(o: DownloadFileOptions, state: HashState): Promise<void> {
  const { tempPath, expectedSize, signal } = o;
  await syncHashWithDisk(tempPath, state, signal);
  if (expectedSize !== undefined && state.bytes > expectedSize) await restart(tempPath, state);
  // A crash between the last byte and the rename leaves a complete part file.
  if (expectedSize !== undefined && expectedSize > 0 && state.bytes === expectedSize) return;

  const resumeFrom = state.bytes;
  const activity: Activity = { last: Date.now(), throttled: false };
  const { res, stalled } = await get(o, resumeFrom > 0 ? { range: `bytes=${resumeFrom}-` } : {}, activity);
  const status = res.statusCode ?? 0;
  let total: number | null;
  let append = false;

  if (status === 206) {
    const range = parseContentRange(res.headers['content-range']);
    if (!range || range.start !== resumeFrom) {
      res.destroy();
      await restart(tempPath, state);
      throw new TransientError(`server resumed at the wrong offset (${res.headers['content-range'] ?? 'no Content-Range'})`);
    }
    append = resumeFrom > 0;
    total = range.total;
  } else if (status === 200) {
    // Range ignored: the body is the whole file again.
    if (resumeFrom > 0) await restart(tempPath, state);
    total = contentLength(res);
  } else if (status === 416) {
    res.resume();
    const serverTotal = parseUnsatisfiedRange(res.headers['content-range']);
    if (resumeFrom > 0 && (serverTotal ?? expectedSize) === resumeFrom) return;
    await restart(tempPath, state);
    throw new TransientError('server refused the resume range; starting over');
  } else {
    res.resume();
    if (status === 408 || status === 429 || status >= 500) {
      throw new TransientError(`server answered HTTP ${status}`, parseRetryAfter(res.headers['retry-after']));
    }
    throw new DownloadFailedError(`server answered HTTP ${status} for ${o.url}`);
  }

  if (expectedSize !== undefined && total !== null && total !== expectedSize) {
    res.destroy();
    throw new DownloadFailedError(`size mismatch: the server has ${total} bytes, the catalog says ${expectedSize}`);
  }
  const knownTotal = total ?? expectedSize ?? null;
  o.onProgress?.(state.bytes, knownTotal);

  const fh = await open(tempPath, append ? 'a' : 'w');
  const sink = new HashingFileSink(fh, state, expectedSize, () => o.onProgress?.(state.bytes, knownTotal), {
    limiter: o.rateLimiter,
    activity,
    signal,
    flushEvery: o.flushEveryBytes ?? FLUSH_EVERY_BYTES,
  });
  try {
    await pipeline(res, sink);
  } catch (err) {
    // A background flush that failed outranks whatever stopped the transfer (a cancel, a
    // dropped connection): the disk may not hold what was written, so nothing may resume from it.
    await sink.settleFlush();
    if (signal?.aborted || err instanceof CoreError) throw err;
    if (err instanceof LocalWriteError) throw err.cause;
    throw new TransientError(
      stalled() ? stalledMessage(o.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS) : `connection lost: ${errorMessage(err)}`,
    );
  } finally {
    await fh.close();
  }
  if (knownTotal !== null && state.bytes < knownTotal) {
    throw new TransientError(`connection closed after ${state.bytes} of ${knownTotal} bytes`);
  }
}

/** When the body last moved, and whether the rate limiter is holding it (then it is not stalled). */
interface Activity {
  last: number;
  throttled: boolean;
}

function stalledMessage(idleTimeoutMs: number): string {
  return `stalled: no data for ${idleTimeoutMs / 1000} s`;
}

/**
 * GET with redirects. Until the headers arrive the socket's idle timeout detects a stall; in
 * the body a watchdog does, since a body held back by the rate limiter is idle on purpose.
 */
async function get(
  o: DownloadFileOptions,
  headers: Record<string, string>,
  activity: Activity,
): Promise<{ res: http.IncomingMessage; stalled: () => boolean }> {
  const idleTimeoutMs = o.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  let url = new URL(o.url);
  for (let redirects = 0; ; redirects++) {
    let stalled = false;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const isHttps = url.protocol === 'https:';
      const agent = isHttps ? o.httpsAgent : o.httpAgent;
      const req = (isHttps ? https : http).get(url, { headers, signal: o.signal, ...(agent ? { agent } : {}) }, (res) => {
        req.setTimeout(0);
        // The file sink marks every chunk it takes (a 'data' listener here would start the flow early).
        activity.last = Date.now();
        const watchdog = setInterval(
          () => {
            if (activity.throttled || Date.now() - activity.last < idleTimeoutMs) return;
            stalled = true;
            req.destroy(new TransientError(stalledMessage(idleTimeoutMs)));
          },
          Math.min(STALL_CHECK_MS, Math.max(10, idleTimeoutMs / 4)),
        );
        watchdog.unref();
        res.once('close', () => clearInterval(watchdog));
        resolve(res);
      });
      req.setTimeout(idleTimeoutMs, () => {
        stalled = true;
        req.destroy(new TransientError(stalledMessage(idleTimeoutMs)));
      });
      req.on('error', (err) => {
        if (o.signal?.aborted) reject(err);
        else reject(err instanceof TransientError ? err : new TransientError(`request failed: ${errorMessage(err)}`));
      });
    });
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && status !== 304 && location) {
      res.resume();
      if (redirects >= MAX_REDIRECTS) throw new DownloadFailedError(`too many redirects from ${o.url}`);
      url = new URL(location, url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new DownloadFailedError(`redirected to a non-http URL: ${url.href}`);
      }
      continue;
    }
    return { res, stalled: () => stalled };
  }
}

function contentLength(res: http.IncomingMessage): number | null {
  const n = Number(res.headers['content-length']);
  return res.headers['content-length'] !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

function parseContentRange(value: string | undefined): { start: number; total: number | null } | null {
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/i.exec(value?.trim() ?? '');
  if (!m) return null;
  return { start: Number(m[1]), total: m[3] === '*' ? null : Number(m[3]) };
}

function parseUnsatisfiedRange(value: string | undefined): number | undefined {
  const m = /^bytes \*\/(\d+)$/i.exec(value?.trim() ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * Writes to the file and feeds the hash the same bytes; `state.bytes` counts only what is on
 * disk, so `state` describes exactly the bytes on disk whatever happens to the connection.
 */
class HashingFileSink extends Writable {
  constructor(
    private readonly fh: FileHandle,
    private readonly state: HashState,
    private readonly limit: number | undefined,
    private readonly onWritten: () => void,
    private readonly rate: { limiter: ByteRateLimiter | undefined; activity: Activity; signal: AbortSignal | undefined; flushEvery: number },
  ) {
    super({ highWaterMark: 1024 * 1024 });
  }

  /** Bytes written since the last flush was started. */
  private unflushed = 0;
  /** The flush in flight, if any: at most one. */
  private flushing: Promise<void> | null = null;
  /** A flush failed: the disk may not hold what was written, so the download must fail. */
  private flushError: unknown = null;

  override _final(cb: (err?: Error | null) => void): void {
    this.settleFlush().then(() => cb(), cb);
  }

  /** Waits for the flush in flight; throws (LocalWriteError) if a flush failed. */
  async settleFlush(): Promise<void> {
    await this.flushing;
    // An fsync error is reported once (the next fsync may succeed with the data lost): never ignored.
    if (this.flushError) throw new LocalWriteError(errorMessage(this.flushError), { cause: this.flushError });
  }

  private maybeFlush(length: number): void {
    this.unflushed += length;
    if (this.unflushed < this.rate.flushEvery || this.flushing) return;
    this.unflushed = 0;
    this.flushing = this.fh.datasync().then(
      () => void (this.flushing = null),
      (err: unknown) => {
        this.flushError ??= err;
        this.flushing = null;
      },
    );
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.rate.activity.last = Date.now();
    this.writeAll(chunk).then(() => cb(), cb);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, cb: (err?: Error | null) => void): void {
    this.rate.activity.last = Date.now();
    this.writeAll(chunks.map((c) => c.chunk)).then(() => cb(), cb);
  }

  /**
   * Writes the chunks in order, hashing what was written. Under a rate limit, slice by slice
   * as the limiter grants them; otherwise in one writev.
   */
  private async writeAll(input: Buffer | Buffer[]): Promise<void> {
    const bufs = Array.isArray(input) ? input : [input];
    const length = bufs.reduce((n, b) => n + b.length, 0);
    if (this.limit !== undefined && this.state.bytes + length > this.limit) {
      throw new DownloadFailedError(`size mismatch: the server sent more than the catalog's ${this.limit} bytes`);
    }
    const { limiter, activity, signal } = this.rate;
    if (!limiter) return this.writeCounted(bufs, length);
    for (const buf of bufs) {
      for (let off = 0; off < buf.length; off += RATE_LIMIT_SLICE_BYTES) {
        const slice = buf.subarray(off, off + RATE_LIMIT_SLICE_BYTES);
        activity.throttled = true;
        try {
          await limiter.take(slice.length, signal);
        } finally {
          activity.throttled = false;
          activity.last = Date.now();
        }
        await this.writeCounted([slice], slice.length);
      }
    }
  }

  /**
   * One writev of `input` (continued after short writes) and the hash of the same bytes,
   * computed while the write is in the thread pool: the digest is CPU on this thread, the
   * write is the disk's, and doing them one after the other cost a download about a tenth
   * of its rate (bench/README.md, Download).
   */
  private async writeCounted(input: Buffer[], length: number): Promise<void> {
    let bufs = input;
    let write = this.fh.writev(bufs);
    if (this.state.hash) for (const b of input) this.state.hash.update(b);
    try {
      for (let left = length; ; ) {
        let written = (await write).bytesWritten;
        left -= written;
        if (left <= 0) break;
        // A short write: go on from the first byte not yet on disk.
        while (written > 0 && bufs.length > 0) {
          const first = bufs[0]!;
          if (written >= first.length) {
            written -= first.length;
            bufs = bufs.slice(1);
          } else {
            bufs = [first.subarray(written), ...bufs.slice(1)];
            written = 0;
          }
        }
        write = this.fh.writev(bufs);
      }
    } catch (err) {
      // The hash took bytes the disk may not have; that is harmless because a local write
      // error ends the download (it is never retried), so this hash is not used again.
      throw new LocalWriteError(errorMessage(err), { cause: err });
    }
    if (this.flushError) await this.settleFlush();
    this.state.bytes += length;
    this.maybeFlush(length);
    this.onWritten();
  }
}
