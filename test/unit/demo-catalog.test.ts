import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogClient } from '../../src/core/catalog-client.js';
import { DEMO_SERIES, type DemoCatalog, startDemoCatalog } from '../../src/demo/demo-catalog.js';
import { downloadFile } from '../../src/core/downloader.js';

let demo: DemoCatalog;
let dir: string;

beforeAll(async () => {
  const started = Date.now();
  demo = await startDemoCatalog({ bytesPerSecond: 0 });
  expect(Date.now() - started).toBeLessThan(1_000);
  dir = await mkdtemp(path.join(os.tmpdir(), 'core-demo-'));
});
afterAll(async () => {
  await demo.close();
  await rm(dir, { recursive: true, force: true });
});

async function sha256Of(url: string, headers: Record<string, string> = {}): Promise<{ status: number; sha256: string; bytes: Buffer }> {
  const res = await fetch(url, { headers });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

describe('demo catalog', () => {
  it('serves every demo series through the catalog contract', async () => {
    const client = createCatalogClient({ baseUrl: demo.url });
    expect(DEMO_SERIES.length).toBeGreaterThanOrEqual(3);
    for (const s of DEMO_SERIES) {
      const series = await client.getSeries(s.key);
      expect(series.name).toBe(s.name);
      const episodes = series.seasons.flatMap((x) => x.episodes);
      expect(episodes.length).toBeGreaterThanOrEqual(3);
      for (const e of episodes) {
        expect(e.size).toBeGreaterThanOrEqual(3 * 1024 * 1024);
        expect(e.sha256).toMatch(/^[0-9a-f]{64}$/);
      }
    }
    await expect(client.getSeries('naruto')).rejects.toMatchObject({ code: 'CATALOG_NOT_FOUND' });
    expect(await client.search('BEBOP')).toEqual([{ key: 'cowboy-bebop', name: 'Cowboy Bebop' }]);
    expect((await client.search('')).length).toBe(DEMO_SERIES.length);
  });

  it('serves bytes matching the catalog sha256, for a full GET and a ranged resume', async () => {
    const series = await createCatalogClient({ baseUrl: demo.url }).getSeries('mushishi');
    const ep = series.seasons[1]!.episodes[0]!;
    const full = await sha256Of(ep.url);
    expect(full.status).toBe(200);
    expect(full.bytes.length).toBe(ep.size);
    expect(full.sha256).toBe(ep.sha256);

    const tail = await sha256Of(ep.url, { range: 'bytes=1000000-' });
    expect(tail.status).toBe(206);
    expect(tail.bytes.equals(full.bytes.subarray(1_000_000))).toBe(true);

    // The downloader resuming a part file lands on the same hash.
    const tempPath = path.join(dir, 'Season 02', '.x.part');
    const destPath = path.join(dir, 'Season 02', 'Mushi-Shi - S02E01.mp4');
    await mkdir(path.dirname(tempPath), { recursive: true });
    await writeFile(tempPath, full.bytes.subarray(0, 1_234_567));
    const result = await downloadFile({ url: ep.url, destPath, tempPath, expectedSize: ep.size!, sha256: ep.sha256! });
    expect(result.sha256).toBe(ep.sha256);

    expect((await fetch(`${ep.url}`, { headers: { range: `bytes=${ep.size}-` } })).status).toBe(416);
    expect((await fetch(`${demo.url}/media/mushishi/9/1.mp4`)).status).toBe(404);
  });

  it('throttles media to bytesPerSecond', async () => {
    const slow = await startDemoCatalog({ bytesPerSecond: 1024 * 1024 });
    try {
      const series = await createCatalogClient({ baseUrl: slow.url }).getSeries('frieren');
      const started = Date.now();
      const part = await sha256Of(series.seasons[0]!.episodes[0]!.url, { range: 'bytes=0-262143' });
      expect(part.bytes.length).toBe(262_144);
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    } finally {
      await slow.close();
    }
  });
});
