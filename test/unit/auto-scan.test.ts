/**
 * AutoScanScheduler with fake timers: scans every interval (6 hours here, no real waiting),
 * a new interval applies at once, 0 stops it; after a completed scan the missing episodes of
 * autoDownload series are queued, except those the queue already holds in any state but
 * COMPLETED.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { AutoScanScheduler, type EpisodeQueue, type ScanSource } from '../../src/services/auto-scan.js';
import type { ProgressEvent } from '../../src/domain/progress-types.js';
import type { SeriesRecord } from '../../src/store/library-store.js';
import type { QueueItemRecord } from '../../src/store/queue-store.js';

const HOUR = 3_600_000;

function fakes(library: SeriesRecord[] = [], items: QueueItemRecord[] = []) {
  let scanning = false;
  const handlers: Array<(e: ProgressEvent) => unknown> = [];
  const scans: ScanSource & { count: number; setScanning(v: boolean): void } = {
    count: 0,
    startScan() {
      this.count++;
    },
    isScanning: () => scanning,
    listLibrary: () => library,
    setScanning: (v) => (scanning = v),
  };
  const enqueued: Array<Array<{ serieFolder: string; season: number; episode: number }>> = [];
  const queue: EpisodeQueue = {
    itemsOf: (ref) => items.filter((i) => i.serieFolder === ref.serieFolder && i.season === ref.season && i.episode === ref.episode),
    enqueue: async (episodes) => {
      enqueued.push([...episodes]);
      return [];
    },
  };
  const progress = {
    subscribe: (_name: string, h: (e: ProgressEvent) => unknown) => void handlers.push(h),
    unsubscribe: () => undefined,
  };
  const scheduler = new AutoScanScheduler({
    scans,
    queue,
    progress: progress as never,
    logger: pino({ level: 'silent' }),
    intervalSeconds: 6 * 3600,
  });
  const scanCompleted = () =>
    Promise.all(handlers.map((h) => h({ progress: { id: 'library_scan', status: 'COMPLETED' } } as ProgressEvent)));
  return { scans, scheduler, enqueued, scanCompleted };
}

const series = (folder: string, autoDownload: boolean, missing: Array<[number, number]>, error: string | null = null): SeriesRecord => ({
  key: folder.toLowerCase(),
  name: folder,
  folder,
  missingEpisodes: missing.map(([season, episode]) => ({ season, episode, title: null })),
  error,
  autoDownload,
});

const item = (folder: string, season: number, episode: number, status: QueueItemRecord['status']): QueueItemRecord => ({
  id: `${folder}-${season}-${episode}`,
  position: 1,
  serieFolder: folder,
  serieName: folder,
  season,
  episode,
  status,
  error: null,
  retryCount: 0,
  size: null,
  addedAt: 0,
  startedAt: null,
  completedAt: null,
  filePath: null,
});

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('AutoScanScheduler', () => {
  it('starts a scan every interval, not before', () => {
    const { scans, scheduler } = fakes();
    scheduler.start();
    vi.advanceTimersByTime(6 * HOUR - 1);
    expect(scans.count).toBe(0);
    vi.advanceTimersByTime(1);
    expect(scans.count).toBe(1);
    vi.advanceTimersByTime(6 * HOUR);
    expect(scans.count).toBe(2);
    scheduler.stop();
    vi.advanceTimersByTime(24 * HOUR);
    expect(scans.count).toBe(2);
  });

  it('a new interval applies at once; 0 stops the scheduled scans; a running scan is not started twice', () => {
    const { scans, scheduler } = fakes();
    scheduler.start();
    vi.advanceTimersByTime(HOUR);
    scheduler.setInterval(60);
    vi.advanceTimersByTime(60_000);
    expect(scans.count).toBe(1);
    scans.setScanning(true);
    vi.advanceTimersByTime(60_000);
    expect(scans.count).toBe(1);
    scans.setScanning(false);
    vi.advanceTimersByTime(60_000);
    expect(scans.count).toBe(2);
    scheduler.setInterval(0);
    vi.advanceTimersByTime(48 * HOUR);
    expect(scans.count).toBe(2);
  });

  it('after a completed scan queues the missing episodes of autoDownload series only, skipping what the queue holds', async () => {
    const library = [
      series('Naruto', true, [[1, 1], [1, 2], [1, 3], [1, 4]]),
      series('Bleach', false, [[1, 1]]),
      series('Broken', true, [[1, 1]], 'catalog down'),
    ];
    // E01 is waiting, E02 was cancelled by the user, E03 was downloaded once (file since gone).
    const items = [item('Naruto', 1, 1, 'PENDING'), item('Naruto', 1, 2, 'CANCELLED'), item('Naruto', 1, 3, 'COMPLETED')];
    const { scheduler, enqueued, scanCompleted } = fakes(library, items);
    scheduler.start();
    await scanCompleted();
    expect(enqueued).toEqual([
      [
        { serieFolder: 'Naruto', season: 1, episode: 3 },
        { serieFolder: 'Naruto', season: 1, episode: 4 },
      ],
    ]);
  });
});
