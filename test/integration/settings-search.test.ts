/**
 * settings / updateSettings (checked, persisted over the environment, applied live) and
 * searchCatalog over the catalog's /search, through the typed client.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  AddSeriesDocument,
  EnqueueDownloadsDocument,
  QueueDocument,
  SearchCatalogDocument,
  SettingsDocument,
  StartQueueDocument,
  StopQueueDocument,
  UpdateSettingsDocument,
} from '../../src/client/operations.js';
import { cleanupList, expectGraphQLError, recordQueue, startAppWithCatalog } from '../helpers/library-flow.js';

const cleanups = cleanupList();
afterEach(() => cleanups.run());

describe('settings', () => {
  it("start from the environment's values", async () => {
    const { app } = await startAppWithCatalog(cleanups, { speedLimit: 500_000, autoScanInterval: 600, downloadConcurrency: 3 });
    expect((await app.client.request(SettingsDocument)).settings).toEqual({
      speedLimit: 500_000,
      autoScanInterval: 600,
      downloadConcurrency: 3,
    });
    // SPEED_LIMIT=0 means none: null.
    const other = await startAppWithCatalog(cleanups, { speedLimit: 0 });
    expect((await other.app.client.request(SettingsDocument)).settings.speedLimit).toBeNull();
  });

  it('bad values are refused with BAD_USER_INPUT naming the field, and nothing changes', async () => {
    const { app } = await startAppWithCatalog(cleanups, { downloadConcurrency: 2 });
    const before = (await app.client.request(SettingsDocument)).settings;
    const bad = [
      [{ speedLimit: -1 }, /speedLimit/],
      [{ downloadConcurrency: 0 }, /downloadConcurrency.*1 to 32/],
      [{ downloadConcurrency: 33 }, /downloadConcurrency/],
      [{ autoScanInterval: -5 }, /autoScanInterval/],
      // One bad field refuses the whole change.
      [{ speedLimit: 1000, downloadConcurrency: 99 }, /downloadConcurrency/],
    ] as const;
    for (const [input, message] of bad) {
      await expectGraphQLError(app.client.request(UpdateSettingsDocument, { input }), 'BAD_USER_INPUT', message);
    }
    expect((await app.client.request(SettingsDocument)).settings).toEqual(before);
    const restarted = await app.restart();
    cleanups.add(() => restarted.stop());
    expect((await restarted.client.request(SettingsDocument)).settings).toEqual(before);
  });

  it('changes are kept across restarts and win over the environment; omitted fields stay', async () => {
    const { app } = await startAppWithCatalog(cleanups, { downloadConcurrency: 1, autoScanInterval: 600 });
    const updated = (await app.client.request(UpdateSettingsDocument, { input: { speedLimit: 250_000, downloadConcurrency: 4 } })).updateSettings;
    expect(updated).toEqual({ speedLimit: 250_000, autoScanInterval: 600, downloadConcurrency: 4 });
    const restarted = await app.restart({ downloadConcurrency: 2, autoScanInterval: 900, speedLimit: 0 });
    cleanups.add(() => restarted.stop());
    // Changed ones win; the one never changed follows the new environment.
    expect((await restarted.client.request(SettingsDocument)).settings).toEqual({
      speedLimit: 250_000,
      autoScanInterval: 900,
      downloadConcurrency: 4,
    });
    // null removes the cap (and stays removed).
    expect((await restarted.client.request(UpdateSettingsDocument, { input: { speedLimit: null } })).updateSettings.speedLimit).toBeNull();
    const again = await restarted.restart({ speedLimit: 123 });
    cleanups.add(() => again.stop());
    expect((await again.client.request(SettingsDocument)).settings.speedLimit).toBeNull();
  });

  it('downloadConcurrency applies live to the running queue', async () => {
    const { app, catalog } = await startAppWithCatalog(cleanups, { downloadConcurrency: 1 });
    for (let e = 1; e <= 3; e++) catalog.addEpisode('naruto', 'Naruto', 1, e, 60_000, { behaviour: { bytesPerSecond: 60_000 } });
    await app.client.request(AddSeriesDocument, { key: 'naruto' });
    await app.client.request(StopQueueDocument);
    await app.client.request(EnqueueDownloadsDocument, {
      episodes: [1, 2, 3].map((episode) => ({ serieFolder: 'Naruto', season: 1, episode })),
    });
    const queue = recordQueue(app.client);
    cleanups.add(() => queue.stop());
    await app.client.request(StartQueueDocument);
    await queue.until((all) => all.some((q) => q.active.length === 1), 'one active', 3_000);
    await app.client.request(UpdateSettingsDocument, { input: { downloadConcurrency: 3 } });
    await queue.until((all) => all.some((q) => q.active.length === 3), 'three active after the change', 3_000);
    expect((await app.client.request(QueueDocument)).queue.pending).toEqual([]);
  });
});

describe('searchCatalog', () => {
  it("answers the catalog's /search hits, so a key can be found before addSeries", async () => {
    const { app, catalog } = await startAppWithCatalog(cleanups);
    catalog.addEpisode('naruto', 'Naruto', 1, 1, 1000);
    catalog.addEpisode('naruto-shippuden', 'Naruto Shippuden', 1, 1, 1000);
    catalog.addEpisode('bleach', 'Bleach', 1, 1, 1000);
    const hits = (await app.client.request(SearchCatalogDocument, { query: 'naru' })).searchCatalog;
    expect(hits).toEqual([
      { key: 'naruto', name: 'Naruto' },
      { key: 'naruto-shippuden', name: 'Naruto Shippuden' },
    ]);
    expect(catalog.requests.some((r) => r.path === '/search?q=naru')).toBe(true);
    expect((await app.client.request(SearchCatalogDocument, { query: 'nothing like it' })).searchCatalog).toEqual([]);
    const added = (await app.client.request(AddSeriesDocument, { key: hits[1]!.key })).addSeries;
    expect(added.folder).toBe('Naruto Shippuden');
  });

  it('refuses an empty query; a catalog that fails says so', async () => {
    const { app, catalog } = await startAppWithCatalog(cleanups);
    await expectGraphQLError(app.client.request(SearchCatalogDocument, { query: '  ' }), 'BAD_USER_INPUT', /query/);
    await expectGraphQLError(app.client.request(SearchCatalogDocument, { query: 'x'.repeat(201) }), 'BAD_USER_INPUT', /query/);
    catalog.setRoute('/search', { status: 404, body: { error: 'no' } });
    await expectGraphQLError(app.client.request(SearchCatalogDocument, { query: 'naruto' }), 'CATALOG_UNAVAILABLE', /search/);
  });
});
