import { afterEach, describe, expect, it } from 'vitest';
import { ProgressEventsDocument, ProgressUpdatedDocument } from '../../src/client/operations.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { waitForWsSubscriptions } from '../helpers/server-probe.js';
import { recordStream } from '../helpers/stream-recorder.js';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const MARKER = 'download_marker_1_1';

describe('progressEvents filtering (live, over graphql-ws)', () => {
  it('a types: [DOWNLOAD] subscriber gets no SCAN or QUEUE events', async () => {
    app = await startTestApp();
    const p = app.app.progress;
    const sub = recordStream(app.client.subscribe(ProgressEventsDocument, { types: ['DOWNLOAD'] }));
    await waitForWsSubscriptions(app.url, 1);

    p.startProgress('library_scan', 'SCAN', 'Library scan', { total: 10 });
    p.startProgress('download_queue', 'QUEUE', 'Queue');
    p.startProgress('download_naruto_1_1', 'DOWNLOAD', 'Naruto S01E01', { total: 100 });
    p.updateProgress('library_scan', { current: 5, forceBroadcast: true });
    p.updateProgress('download_naruto_1_1', { current: 50, forceBroadcast: true });
    p.completeProgress('library_scan');
    p.completeProgress('download_queue');
    p.completeProgress('download_naruto_1_1');
    p.startProgress(MARKER, 'DOWNLOAD', 'marker');
    p.completeProgress(MARKER);

    const got = await sub.until((all) => all.some((e) => e.progressEvents.progress.id === MARKER && e.progressEvents.progress.status === 'COMPLETED'), 'the marker COMPLETED');
    expect(got.map((e) => [e.progressEvents.type, e.progressEvents.progress.type, e.progressEvents.progress.id, e.progressEvents.progress.status])).toEqual([
      ['download_progress', 'DOWNLOAD', 'download_naruto_1_1', 'IN_PROGRESS'],
      ['download_progress', 'DOWNLOAD', 'download_naruto_1_1', 'IN_PROGRESS'],
      ['download_progress', 'DOWNLOAD', 'download_naruto_1_1', 'COMPLETED'],
      ['download_progress', 'DOWNLOAD', MARKER, 'IN_PROGRESS'],
      ['download_progress', 'DOWNLOAD', MARKER, 'COMPLETED'],
    ]);
  });

  it('an ids subscriber gets only those ids', async () => {
    app = await startTestApp();
    const p = app.app.progress;
    const sub = recordStream(app.client.subscribe(ProgressEventsDocument, { ids: ['download_a_1_1', 'library_scan'] }));
    await waitForWsSubscriptions(app.url, 1);

    p.startProgress('download_a_1_1', 'DOWNLOAD', 'A 1');
    p.startProgress('download_a_1_2', 'DOWNLOAD', 'A 2');
    p.startProgress('download_queue', 'QUEUE', 'Queue');
    p.startProgress('library_scan', 'SCAN', 'Scan');
    p.completeProgress('download_a_1_2');
    p.failProgress('download_a_1_1', 'disk full');
    p.completeProgress('download_queue');
    p.completeProgress('library_scan'); // the last matching event

    const got = await sub.until((all) => all.some((e) => e.progressEvents.progress.id === 'library_scan' && e.progressEvents.progress.status === 'COMPLETED'), 'library_scan COMPLETED');
    expect(got.map((e) => [e.progressEvents.progress.id, e.progressEvents.progress.status])).toEqual([
      ['download_a_1_1', 'IN_PROGRESS'],
      ['library_scan', 'IN_PROGRESS'],
      ['download_a_1_1', 'FAILED'],
      ['library_scan', 'COMPLETED'],
    ]);
    expect(got[2]!.progressEvents.progress.error).toBe('disk full');
  });

  it('progressUpdated(id) gets only that id and ends with its COMPLETED state', async () => {
    app = await startTestApp();
    const p = app.app.progress;
    const id = 'download_bleach_2_3';
    const sub = recordStream(app.client.subscribe(ProgressUpdatedDocument, { id }));
    await waitForWsSubscriptions(app.url, 1);

    p.startProgress('download_bleach_2_4', 'DOWNLOAD', 'Other', { total: 10 });
    p.startProgress(id, 'DOWNLOAD', 'Bleach S02E03', { total: 200 });
    p.updateProgress('download_bleach_2_4', { current: 5, forceBroadcast: true });
    p.updateProgress(id, { current: 50, forceBroadcast: true });
    p.updateProgress(id, { current: 150, forceBroadcast: true });
    p.completeProgress('download_bleach_2_4');
    p.completeProgress(id);

    const got = await sub.until((all) => all.some((u) => u.progressUpdated.status === 'COMPLETED'), `${id} COMPLETED`);
    expect(got.map((u) => [u.progressUpdated.id, u.progressUpdated.status, u.progressUpdated.current])).toEqual([
      [id, 'IN_PROGRESS', 0],
      [id, 'IN_PROGRESS', 50],
      [id, 'IN_PROGRESS', 150],
      [id, 'COMPLETED', 150],
    ]);
    const last = got.at(-1)!.progressUpdated;
    expect(last.percent).toBe(100);
    expect(last.completedAt).not.toBeNull();
  });
});

