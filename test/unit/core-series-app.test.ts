import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCatalogClient } from '../../src/core/catalog-client.js';
import {
  type DownloadStatusEvent,
  type ScanStatusEvent,
  SeriesApp,
  type SeriesAppEvents,
} from '../../src/core/series-app.js';
import { type CatalogServer, sha256Hex, startCatalogServer } from '../helpers/catalog-server.js';

let server: CatalogServer;
let library: string;
let app: SeriesApp;

beforeEach(async () => {
  server = await startCatalogServer();
  library = await mkdtemp(path.join(os.tmpdir(), 'core-app-'));
  app = new SeriesApp({
    libraryDir: library,
    catalog: createCatalogClient({ baseUrl: server.url, retries: 1, backoffMs: 5 }),
    scanConcurrency: 2,
    downloader: { backoffMs: 5, maxBackoffMs: 20, retryBudgetMs: 1_000, idleTimeoutMs: 1_000 },
  });
});
afterEach(async () => {
  await server.close();
  await rm(library, { recursive: true, force: true });
});

function record<K extends keyof SeriesAppEvents>(name: K): Array<SeriesAppEvents[K][0]> {
  const events: Array<SeriesAppEvents[K][0]> = [];
  app.on(name, ((e: SeriesAppEvents[K][0]) => events.push(e)) as never);
  return events;
}

/** Resolves with the first event matching, rejecting after `timeoutMs`. */
function waitForEvent<K extends keyof SeriesAppEvents>(
  name: K,
  match: (e: SeriesAppEvents[K][0]) => boolean,
  timeoutMs = 5_000,
): Promise<SeriesAppEvents[K][0]> {
  return new Promise((resolve, reject) => {
    const listener = ((e: SeriesAppEvents[K][0]) => {
      if (!match(e)) return;
      clearTimeout(timer);
      app.off(name, listener);
      resolve(e);
    }) as never;
    const timer = setTimeout(() => {
      app.off(name, listener);
      reject(new Error(`no matching ${name} event within ${timeoutMs} ms`));
    }, timeoutMs);
    app.on(name, listener);
  });
}

async function writeSeries(folder: string, key: string, name: string, files: string[] = []) {
  await mkdir(path.join(library, folder), { recursive: true });
  await writeFile(path.join(library, folder, 'series.json'), JSON.stringify({ key, name }));
  for (const f of files) {
    await mkdir(path.dirname(path.join(library, folder, f)), { recursive: true });
    await writeFile(path.join(library, folder, f), 'x');
  }
}

describe('SeriesApp.addSeries', () => {
  it('creates the folder from the catalog name', async () => {
    server.addEpisode('fma', 'Fullmetal Alchemist: Brotherhood', 1, 1, 10);
    expect(await app.addSeries('fma')).toMatchObject({ key: 'fma', name: 'Fullmetal Alchemist: Brotherhood', folder: 'Fullmetal Alchemist Brotherhood', catalog: { key: 'fma' } });
    expect(JSON.parse(await readFile(path.join(library, 'Fullmetal Alchemist Brotherhood', 'series.json'), 'utf8'))).toEqual({
      key: 'fma',
      name: 'Fullmetal Alchemist: Brotherhood',
    });
    expect((await app.listSeries()).map((s) => s.folder)).toEqual(['Fullmetal Alchemist Brotherhood']);
  });

  it('uses the folder given, and refuses an existing one', async () => {
    server.addEpisode('naruto', 'Naruto', 1, 1, 10);
    expect((await app.addSeries('naruto', 'Naruto (2002)')).folder).toBe('Naruto (2002)');
    await expect(app.addSeries('naruto', 'Naruto (2002)')).rejects.toMatchObject({ code: 'FOLDER_EXISTS' });
  });

  it('creates nothing for an unknown key', async () => {
    await expect(app.addSeries('nope')).rejects.toMatchObject({ code: 'CATALOG_NOT_FOUND' });
    expect(await readdir(library)).toEqual([]);
  });

  it.each(['../x', 'a/b', '', '..', 'x\u0000'])('refuses folder %j without asking the catalog', async (folder) => {
    server.addEpisode('naruto', 'Naruto', 1, 1, 10);
    await expect(app.addSeries('naruto', folder)).rejects.toMatchObject({ code: 'INVALID_FOLDER' });
    expect(server.requests).toHaveLength(0);
    expect(await readdir(library)).toEqual([]);
    expect(await readdir(path.dirname(library))).not.toContain('x');
  });
});

