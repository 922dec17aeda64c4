import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DownloadFileOptions, downloadFile } from '../../src/core/downloader.js';
import { DownloadCancelledError, DownloadFailedError } from '../../src/core/errors.js';
import { type CatalogServer, type MediaBehaviour, sha256Hex, startCatalogServer, syntheticContent } from '../helpers/catalog-server.js';

const SIZE = 300_000;
const content = syntheticContent(SIZE, 42);
const MEDIA = '/media/naruto/1/1.mp4';

let server: CatalogServer;
let dir: string;
let destPath: string;
let tempPath: string;

beforeEach(async () => {
  server = await startCatalogServer();
  dir = await mkdtemp(path.join(os.tmpdir(), 'core-downloader-'));
  destPath = path.join(dir, 'Season 01', 'Naruto - S01E01.mp4');
  tempPath = path.join(dir, 'Season 01', '.Naruto - S01E01.mp4.part');
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function serve(behaviour: MediaBehaviour = {}) {
  return server.setMedia(MEDIA, content, behaviour);
}

function download(extra: Partial<DownloadFileOptions> = {}) {
  const progress: Array<[number, number | null]> = [];
  const promise = downloadFile({
    url: server.url + MEDIA,
    destPath,
    tempPath,
    expectedSize: SIZE,
    sha256: sha256Hex(content),
    idleTimeoutMs: 500,
    backoffMs: 5,
    maxBackoffMs: 20,
    retryBudgetMs: 2_000,
    maxAttempts: 5,
    onProgress: (c, t) => progress.push([c, t]),
    ...extra,
  });
  return { promise, progress };
}

async function filesIn(d: string): Promise<string[]> {
  return (await readdir(d, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

const ranges = () => server.requestsTo(MEDIA).map((r) => r.range ?? null);
const statuses = () => server.requestsTo(MEDIA).map((r) => r.status);

describe('downloadFile', () => {
  it('downloads, verifies and renames into place, reporting progress', async () => {
    serve();
    const { promise, progress } = download();
    const result = await promise;
    expect(result).toEqual({ path: destPath, size: SIZE, sha256: sha256Hex(content) });
    expect((await readFile(destPath)).equals(content)).toBe(true);
    expect(await filesIn(dir)).toEqual(['Season 01/Naruto - S01E01.mp4']);
    expect(progress.at(-1)).toEqual([SIZE, SIZE]);
    expect(progress.every(([, t]) => t === SIZE)).toBe(true);
    expect(progress.map(([c]) => c)).toEqual([...progress.map(([c]) => c)].sort((a, b) => a - b));
  });

  it('works without size and sha256 from the catalog, and with a chunked body', async () => {
    serve({ chunked: true });
    const { promise, progress } = download({ expectedSize: undefined, sha256: undefined });
    // Nothing to check the bytes against, so they are not hashed: compare the file itself.
    expect((await promise).sha256).toBeNull();
    expect(sha256Hex(await readFile(destPath))).toBe(sha256Hex(content));
    expect(progress.at(-1)).toEqual([SIZE, null]);
  });

  it('resumes with Range after a dropped connection', async () => {
    // Paced, so that bytes are on disk before the drop: bytes the client has received but not
    // read when the connection fails are lost to it (on Node 22 the unpaced drop lost all of them).
    serve({ dropAfterBytes: 100_000, bytesPerSecond: 1_000_000 });
    const result = await download().promise;
    expect(result.sha256).toBe(sha256Hex(content));
    expect(statuses()).toEqual([200, 206]);
    const [first, second] = ranges();
    expect(first).toBeNull();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(second ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(100_000);
    expect((await readFile(destPath)).equals(content)).toBe(true);
  });

  it('resumes after a stall (idle timeout)', async () => {
    serve({ stallAfterBytes: 50_000 });
    const result = await download({ idleTimeoutMs: 150 }).promise;
    expect(result.sha256).toBe(sha256Hex(content));
    expect(ranges()[1]).toMatch(/^bytes=\d+-$/);
  });

  it('starts over when the server ignores Range', async () => {
    serve({ ranges: false, dropAfterBytes: 100_000, bytesPerSecond: 1_000_000 }); // paced: see above
    const result = await download().promise;
    expect(result.sha256).toBe(sha256Hex(content));
    expect(statuses()).toEqual([200, 200]);
    expect(ranges()[1]).toMatch(/^bytes=/);
    expect((await readFile(destPath)).equals(content)).toBe(true);
  });

  it('retries 503 and succeeds', async () => {
    serve({ failFirst: 2, failStatus: 503, retryAfter: '0' });
    await download().promise;
    expect(statuses()).toEqual([503, 503, 200]);
  });

  it('gives up on a server that keeps failing, in bounded time, leaving nothing', async () => {
    serve({ status: 500 });
    const started = Date.now();
    const err = await download({ maxAttempts: 100, retryBudgetMs: 300 }).promise.catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err).toBeInstanceOf(DownloadFailedError);
    expect(err).toMatchObject({ code: 'DOWNLOAD_FAILED', message: expect.stringMatching(/HTTP 500/) });
    expect(server.requestsTo(MEDIA).length).toBeGreaterThan(1);
    expect(await filesIn(dir)).toEqual([]);
  });

  it('stops after maxAttempts', async () => {
    serve({ status: 502 });
    const err = await download({ maxAttempts: 3, retryBudgetMs: 60_000 }).promise.catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/after 3 attempt\(s\).*HTTP 502/);
    expect(server.requestsTo(MEDIA)).toHaveLength(3);
  });

  it('fails at once on a permanent 4xx', async () => {
    serve({ status: 404 });
    await expect(download().promise).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED', message: expect.stringMatching(/HTTP 404/) });
    expect(server.requestsTo(MEDIA)).toHaveLength(1);
  });

  it('fails on a size mismatch and leaves no file', async () => {
    serve();
    const err = await download({ expectedSize: SIZE + 1 }).promise.catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DOWNLOAD_FAILED', message: expect.stringMatching(/size mismatch/) });
    expect(await filesIn(dir)).toEqual([]);
  });

  it('fails when a chunked body overruns the expected size', async () => {
    serve({ chunked: true });
    const err = await download({ expectedSize: SIZE - 10 }).promise.catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DOWNLOAD_FAILED', message: expect.stringMatching(/size mismatch/) });
    expect(await filesIn(dir)).toEqual([]);
  });

  it('fails on a sha256 mismatch and leaves no file', async () => {
    serve();
    const wrong = 'f'.repeat(64);
    const err = await download({ sha256: wrong }).promise.catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DOWNLOAD_FAILED', message: expect.stringContaining(`sha256 mismatch: got ${sha256Hex(content)}`) });
    expect(await filesIn(dir)).toEqual([]);
  });

  it('cancels: rejects with CANCELLED and removes the part file', async () => {
    serve({ bytesPerSecond: 200_000 });
    const ac = new AbortController();
    let sawBytes!: () => void;
    const gotBytes = new Promise<void>((r) => (sawBytes = r));
    const promise = downloadFile({
      url: server.url + MEDIA,
      destPath,
      tempPath,
      signal: ac.signal,
      onProgress: (c) => c > 0 && sawBytes(),
    });
    await gotBytes;
    ac.abort();
    const err = await promise.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadCancelledError);
    expect(err).toMatchObject({ code: 'CANCELLED' });
    expect(await filesIn(dir)).toEqual([]);
  });

  it('rejects at once when the signal is already aborted', async () => {
    serve();
    await expect(download({ signal: AbortSignal.abort() }).promise).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(server.requestsTo(MEDIA)).toHaveLength(0);
  });

  it('resumes from an existing part file, hashing its bytes too', async () => {
    serve();
    await mkdir(path.dirname(tempPath), { recursive: true });
    await writeFile(tempPath, content.subarray(0, 120_000));
    const { promise, progress } = download();
    const result = await promise;
    expect(result.sha256).toBe(sha256Hex(content));
    expect(ranges()).toEqual(['bytes=120000-']);
    expect(statuses()).toEqual([206]);
    expect(progress[0]).toEqual([120_000, SIZE]);
    expect(await filesIn(dir)).toEqual(['Season 01/Naruto - S01E01.mp4']);
  });

  it('a resumed part with wrong bytes fails the sha256 check and is removed', async () => {
    serve();
    await mkdir(path.dirname(tempPath), { recursive: true });
    await writeFile(tempPath, Buffer.alloc(1000, 7));
    await expect(download().promise).rejects.toMatchObject({ message: expect.stringMatching(/sha256 mismatch/) });
    expect(await filesIn(dir)).toEqual([]);
  });

  it('finishes a complete part file the server answers 416 for', async () => {
    serve();
    await mkdir(path.dirname(tempPath), { recursive: true });
    await writeFile(tempPath, content);
    const result = await download({ expectedSize: undefined }).promise;
    expect(result.sha256).toBe(sha256Hex(content));
    expect(statuses()).toEqual([416]);
  });

  it('starts over when the part file is larger than the server copy (416)', async () => {
    serve();
    await mkdir(path.dirname(tempPath), { recursive: true });
    await writeFile(tempPath, Buffer.concat([content, Buffer.alloc(10)]));
    const result = await download({ expectedSize: undefined }).promise;
    expect(result.sha256).toBe(sha256Hex(content));
    expect(statuses()).toEqual([416, 200]);
  });

  it('follows redirects, and not forever', async () => {
    serve();
    server.setRoute('/redirect', { status: 302, headers: { location: MEDIA } });
    expect((await download({ url: `${server.url}/redirect` }).promise).sha256).toBe(sha256Hex(content));
    server.setRoute('/loop', { status: 301, headers: { location: '/loop' } });
    await expect(download({ url: `${server.url}/loop` }).promise).rejects.toMatchObject({ message: expect.stringMatching(/too many redirects/) });
    await expect(download({ url: `${server.url}/nowhere` }).promise).rejects.toMatchObject({ message: expect.stringMatching(/HTTP 404/) });
  });
});

describe('downloadFile flushes the part file as it goes', () => {
  /** FileHandle's prototype, whose datasync the downloader calls (no export names the class). */
  async function fileHandleProto(): Promise<{ datasync: () => Promise<void> }> {
    const { open } = await import('node:fs/promises');
    const fh = await open(path.join(dir, 'probe'), 'w');
    await fh.close();
    return Object.getPrototypeOf(fh) as { datasync: () => Promise<void> };
  }

  it('hands written bytes to the disk during the transfer, not only before the rename', async () => {
    serve();
    const proto = await fileHandleProto();
    const original = proto.datasync;
    let calls = 0;
    proto.datasync = function (this: unknown) {
      calls++;
      return original.call(this);
    };
    try {
      const { promise } = download({ flushEveryBytes: 16 * 1024 });
      await promise;
    } finally {
      proto.datasync = original;
    }
    // The fsync before the rename is sync() on a handle of its own: these are the sink's.
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(await readFile(destPath)).toEqual(content);
  });

  it('a flush that fails fails the download and leaves no file (an fsync error is never ignored)', async () => {
    serve();
    const proto = await fileHandleProto();
    const original = proto.datasync;
    proto.datasync = () => Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    try {
      const { promise } = download({ flushEveryBytes: 16 * 1024 });
      await expect(promise).rejects.toThrow(DownloadFailedError);
      await expect(promise).rejects.toThrow(/EIO/);
    } finally {
      proto.datasync = original;
    }
    expect((await filesIn(dir)).filter((f) => f !== 'probe')).toEqual([]);
  });

  it('a flush that fails while the connection drops fails the download instead of resuming on a disk that lost bytes', async () => {
    // The drop comes while the first flush is still in flight; later flushes succeed, as an
    // fsync after a failed one can although the data is gone.
    serve({ dropAfterBytes: 100_000, bytesPerSecond: 1_000_000 });
    const proto = await fileHandleProto();
    const original = proto.datasync;
    let calls = 0;
    proto.datasync = function (this: unknown) {
      if (++calls > 1) return original.call(this);
      return new Promise<void>((_, reject) =>
        setTimeout(() => reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })), 300),
      );
    };
    try {
      const { promise } = download({ flushEveryBytes: 16 * 1024 });
      await expect(promise).rejects.toThrow(/EIO/);
    } finally {
      proto.datasync = original;
    }
    expect(server.requestsTo(MEDIA)).toHaveLength(1);
    expect((await filesIn(dir)).filter((f) => f !== 'probe')).toEqual([]);
  });
});
