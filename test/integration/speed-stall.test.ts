/**
 * The speed cap (one token bucket for all downloads, changed live) and stall detection
 * (STALL_TIMEOUT), against the catalog test server. Rates are measured from the progress
 * records' own byte counts and timestamps over several seconds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ProgressEventMessage } from '../../src/client/index.js';
import { AddSeriesDocument, CancelDownloadDocument, EnqueueDownloadsDocument, UpdateSettingsDocument } from '../../src/client/operations.js';
import { sleep } from '../helpers/wait.js';
import type { AppConfig } from '../../src/config.js';
import type { TestApp } from '../helpers/app.js';
import type { CatalogServer, MediaBehaviour } from '../helpers/catalog-server.js';
import { cleanupList, downloadId, reached, recordEvents, startAppWithCatalog } from '../helpers/library-flow.js';

const cleanups = cleanupList();
afterEach(() => cleanups.run());

/** The cap must hold within this share over a measurement (the 15 %). */
const TOLERANCE = 0.15;

async function setup(
  sizes: number[],
  config: Partial<AppConfig>,
  behaviour: MediaBehaviour = {},
): Promise<{ app: TestApp; catalog: CatalogServer }> {
  const { app, catalog } = await startAppWithCatalog(cleanups, config);
  sizes.forEach((size, i) => catalog.addEpisode('naruto', 'Naruto', 1, i + 1, size, { behaviour }));
  await app.client.request(AddSeriesDocument, { key: 'naruto' });
  return { app, catalog };
}

const ep = (episode: number) => ({ serieFolder: 'Naruto', season: 1, episode });
const ms = (iso: string) => Date.parse(iso);

/** Bytes on disk of all downloads together after each event, with the event's time. */
function totals(events: readonly ProgressEventMessage[]): Array<{ at: number; bytes: number }> {
  const current = new Map<string, number>();
  return events.map((e) => {
    current.set(e.progress.id, e.progress.current);
    return { at: ms(e.progress.updatedAt), bytes: [...current.values()].reduce((a, b) => a + b, 0) };
  });
}

/** Bytes per second between the first sample at or past `fromBytes` and the last sample. */
function rateAfter(samples: Array<{ at: number; bytes: number }>, fromBytes: number): { rate: number; seconds: number } {
  const first = samples.find((s) => s.bytes >= fromBytes)!;
  const last = samples[samples.length - 1]!;
  const seconds = (last.at - first.at) / 1000;
  return { rate: (last.bytes - first.bytes) / seconds, seconds };
}

