/**
 * New episodes with no request from anyone: setSeriesAutoDownload, then scans (startScan, or
 * the AUTO_SCAN_INTERVAL schedule set live with updateSettings) queue what is missing and it
 * downloads. The schedule itself (hours) is covered with fake timers in test/unit/auto-scan.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  AddSeriesDocument,
  LibraryDocument,
  QueueDocument,
  SeriesDocument,
  SetSeriesAutoDownloadDocument,
  StartScanDocument,
  UpdateSettingsDocument,
} from '../../src/client/operations.js';
import { cleanupList, downloadId, expectGraphQLError, reached, recordEvents, startAppWithCatalog } from '../helpers/library-flow.js';

const cleanups = cleanupList();
afterEach(() => cleanups.run());

describe('auto download', () => {
  it('after startScan, missing episodes of autoDownload series are queued and downloaded; others are left alone', async () => {
    const { app, catalog } = await startAppWithCatalog(cleanups);
    catalog.addEpisode('naruto', 'Naruto', 1, 1, 10_000);
    catalog.addEpisode('bleach', 'Bleach', 1, 1, 10_000);
    await app.client.request(AddSeriesDocument, { key: 'naruto' });
    await app.client.request(AddSeriesDocument, { key: 'bleach' });
    expect((await app.client.request(SeriesDocument, { folder: 'Naruto' })).series!.autoDownload).toBe(false);
    const on = (await app.client.request(SetSeriesAutoDownloadDocument, { folder: 'Naruto', enabled: true })).setSeriesAutoDownload;
    expect(on.autoDownload).toBe(true);

    const events = recordEvents(app.client, { after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());
    await app.client.request(StartScanDocument);
    await events.until(reached(downloadId('Naruto', 1, 1), 'COMPLETED'), 'Naruto E01 downloaded', 10_000);

    // The catalog gains an episode: the next scan gets it too.
    catalog.addEpisode('naruto', 'Naruto', 1, 2, 10_000);
    await events.until(reached('library_scan', 'COMPLETED'), 'first scan COMPLETED', 5_000);
    await app.client.request(StartScanDocument);
    await events.until(reached(downloadId('Naruto', 1, 2), 'COMPLETED'), 'Naruto E02 downloaded', 10_000);
    const q = (await app.client.request(QueueDocument)).queue;
    expect(q.completed.map((i) => `${i.serieFolder} ${i.episode}`)).toEqual(['Naruto 1', 'Naruto 2']);
    expect(catalog.requestsTo('/media/bleach/1/1.mp4')).toEqual([]);
    // The flag survives scans and a restart.
    const restarted = await app.restart();
    cleanups.add(() => restarted.stop());
    const library = (await restarted.client.request(LibraryDocument)).library;
    expect(library.map((s) => [s.folder, s.autoDownload])).toEqual([
      ['Bleach', false],
      ['Naruto', true],
    ]);
  });

  it('scheduled scans (AUTO_SCAN_INTERVAL, changed live) fetch a new catalog episode with no request from anyone', async () => {
    const { app, catalog } = await startAppWithCatalog(cleanups); // the default 6 hours
    catalog.addEpisode('naruto', 'Naruto', 1, 1, 10_000);
    await app.client.request(AddSeriesDocument, { key: 'naruto' });
    await app.client.request(SetSeriesAutoDownloadDocument, { folder: 'Naruto', enabled: true });
    const events = recordEvents(app.client, { after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());
    await app.client.request(UpdateSettingsDocument, { input: { autoScanInterval: 1 } });
    await events.until(reached(downloadId('Naruto', 1, 1), 'COMPLETED'), 'E01 downloaded by a scheduled scan', 10_000);
    catalog.addEpisode('naruto', 'Naruto', 1, 2, 10_000);
    await events.until(reached(downloadId('Naruto', 1, 2), 'COMPLETED'), 'E02 downloaded by a later scheduled scan', 10_000);
    const scans = events.items.filter((e) => e.progress.id === 'library_scan' && e.progress.status === 'COMPLETED');
    expect(scans.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a folder that is not a series of the library', async () => {
    const { app } = await startAppWithCatalog(cleanups);
    await expectGraphQLError(app.client.request(SetSeriesAutoDownloadDocument, { folder: '../etc', enabled: true }), 'INVALID_FOLDER');
    await expectGraphQLError(app.client.request(SetSeriesAutoDownloadDocument, { folder: 'Nothing', enabled: true }), 'NOT_A_SERIES');
  });
});