describe('progressEvents snapshot: true', () => {
  /** Two active operations (a download with a throttled, not yet broadcast update, and a scan) and one finished. */
  async function setUp() {
    // A long throttle window: the download's 40% is its current state but not broadcast yet.
    app = await startTestApp({ throttleMs: 60_000 });
    const p = app.app.progress;
    p.startProgress('download_done_1_1', 'DOWNLOAD', 'Finished one');
    p.completeProgress('download_done_1_1');
    p.startProgress('download_naruto_1_1', 'DOWNLOAD', 'Naruto S01E01', { total: 100 });
    p.updateProgress('download_naruto_1_1', { current: 40 });
    p.startProgress('library_scan', 'SCAN', 'Library scan', { total: 8 });
    return { app, p };
  }

  it('first delivers exactly the active operations in their current state, then live events', async () => {
    const { app, p } = await setUp();
    const sub = recordStream(app.client.subscribe(ProgressEventsDocument, { snapshot: true }));
    const snapshot = await sub.until((all) => all.length >= 2, 'the snapshot');
    expect(snapshot.map((e) => [e.progressEvents.progress.id, e.progressEvents.progress.status])).toEqual([
      ['download_naruto_1_1', 'IN_PROGRESS'],
      ['library_scan', 'IN_PROGRESS'],
    ]);
    expect(snapshot[0]!.progressEvents.progress).toMatchObject({ current: 40, percent: 40 });

    await waitForWsSubscriptions(app.url, 1);
    p.completeProgress('library_scan');
    const got = await sub.until((all) => all.length >= 3, 'a live event');
    expect(got[2]!.progressEvents.progress).toMatchObject({ id: 'library_scan', status: 'COMPLETED' });
    expect(got).toHaveLength(3);
  });

  it('with types, only the matching active operations', async () => {
    const { app, p } = await setUp();
    const sub = recordStream(app.client.subscribe(ProgressEventsDocument, { snapshot: true, types: ['SCAN'] }));
    await sub.until((all) => all.length >= 1, 'the snapshot');
    await waitForWsSubscriptions(app.url, 1);
    p.completeProgress('download_naruto_1_1');
    p.updateProgress('library_scan', { current: 8, forceBroadcast: true });
    const got = await sub.until((all) => all.length >= 2, 'a live SCAN event');
    expect(got.map((e) => [e.progressEvents.progress.id, e.progressEvents.progress.type, e.progressEvents.progress.current])).toEqual([
      ['library_scan', 'SCAN', 0],
      ['library_scan', 'SCAN', 8],
    ]);
  });
});
