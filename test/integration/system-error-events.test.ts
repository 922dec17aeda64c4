/**
 * SYSTEM and ERROR have real producers: start-up and shutdown of the service, and one ERROR
 * record per failure (operations and components), so `types: [ERROR]` sees every failure and
 * nothing else.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  AddSeriesDocument,
  EnqueueDownloadsDocument,
  ProgressEventsDocument,
  ProgressHistoryDocument,
  StartScanDocument,
} from '../../src/client/operations.js';
import { print } from 'graphql';
import { openSse, type SseMessage } from '../helpers/sse.js';
import { cleanupList, downloadId, reached, recordEvents, startAppWithCatalog } from '../helpers/library-flow.js';
import { openRawWs } from '../helpers/raw-ws.js';
import { waitFor } from '../helpers/wait.js';

const cleanups = cleanupList();
afterEach(() => cleanups.run());

describe('ERROR records', () => {
  it('a types: [ERROR] subscriber sees one record per failure (downloads, the scan, the catalog) and nothing else', async () => {
    const { app, catalog } = await startAppWithCatalog(cleanups);
    catalog.addEpisode('naruto', 'Naruto', 1, 1, 50_000);
    catalog.addEpisode('naruto', 'Naruto', 1, 2, 50_000, { size: 60_000, sha256: null }); // fails: short
    await app.client.request(AddSeriesDocument, { key: 'naruto' });
    const from = app.app.progress.lastCursor;
    const errors = recordEvents(app.client, { types: ['ERROR'], after: from });
    const all = recordEvents(app.newClient(), { after: from });
    cleanups.add(() => errors.stop());
    cleanups.add(() => all.stop());

    await app.client.request(EnqueueDownloadsDocument, {
      episodes: [
        { serieFolder: 'Naruto', season: 1, episode: 1 },
        { serieFolder: 'Naruto', season: 1, episode: 2 },
      ],
    });
    await all.until((got) => reached(downloadId('Naruto', 1, 1), 'COMPLETED')(got) && reached(downloadId('Naruto', 1, 2), 'FAILED')(got), 'one download done, one failed', 10_000);
    // The catalog goes down: the scan fails, and so does the catalog itself.
    catalog.setRoute('/series/naruto', { status: 503 });
    await app.client.request(StartScanDocument);
    await all.until(reached('library_scan', 'FAILED'), 'the scan FAILED', 15_000);
    await errors.until((got) => got.length >= 3, 'three ERROR records', 5_000);
    await all.until((got) => got.filter((e) => e.progress.type === 'ERROR').length >= 3, 'the three on the full stream', 5_000);

    expect(errors.items.every((e) => e.type === 'error_progress' && e.progress.type === 'ERROR' && e.progress.status === 'FAILED')).toBe(true);
    const byId = new Map(errors.items.map((e) => [e.progress.id, e.progress]));
    expect([...byId.keys()].sort()).toEqual(['error_catalog', 'error_download_Naruto_1_2', 'error_library_scan']);
    expect(errors.items).toHaveLength(3);
    expect(byId.get('error_download_Naruto_1_2')).toMatchObject({
      error: expect.stringMatching(/size/i),
      metadata: { source: 'download_Naruto_1_2', code: expect.stringMatching(/^[A-Z_]+$/) },
    });
    expect(byId.get('error_library_scan')).toMatchObject({ metadata: { source: 'library_scan', code: 'CATALOG_UNAVAILABLE' } });
    expect(byId.get('error_catalog')).toMatchObject({ metadata: { source: 'catalog', code: 'CATALOG_UNAVAILABLE' } });
    // Every failure seen on the full stream has its ERROR record, and the full stream has nothing the ERROR one lacks.
    const failures = all.items.filter((e) => e.progress.status === 'FAILED' && e.progress.type !== 'ERROR').map((e) => `error_${e.progress.id}`);
    for (const id of failures) expect(byId.has(id), id).toBe(true);
    expect(all.items.filter((e) => e.progress.type === 'ERROR').map((e) => e.cursor)).toEqual(errors.items.map((e) => e.cursor));
  }, 40_000);
});

describe('SYSTEM records', () => {
  it('system_shutdown reaches subscribers over the fan-out, a non-fan-out WebSocket operation and SSE before their connections close', async () => {
    const { app } = await startAppWithCatalog(cleanups);
    const fanout = recordEvents(app.client, { types: ['SYSTEM'] });
    // An inline fragment keeps it off the fan-out path: graphql-ws runs it through yoga.
    const raw = await openRawWs(app.url);
    cleanups.add(() => raw.close());
    await raw.init();
    raw.subscribe('slow-path', 'subscription { ... on Subscription { progressEvents(types: [SYSTEM]) { progress { id status } } } }');
    const sse = await openSse(app.url, print(ProgressEventsDocument), { types: ['SYSTEM'] });
    cleanups.add(() => sse.close());
    await waitFor(() => app.app.fanout.size.members === 1, { message: 'the fan-out subscriber' });

    await app.stop();
    const shutdown = (p: { id: string; status: string } | undefined) => p?.id === 'system_shutdown' && p.status === 'IN_PROGRESS';
    await fanout.until((got) => got.some((e) => shutdown(e.progress)), 'system_shutdown over the fan-out');
    await raw.waitFor(
      (m) => m.type === 'next' && shutdown((m.payload as { data: { progressEvents: { progress: { id: string; status: string } } } }).data.progressEvents.progress),
      'system_shutdown over graphql-ws (yoga path)',
    );
    await sse.messages.until(
      (got) => got.some((m: SseMessage) => m.event === 'next' && shutdown((m.data as { data: { progressEvents: { progress: { id: string; status: string } } } }).data.progressEvents.progress)),
      'system_shutdown over SSE',
    );

    // The next start finds the stop in history and says what it recovered.
    const again = await app.restart();
    cleanups.add(() => again.stop());
    const system = (await again.client.request(ProgressHistoryDocument, { types: ['SYSTEM'], first: 10 })).progressHistory;
    expect(system.edges.map((e) => [e.node.id, e.node.status])).toEqual([
      ['system_startup', 'COMPLETED'],
      ['system_shutdown', 'COMPLETED'],
      ['system_startup', 'COMPLETED'],
    ]);
    expect(system.edges[0]!.node.metadata).toEqual({ resumed: [], resumedCount: 0, failed: [], failedCount: 0 });
  }, 40_000);
});