describe('SeriesApp.rescan', () => {
  it('reports missing episodes with events in order; a failing lookup does not fail the scan', async () => {
    for (let e = 1; e <= 3; e++) server.addEpisode('naruto', 'Naruto', 1, e, 10, { title: `N${e}` });
    server.addEpisode('naruto', 'Naruto', 2, 1, 10);
    server.addEpisode('bebop', 'Cowboy Bebop', 1, 1, 10);
    await writeSeries('Naruto', 'naruto', 'Naruto', ['Season 01/Naruto - S01E01.mp4', 'extras/naruto.s2e1.MKV', 'Season 01/S01E03.srt']);
    await writeSeries('Bebop', 'bebop', 'Cowboy Bebop', ['S01E01 - Asteroid Blues.avi']);
    await writeSeries('Gone', 'gone', 'Gone');
    await mkdir(path.join(library, 'Not a series'));
    const events = record('scan_status');

    const result = await app.rescan();

    expect(result.series.map(({ catalog: _c, ...rest }) => rest)).toEqual([
      { key: 'bebop', name: 'Cowboy Bebop', folder: 'Bebop', missingEpisodes: [] },
      { key: 'gone', name: 'Gone', folder: 'Gone', missingEpisodes: [], error: 'catalog has no series with key "gone"' },
      {
        key: 'naruto',
        name: 'Naruto',
        folder: 'Naruto',
        missingEpisodes: [
          { season: 1, episode: 2, title: 'N2' },
          { season: 1, episode: 3, title: 'N3' },
        ],
      },
    ]);
    expect(result.series[2]!.catalog?.key).toBe('naruto');
    expect(events[0]).toEqual({ status: 'started', total: 3 });
    const progress = events.slice(1, 4) as Array<Extract<ScanStatusEvent, { status: 'progress' }>>;
    expect(progress.map((e) => [e.status, e.current, e.total])).toEqual([
      ['progress', 1, 3],
      ['progress', 2, 3],
      ['progress', 3, 3],
    ]);
    expect(progress.map((e) => e.folder).sort()).toEqual(['Bebop', 'Gone', 'Naruto']);
    expect(events[4]).toEqual({ status: 'completed', current: 3, total: 3, result });
    expect(events).toHaveLength(5);
  });

  it('fails when the catalog answers for no series at all', async () => {
    await writeSeries('Gone', 'gone', 'Gone');
    await writeSeries('Lost', 'lost', 'Lost');
    const events = record('scan_status');
    await expect(app.rescan()).rejects.toMatchObject({ code: 'CATALOG_UNAVAILABLE' });
    expect(events.at(-1)).toMatchObject({ status: 'failed', error: expect.stringContaining('none of the 2 series') });
  });

  it('scans an empty or missing library', async () => {
    await rm(library, { recursive: true });
    const events = record('scan_status');
    expect(await app.rescan()).toEqual({ series: [] });
    expect(events.map((e) => e.status)).toEqual(['started', 'completed']);
  });

  it('refuses a second scan while one runs, and can cancel it', async () => {
    server.addEpisode('naruto', 'Naruto', 1, 1, 10);
    server.setRoute('/series/naruto', { delayMs: 10_000, body: {} });
    await writeSeries('Naruto', 'naruto', 'Naruto');
    const events = record('scan_status');
    expect(app.cancelScan()).toBe(false);

    const first = app.rescan();
    await expect(app.rescan()).rejects.toMatchObject({ code: 'SCAN_IN_PROGRESS' });
    await server.waitForRequest((r) => r.path === '/series/naruto');
    expect(app.cancelScan()).toBe(true);
    await expect(first).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(events.map((e) => e.status)).toEqual(['started', 'cancelled']);

    // The next scan may run.
    server.setRoute('/series/naruto', null);
    expect((await app.rescan()).series).toHaveLength(1);
  });

  it('cancels through a signal', async () => {
    await writeSeries('Naruto', 'naruto', 'Naruto');
    server.setRoute('/series/naruto', { delayMs: 10_000, body: {} });
    const ac = new AbortController();
    const p = app.rescan({ signal: ac.signal });
    await server.waitForRequest((r) => r.path === '/series/naruto');
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('SeriesApp.download', () => {
  it('downloads to the contract path with events in order', async () => {
    const ep = server.addEpisode('naruto', 'Naruto', 1, 1, 200_000);
    await writeSeries('Naruto', 'naruto', 'Naruto');
    const events = record('download_status');

    const result = await app.download({ serieFolder: 'Naruto', season: 1, episode: 1 });

    expect(result).toEqual({ filePath: 'Naruto/Season 01/Naruto - S01E01.mp4', size: ep.size, sha256: ep.sha256 });
    expect(sha256Hex(await readFile(path.join(library, result.filePath)))).toBe(ep.sha256);
    expect(await readdir(path.join(library, 'Naruto', 'Season 01'))).toEqual(['Naruto - S01E01.mp4']);
    const base = { serieFolder: 'Naruto', season: 1, episode: 1 };
    expect(events[0]).toEqual({ ...base, status: 'started', current: 0, total: null });
    expect(events.at(-1)).toEqual({ ...base, status: 'completed', current: ep.size, total: ep.size, filePath: result.filePath });
    const middle = events.slice(1, -1);
    expect(middle.length).toBeGreaterThan(0);
    expect(middle.every((e) => e.status === 'progress' && e.total === ep.size)).toBe(true);
  });

  it('keeps the extension of the media URL and resumes a part file left by a crash', async () => {
    const ep = server.addEpisode('bebop', 'Cowboy Bebop', 2, 10, 100_000, { ext: 'mkv' });
    await writeSeries('Bebop', 'bebop', 'Cowboy Bebop');
    const seasonDir = path.join(library, 'Bebop', 'Season 02');
    await mkdir(seasonDir, { recursive: true });
    const buf = await (await fetch(ep.url)).arrayBuffer();
    await writeFile(path.join(seasonDir, '.Cowboy Bebop - S02E10.mkv.part'), Buffer.from(buf).subarray(0, 40_000));

    const result = await app.download({ serieFolder: 'Bebop', season: 2, episode: 10 });
    expect(result.filePath).toBe('Bebop/Season 02/Cowboy Bebop - S02E10.mkv');
    expect(server.requestsTo(ep.path).at(-1)?.range).toBe('bytes=40000-');
    expect(await readdir(seasonDir)).toEqual(['Cowboy Bebop - S02E10.mkv']);
  });

  it('fails with typed errors and a failed event', async () => {
    server.addEpisode('naruto', 'Naruto', 1, 1, 10);
    await writeSeries('Naruto', 'naruto', 'Naruto');
    await mkdir(path.join(library, 'Plain'));
    const events = record('download_status');

    await expect(app.download({ serieFolder: 'Plain', season: 1, episode: 1 })).rejects.toMatchObject({ code: 'NOT_A_SERIES' });
    await expect(app.download({ serieFolder: '../etc', season: 1, episode: 1 })).rejects.toMatchObject({ code: 'INVALID_FOLDER' });
    await expect(app.download({ serieFolder: 'Naruto', season: 1, episode: 9 })).rejects.toMatchObject({ code: 'EPISODE_NOT_IN_CATALOG' });
    expect(events.map((e) => [e.status, e.code])).toEqual([
      ['started', undefined],
      ['failed', 'NOT_A_SERIES'],
      ['started', undefined],
      ['failed', 'INVALID_FOLDER'],
      ['started', undefined],
      ['failed', 'EPISODE_NOT_IN_CATALOG'],
    ]);
    expect(events[5]!.error).toBe('catalog series "naruto" has no season 1 episode 9');
  });

  it('fails on a sha256 mismatch, leaving no file', async () => {
    server.addEpisode('naruto', 'Naruto', 1, 1, 50_000, { sha256: '0'.repeat(64) });
    await writeSeries('Naruto', 'naruto', 'Naruto');
    const events = record('download_status');
    await expect(app.download({ serieFolder: 'Naruto', season: 1, episode: 1 })).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED' });
    expect(events.at(-1)).toMatchObject({ status: 'failed', code: 'DOWNLOAD_FAILED', error: expect.stringMatching(/sha256 mismatch/) });
    expect(await readdir(path.join(library, 'Naruto', 'Season 01'))).toEqual([]);
  });

  it('cancels through the signal, leaving no part file; refuses the same episode twice at once', async () => {
    server.addEpisode('naruto', 'Naruto', 1, 1, 400_000, { behaviour: { bytesPerSecond: 200_000 } });
    await writeSeries('Naruto', 'naruto', 'Naruto');
    const ac = new AbortController();
    const ref = { serieFolder: 'Naruto', season: 1, episode: 1 };
    const p = app.download(ref, { signal: ac.signal });
    await waitForEvent('download_status', (e: DownloadStatusEvent) => e.status === 'progress' && e.current > 0);
    await expect(app.download(ref)).rejects.toMatchObject({ code: 'DOWNLOAD_IN_PROGRESS' });
    const cancelled = waitForEvent('download_status', (e) => e.status === 'cancelled');
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    expect((await cancelled).current).toBeGreaterThan(0);
    expect(await readdir(path.join(library, 'Naruto', 'Season 01'))).toEqual([]);
  });

  it('never writes outside the library through a symlinked Season folder or part file', async () => {
    server.addEpisode('naruto', 'Naruto', 1, 1, 1_000);
    server.addEpisode('naruto', 'Naruto', 2, 1, 1_000);
    await writeSeries('Naruto', 'naruto', 'Naruto');
    const outside = await mkdtemp(path.join(os.tmpdir(), 'core-outside-'));
    try {
      await symlink(outside, path.join(library, 'Naruto', 'Season 01'));
      await expect(app.download({ serieFolder: 'Naruto', season: 1, episode: 1 })).rejects.toMatchObject({ code: 'PATH_OUTSIDE_LIBRARY' });
      await mkdir(path.join(library, 'Naruto', 'Season 02'));
      const victim = path.join(outside, 'victim');
      await writeFile(victim, 'keep');
      await symlink(victim, path.join(library, 'Naruto', 'Season 02', '.Naruto - S02E01.mp4.part'));
      await app.download({ serieFolder: 'Naruto', season: 2, episode: 1 });
      expect(await readdir(outside)).toEqual(['victim']);
      expect(await readFile(victim, 'utf8')).toBe('keep');
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
