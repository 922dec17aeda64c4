/**
 * The webhook outbox is written in the transaction that appends events to the log: a matching
 * event is queued exactly when it is logged (and not at all when the log write fails), with
 * the body that will be signed; non-matching events and webhook failure events are not queued.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createInProcessPubSub } from '../../src/services/progress-pubsub.js';
import { ProgressService } from '../../src/services/progress-service.js';
import { WebhookService } from '../../src/services/webhook-service.js';
import { openDatabase } from '../../src/store/database.js';
import { SqliteJournal } from '../../src/store/sqlite-journal.js';
import { createSqlitePersistence } from '../../src/store/sqlite-progress-store.js';
import { SqliteWebhookStore, asyncWebhookStore } from '../../src/store/webhook-store.js';
import { tempDir } from '../helpers/progress-fixture.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function rig() {
  const dir = tempDir('webhook-outbox-');
  const db = openDatabase(dir);
  const persistence = createSqlitePersistence(db);
  const logger = pino({ level: 'silent' });
  const progress = new ProgressService({ journal: new SqliteJournal(persistence), pubsub: createInProcessPubSub(), logger });
  const store = new SqliteWebhookStore(db);
  const webhooks = new WebhookService({ store: asyncWebhookStore(store), progress, logger });
  cleanups.push(
    () => fs.rmSync(dir, { recursive: true, force: true }),
    () => void db.close(),
    () => progress.close(),
    () => webhooks.close(),
  );
  return { db, persistence, progress, store, webhooks };
}

describe('webhook outbox', () => {
  it('queues each matching event in the same transaction as the log, with its body', async () => {
    const { persistence, progress, store, webhooks } = rig();
    progress.startProgress('download_A_1_1', 'DOWNLOAD', 'A 1');
    progress.completeProgress('download_A_1_1');
    progress.flush();
    // Added after those: it gets none of them.
    const hook = await webhooks.add({ url: 'http://127.0.0.1:9/hook', types: ['DOWNLOAD'] });
    expect(store.pendingCount(hook.id)).toBe(0);

    progress.startProgress('download_A_1_2', 'DOWNLOAD', 'A 2');
    progress.startProgress('library_scan', 'SCAN', 'Library scan');
    progress.completeProgress('library_scan');
    progress.completeProgress('download_A_1_2');
    progress.reportError({ source: `webhook_${hook.id}`, code: 'WEBHOOK_DELIVERY_FAILED', error: 'down' });
    progress.flush();
    const entry = store.next(hook.id)!;
    expect(store.pendingCount(hook.id)).toBe(1);
    const logged = persistence.eventLog.readAfter(0, 100).find((e) => e.seq === entry.seq)!;
    expect(logged.progress).toMatchObject({ id: 'download_A_1_2', status: 'COMPLETED' });
    expect(entry.cursor).toBe(logged.cursor);
    expect(entry.eventType).toBe('download_progress');
    const body = JSON.parse(entry.body) as { cursor: string; type: string; progress: Record<string, unknown> };
    expect(body).toEqual({
      cursor: logged.cursor,
      type: 'download_progress',
      progress: {
        ...logged.progress,
        startedAt: new Date(logged.progress.startedAt).toISOString(),
        updatedAt: new Date(logged.progress.updatedAt).toISOString(),
        completedAt: new Date(logged.progress.completedAt!).toISOString(),
      },
    });
  });

  it('an outbox that cannot be written rolls the log back too: never one without the other', async () => {
    const { persistence, progress, store, webhooks } = rig();
    // DOWNLOAD only: the failed write is itself reported (error_persistence), which is not what this counts.
    const hook = await webhooks.add({ url: 'http://127.0.0.1:9/hook', types: ['DOWNLOAD'] });
    const newest = () => persistence.eventLog.bounds().newest;
    const before = newest();
    const enqueue = store.enqueue.bind(store);
    store.enqueue = () => {
      throw new Error('disk full');
    };
    progress.startProgress('download_A_1_3', 'DOWNLOAD', 'A 3');
    progress.completeProgress('download_A_1_3');
    progress.flush();
    expect(newest()).toBe(before);
    expect(store.pendingCount(hook.id)).toBe(0);
    store.enqueue = enqueue;
    progress.startProgress('download_A_1_4', 'DOWNLOAD', 'A 4');
    progress.completeProgress('download_A_1_4');
    progress.flush();
    expect(store.pendingCount(hook.id)).toBe(1);
    expect(persistence.eventLog.readAfter(before ?? 0, 10).map((e) => e.progress.id)).toEqual(['error_persistence', 'download_A_1_4', 'download_A_1_4']);
  });
});
