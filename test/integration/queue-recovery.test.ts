/**
 * The queue and the progress records agree across a crash: a queue item's end is saved only
 * once its progress event is in the log, and a record left active for an item that had
 * already ended is ended alike at the next start, never failed as interrupted.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AddSeriesDocument, EnqueueDownloadsDocument, ProgressDocument, ProgressHistoryDocument } from '../../src/client/operations.js';
import type { AsyncQueueStore, QueueItemRecord } from '../../src/store/queue-store.js';
import { DATABASE_FILE, keepAlive } from '../../src/store/database.js';
import { cleanupList, downloadId, reached, recordEvents, startAppWithCatalog } from '../helpers/library-flow.js';

const cleanups = cleanupList();
afterEach(() => cleanups.run());

const id = downloadId('Naruto', 1, 1);

describe('queue items and their progress records across a crash', () => {
  it("a COMPLETED item is saved only after its download's COMPLETED event is written", async () => {
    const { app, catalog } = await startAppWithCatalog(cleanups);
    catalog.addEpisode('naruto', 'Naruto', 1, 1, 50_000);
    await app.client.request(AddSeriesDocument, { key: 'naruto' });

    // What a crash right after the item's save would find in the database, at that moment.
    const reader = keepAlive(new Database(join(app.dataDir, DATABASE_FILE), { readonly: true }));
    cleanups.add(() => void reader.close());
    const seenAtSave: Array<{ active: number; completed: number }> = [];
    const store = (app.app.downloads as unknown as { store: AsyncQueueStore }).store;
    const save = store.save.bind(store);
    store.save = (items: readonly QueueItemRecord[]) => {
      if (items.some((i) => i.status === 'COMPLETED')) {
        seenAtSave.push({
          active: (reader.prepare('SELECT COUNT(*) AS n FROM active_progress WHERE id = ?').get(id) as { n: number }).n,
          completed: (
            reader.prepare("SELECT COUNT(*) AS n FROM progress_history WHERE id = ? AND status = 'COMPLETED'").get(id) as { n: number }
          ).n,
        });
      }
      return save(items);
    };

    const events = recordEvents(app.client, { types: ['DOWNLOAD'], after: app.app.progress.lastCursor });
    cleanups.add(() => events.stop());
    await app.client.request(EnqueueDownloadsDocument, { episodes: [{ serieFolder: 'Naruto', season: 1, episode: 1 }] });
    await events.until(reached(id, 'COMPLETED'), 'the download COMPLETED', 10_000);
    expect(seenAtSave).toEqual([{ active: 0, completed: 1 }]);
  });

  it('a record left active for an item that had already COMPLETED is completed at the next start, not failed', async () => {
    const { app, catalog } = await startAppWithCatalog(cleanups);
    catalog.addEpisode('naruto', 'Naruto', 1, 1, 50_000);
    await app.client.request(AddSeriesDocument, { key: 'naruto' });
    const events = recordEvents(app.client, { types: ['DOWNLOAD'], after: app.app.progress.lastCursor });
    await app.client.request(EnqueueDownloadsDocument, { episodes: [{ serieFolder: 'Naruto', season: 1, episode: 1 }] });
    await events.until(reached(id, 'COMPLETED'), 'the download COMPLETED', 10_000);
    const running = events.items.find((e) => e.progress.id === id && e.progress.status === 'IN_PROGRESS')!.progress;
    await events.stop();
    await app.stop();

    // As a crash between the item's save and its record's write (before the fix) left it.
    const db = keepAlive(new Database(join(app.dataDir, DATABASE_FILE)));
    db.prepare('INSERT INTO active_progress (id, payload) VALUES (?, ?)').run(
      id,
      JSON.stringify({ ...running, type: 'DOWNLOAD', metadata: {}, startedAt: Date.parse(running.startedAt as string), updatedAt: Date.now(), completedAt: null }),
    );
    db.close();

    const again = await app.restart();
    cleanups.add(() => again.stop());
    expect((await again.client.request(ProgressDocument, { id })).progress).toMatchObject({ status: 'COMPLETED', error: null });
    const failed = (await again.client.request(ProgressHistoryDocument, { statuses: ['FAILED'], first: 100 })).progressHistory;
    expect(failed.edges.map((e) => e.node.id)).toEqual([]);
  });
});