describe('speed limit', () => {
  it('caps two downloads together at the limit, measured over several seconds', async () => {
    const cap = 250_000;
    const { app } = await setup([600_000, 600_000], { downloadConcurrency: 2, speedLimit: cap });
    const events = recordEvents(app.client, { types: ['DOWNLOAD'], after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());
    await app.client.request(EnqueueDownloadsDocument, { episodes: [ep(1), ep(2)] });
    const ids = [downloadId('Naruto', 1, 1), downloadId('Naruto', 1, 2)];
    await events.until((all) => ids.every((id) => reached(id, 'COMPLETED')(all)), 'both COMPLETED', 20_000);
    // Both ran at once, sharing the cap.
    const firstDone = events.items.findIndex((e) => e.progress.status === 'COMPLETED');
    expect(ids.every((id) => events.items.slice(0, firstDone).some((e) => e.progress.id === id && e.progress.current > 0))).toBe(true);
    const { rate, seconds } = rateAfter(totals(events.items), 50_000);
    expect(seconds).toBeGreaterThan(3.5);
    expect(Math.abs(rate - cap) / cap, `achieved ${Math.round(rate)} B/s over ${seconds} s, cap ${cap}`).toBeLessThan(TOLERANCE);
  });

  it('a change applies to a running download within a second; speed and ETA follow it', async () => {
    const { app } = await setup([2_400_000], { speedLimit: 150_000 });
    const id = downloadId('Naruto', 1, 1);
    const events = recordEvents(app.client, { ids: [id], after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());
    await app.client.request(EnqueueDownloadsDocument, { episodes: [ep(1)] });
    await events.until((all) => all.some((e) => e.progress.current >= 300_000), '300 kB at the first cap', 10_000);
    const slow = events.items.filter((e) => e.progress.status === 'IN_PROGRESS' && e.progress.speed !== null).at(-1)!;
    expect(Math.abs(slow.progress.speed! - 150_000) / 150_000, `speed ${slow.progress.speed}`).toBeLessThan(0.3);
    expect(slow.progress.eta).toBeGreaterThan(8);

    const changedAt = Date.now();
    await app.client.request(UpdateSettingsDocument, { input: { speedLimit: 600_000 } });
    await events.until(reached(id, 'COMPLETED'), 'COMPLETED at the new cap', 15_000);
    const samples = events.items.map((e) => ({ at: ms(e.progress.updatedAt), bytes: e.progress.current }));
    // From one second after the change on, the new cap holds.
    const after = samples.filter((s) => s.at >= changedAt + 1_000);
    const { rate, seconds } = rateAfter(after, 0);
    expect(seconds).toBeGreaterThan(1.5);
    expect(Math.abs(rate - 600_000) / 600_000, `achieved ${Math.round(rate)} B/s over ${seconds} s after the change`).toBeLessThan(TOLERANCE);
    const late = events.items.filter((e) => e.progress.status === 'IN_PROGRESS' && ms(e.progress.updatedAt) >= changedAt + 1_500).at(-1);
    if (late?.progress.speed != null) expect(late.progress.speed).toBeGreaterThan(300_000);
  });

  it('a download held back by the cap is not taken for stalled', async () => {
    // Each 16 KiB slice waits 0.8 s for the bucket, longer than the stall timeout, while the
    // server still has most of the 8 MB to send (more than the socket buffers hold).
    const { app, catalog } = await setup([8_000_000], { speedLimit: 20_000, stallTimeout: 0.3 });
    const id = downloadId('Naruto', 1, 1);
    const events = recordEvents(app.client, { ids: [id], after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());
    const [item] = (await app.client.request(EnqueueDownloadsDocument, { episodes: [ep(1)] })).enqueueDownloads;
    await events.until((all) => all.some((e) => e.progress.current > 0), 'bytes on disk', 5_000);
    await sleep(2_000); // several stall timeouts, all spent waiting for the bucket
    expect(catalog.requestsTo('/media/naruto/1/1.mp4')).toHaveLength(1);
    expect(events.items.some((e) => /stalled/i.test(e.progress.message ?? ''))).toBe(false);
    expect(events.items.at(-1)!.progress.current).toBeLessThan(100_000);
    await app.client.request(CancelDownloadDocument, { id: item!.id });
  });
});

describe('stalls', () => {
  it('no byte for STALL_TIMEOUT aborts the attempt and retries from the bytes on disk; the message says stalled', async () => {
    const size = 300_000;
    const { app, catalog } = await setup([size], { stallTimeout: 0.5 }, { stallAfterBytes: 100_000 });
    const id = downloadId('Naruto', 1, 1);
    const events = recordEvents(app.client, { ids: [id], after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());
    const started = Date.now();
    await app.client.request(EnqueueDownloadsDocument, { episodes: [ep(1)] });
    await events.until(reached(id, 'COMPLETED'), 'COMPLETED after the stall', 10_000);
    // Well before the downloader's default idle timeout (15 s): STALL_TIMEOUT was used.
    expect(Date.now() - started).toBeLessThan(5_000);
    const stalled = events.items.find((e) => /stalled/.test(e.progress.message ?? ''));
    expect(stalled, 'an event whose message says stalled').toBeDefined();
    expect(stalled!.progress.status).toBe('IN_PROGRESS');
    expect(stalled!.progress.message).toMatch(/retrying from 100000 bytes/);
    const media = catalog.requestsTo('/media/naruto/1/1.mp4');
    expect(media).toHaveLength(2);
    expect(media[1]!.range).toBe('bytes=100000-');
    expect(media[1]!.bytesSent).toBe(size - 100_000);
    // The stall message does not outlive the recovery.
    expect(events.items.at(-1)!.progress.message).not.toMatch(/stalled/);
  });
});
