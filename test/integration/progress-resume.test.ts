import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProgressClient, GraphQLRequestError, type ProgressClient, type ProgressEventMessage } from '../../src/client/index.js';
import { ProgressEventsDocument } from '../../src/client/operations.js';
import type { ProgressType } from '../../src/client/generated/graphql.js';
import { INTERRUPTED_ERROR } from '../../src/services/progress-recovery.js';
import { DATABASE_FILE, keepAlive } from '../../src/store/database.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { redisUrlOfProject } from '../helpers/project-backend.js';
import { recordStream, type Recorder } from '../helpers/stream-recorder.js';

/**
 * Runs on both backends (the `sqlite` and `redis` projects of test/vitest.config.ts). Cursors
 * come from currentCursor(): with Redis an event is numbered once the log has it, so
 * lastCursor is exact only with SQLite in the emitting turn.
 */
const REDIS = redisUrlOfProject() !== null;

const apps: TestApp[] = [];
const clients: ProgressClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(apps.splice(0).map((a) => a.stop()));
});

async function track(app: Promise<TestApp>): Promise<TestApp> {
  const started = await app;
  apps.push(started);
  return started;
}

/** What must match event by event: place in the log, operation, status and amount done. */
const key = (e: ProgressEventMessage) => ({ cursor: e.cursor, id: e.progress.id, status: e.progress.status, current: e.progress.current });

/** Subscribes to every event after `after` (race-free: what happened meanwhile is replayed). */
function subscribeAfter(client: ProgressClient, after: string, types?: ProgressType[]): Recorder<ProgressEventMessage> {
  const stream = client.subscribe(ProgressEventsDocument, { after, types });
  async function* unwrap() {
    for await (const { progressEvents } of stream) yield progressEvents;
  }
  const gen = unwrap();
  return recordStream({ next: () => gen.next(), return: async () => (await stream.return?.(), gen.return(undefined)) });
}

const finished = (id: string) => (all: readonly ProgressEventMessage[]) =>
  all.some((e) => e.progress.id === id && e.progress.status === 'COMPLETED');

describe('resuming with after across a restart', () => {
  it('a resubscriber gets exactly what a continuous subscriber saw, no gap, no duplicate', async () => {
    const app1 = await track(startTestApp());
    const p1 = app1.app.progress;
    const start = await p1.currentCursor();
    const a = subscribeAfter(app1.client, start);
    const bClient = app1.newClient();
    const b = subscribeAfter(bClient, start);

    // Phase 1: B sees these, then goes away.
    p1.startProgress('download_one_1_1', 'DOWNLOAD', 'One', { total: 100 });
    p1.startProgress('download_one_1_2', 'DOWNLOAD', 'Two', { total: 100 });
    p1.updateProgress('download_one_1_1', { current: 30, forceBroadcast: true });
    p1.completeProgress('download_one_1_1');
    await b.until(finished('download_one_1_1'), 'phase 1 at B');
    await b.stop();
    const bLast = b.items.at(-1)!.cursor;

    // Phase 2: B is gone; two operations stay active across the restart.
    p1.updateProgress('download_one_1_2', { current: 60, forceBroadcast: true });
    p1.startProgress('library_scan', 'SCAN', 'Scan', { total: 10 });
    p1.updateProgress('library_scan', { current: 4, forceBroadcast: true });
    p1.startProgress('download_one_1_3', 'DOWNLOAD', 'Three');
    p1.completeProgress('download_one_1_3');
    await a.until(finished('download_one_1_3'), 'phase 2 at A');
    apps.splice(apps.indexOf(app1), 1);
    const app2 = await track(app1.restart());
    await a.until(() => a.done, 'A to end with app1');
    const aLast = a.items.at(-1)!.cursor;

    // Phase 3 on app2: some events before the resubscribers come, some after.
    const p2 = app2.app.progress;
    p2.startProgress('download_two_1_1', 'DOWNLOAD', 'Four');
    const c = subscribeAfter(app2.client, aLast);
    const b2 = subscribeAfter(app2.newClient(), bLast);
    p2.updateProgress('download_two_1_1', { current: 7, forceBroadcast: true });
    p2.completeProgress('download_two_1_1');
    p2.startProgress('download_marker_1_1', 'DOWNLOAD', 'marker');
    p2.completeProgress('download_marker_1_1');
    await c.until(finished('download_marker_1_1'), 'the marker at C');
    await b2.until(finished('download_marker_1_1'), 'the marker at B');

    // A heard of the stop before its socket closed.
    expect(a.items.at(-1)!.progress).toMatchObject({ id: 'system_shutdown', type: 'SYSTEM', status: 'IN_PROGRESS' });
    const failed = [
      ['download_one_1_2', 'FAILED', INTERRUPTED_ERROR],
      ['error_download_one_1_2', 'FAILED', INTERRUPTED_ERROR],
      ['library_scan', 'FAILED', INTERRUPTED_ERROR],
      ['error_library_scan', 'FAILED', INTERRUPTED_ERROR],
    ];
    // The stop's end is in the log; then app2's start-up failed what app1 left active (each
    // failure with its ERROR record) and said so: system_startup with SQLite, system_leader
    // (the new queue runner adopted them) with Redis.
    const restart = c.items;
    expect(restart.slice(0, REDIS ? 6 : 7).map((e) => [e.progress.id, e.progress.status, e.progress.error])).toEqual(
      REDIS
        ? [['system_shutdown', 'COMPLETED', null], ...failed, ['system_leader', 'COMPLETED', null]]
        : [['system_shutdown', 'COMPLETED', null], ['system_startup', 'IN_PROGRESS', null], ...failed, ['system_startup', 'COMPLETED', null]],
    );
    const report = restart[REDIS ? 5 : 6]!.progress;
    expect(restart[REDIS ? 2 : 3]!.progress.metadata).toEqual({ source: 'download_one_1_2', code: 'INTERRUPTED' });
    expect(report.metadata).toMatchObject({ failed: ['download_one_1_2', 'library_scan'] });
    if (!REDIS) expect(report.metadata).toMatchObject({ resumed: [], failedCount: 2 });
    const aAfterB = a.items.slice(a.items.findIndex((e) => e.cursor === bLast) + 1);
    expect(aAfterB).toHaveLength(6);
    expect(b2.items.map(key)).toEqual([...aAfterB, ...c.items].map(key));
    const allB = [...b.items, ...b2.items].map((e) => e.cursor);
    expect(new Set(allB).size).toBe(allB.length);
  });

  it("the typed client's watch() resumes across a restart on the same port, every event once", async () => {
    const app1 = await track(startTestApp());
    const p1 = app1.app.progress;
    // Its own client: the app helper closes its clients when the app stops.
    const client = createProgressClient({ url: app1.url });
    clients.push(client);
    let reconnects = 0;
    const start = await p1.currentCursor();
    const watch = client.watch({ after: start, onReconnect: () => void reconnects++ });
    const watched = recordStream(watch);
    const oracle = subscribeAfter(app1.client, start);

    p1.startProgress('download_w_1_1', 'DOWNLOAD', 'W1', { total: 10 });
    p1.updateProgress('download_w_1_1', { current: 3, forceBroadcast: true });
    p1.startProgress('download_w_1_2', 'DOWNLOAD', 'W2');
    p1.completeProgress('download_w_1_2');
    await watched.until(finished('download_w_1_2'), 'the app1 events at the watcher');
    await oracle.until(finished('download_w_1_2'), 'the app1 events at the oracle');

    apps.splice(apps.indexOf(app1), 1);
    const app2 = await track(app1.restart({ port: app1.port }));
    expect(app2.url).toBe(app1.url);
    await oracle.until(() => oracle.done, 'the oracle to end with app1');
    const oracle2 = subscribeAfter(app2.client, oracle.items.at(-1)!.cursor);
    const p2 = app2.app.progress;
    p2.startProgress('download_w_1_3', 'DOWNLOAD', 'W3');
    p2.completeProgress('download_w_1_3');

    await oracle2.until(finished('download_w_1_3'), 'the app2 events at the oracle');
    await watched.until(finished('download_w_1_3'), 'the app2 events at the watcher', 10_000);
    expect(reconnects).toBeGreaterThanOrEqual(1);
    // download_w_1_1 was left active: app2 failed it as interrupted, and the watcher saw it.
    expect(oracle2.items.map((e) => [e.progress.id, e.progress.status])).toContainEqual(['download_w_1_1', 'FAILED']);
    expect(watched.items.map(key)).toEqual([...oracle.items, ...oracle2.items].map(key));
    expect(client.lastCursor).toBe(oracle2.items.at(-1)!.cursor);
    // return() on watch() waits for the next event (an async generator); closing the client ends it.
    await client.close();
    await watched.until(() => watched.done, 'watch() to end when its client closes');
    expect(watched.error).toBeUndefined();
  });
});

describe('cursor errors', () => {
  // SQLite: the log is DATA_DIR's file. The Redis equivalent (Redis back without its data):
  // test/unit/journal.test.ts 'expires every old cursor when Redis comes back without its data'.
  it.skipIf(REDIS)('after DATA_DIR is deleted, an old cursor is CURSOR_EXPIRED (never events), even once the new log has more events', async () => {
    const app1 = await track(startTestApp());
    const p1 = app1.app.progress;
    p1.startProgress('download_old_1_1', 'DOWNLOAD', 'Old');
    p1.updateProgress('download_old_1_1', { current: 1, forceBroadcast: true });
    const old = p1.lastCursor;
    apps.splice(apps.indexOf(app1), 1);
    await app1.stop();
    rmSync(app1.dataDir, { recursive: true, force: true });

    const app2 = await track(startTestApp({ dataDir: app1.dataDir, libraryDir: app1.libraryDir }));
    const p2 = app2.app.progress;
    p2.startProgress('download_new_1_1', 'DOWNLOAD', 'New', { total: 50 });
    for (let i = 1; i <= 50; i++) p2.updateProgress('download_new_1_1', { current: i, forceBroadcast: true });
    p2.flush();
    expect(Number(p2.lastCursor.split(':')[1])).toBeGreaterThan(Number(old.split(':')[1]) + 40);

    const resumed = recordStream(app2.client.subscribe(ProgressEventsDocument, { after: old }));
    const err = await resumed.failure();
    expect(err).toBeInstanceOf(GraphQLRequestError);
    expect((err as GraphQLRequestError).code).toBe('CURSOR_EXPIRED');
    expect(resumed.items).toEqual([]);
  });

  // SQLite: a write the disk refused. Redis retries a failed write instead (no hole): see
  // several-instances.multi-instance 'Redis restarted while instances run'.
  it.skipIf(REDIS)('a failed write of the event log: error_persistence, and cursors from before it and of what it lost are CURSOR_EXPIRED', async () => {
    const app = await track(startTestApp());
    const p = app.app.progress;
    const errors = subscribeAfter(app.newClient(), p.lastCursor, ['ERROR']);
    const live = subscribeAfter(app.client, p.lastCursor, ['DOWNLOAD']);
    p.startProgress('download_disk_1_1', 'DOWNLOAD', 'Disk', { total: 10 });
    await live.until((all) => all.length === 1, 'the first event');
    const beforeFailure = p.lastCursor;

    // Another connection holds the database's write lock: the service's next write fails (busy).
    const blocker = keepAlive(new Database(join(app.dataDir, DATABASE_FILE)));
    blocker.exec('BEGIN IMMEDIATE');
    p.updateProgress('download_disk_1_1', { current: 5, forceBroadcast: true });
    try {
      p.flush();
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    // Published all the same (live progress goes on), with a cursor that will never resume.
    const [, lost] = await live.until((all) => all.length === 2, 'the unwritten event, live');
    p.completeProgress('download_disk_1_1');
    const [, , done] = await live.until((all) => all.length === 3, 'the next event, written');

    const [failure] = await errors.until((all) => all.length >= 1, 'error_persistence');
    expect(failure!.progress).toMatchObject({
      id: 'error_persistence',
      type: 'ERROR',
      status: 'FAILED',
      metadata: { source: 'persistence', code: 'PERSISTENCE_FAILED' },
    });
    for (const cursor of [beforeFailure, lost!.cursor]) {
      const resumed = recordStream(app.client.subscribe(ProgressEventsDocument, { after: cursor }));
      const err = await resumed.failure();
      expect((err as GraphQLRequestError).code, cursor).toBe('CURSOR_EXPIRED');
      expect(resumed.items).toEqual([]);
    }
    expect(new Set([beforeFailure, lost!.cursor, done!.cursor]).size).toBe(3);
    // What was written after it resumes as usual, across a restart too.
    apps.splice(apps.indexOf(app), 1);
    const again = await track(app.restart());
    again.app.progress.startProgress('download_disk_1_2', 'DOWNLOAD', 'Next');
    const after = subscribeAfter(again.client, done!.cursor, ['DOWNLOAD']);
    const [next] = await after.until((all) => all.length >= 1, 'the event after the last written one');
    expect(next!.progress.id).toBe('download_disk_1_2');
  }, 30_000);

  it('a cursor the service never issued is BAD_USER_INPUT', async () => {
    const app = await track(startTestApp());
    const sub = recordStream(app.client.subscribe(ProgressEventsDocument, { after: 'nope' }));
    const err = await sub.failure();
    expect(err).toBeInstanceOf(GraphQLRequestError);
    expect((err as GraphQLRequestError).code).toBe('BAD_USER_INPUT');
    expect((err as GraphQLRequestError).message).toMatch(/nope/);
  });

  // Makes a cursor by arithmetic on SQLite's plain-number form; the Redis journal's retention
  // and expiry are tested in test/unit/journal.test.ts.
  it.skipIf(REDIS)('a cursor more than 10,000 events old is CURSOR_EXPIRED; a recent one still replays', async () => {
    const app = await track(startTestApp());
    const p = app.app.progress;
    p.startProgress('download_big_1_1', 'DOWNLOAD', 'Big', { total: 20_000 });
    const old = p.lastCursor;
    for (let i = 1; i <= 10_600; i++) p.updateProgress('download_big_1_1', { current: i, forceBroadcast: true });
    p.flush();

    const expired = recordStream(app.client.subscribe(ProgressEventsDocument, { after: old }));
    const err = await expired.failure();
    expect(err).toBeInstanceOf(GraphQLRequestError);
    expect((err as GraphQLRequestError).code).toBe('CURSOR_EXPIRED');

    // The log was pruned to its 10,000 newest events, and system_maintenance said so (the last event).
    const [epoch, newest] = p.lastCursor.split(':');
    const recent = subscribeAfter(app.client, `${epoch}:${Number(newest) - 4}`);
    const got = await recent.until((all) => all.length >= 4, 'the last 4 events');
    expect(got.map((e) => [e.progress.id, e.progress.current])).toEqual([
      ['download_big_1_1', 10_598],
      ['download_big_1_1', 10_599],
      ['download_big_1_1', 10_600],
      ['system_maintenance', 0],
    ]);
    expect(got[3]!.progress).toMatchObject({ type: 'SYSTEM', status: 'COMPLETED', metadata: { historyPruned: 0 } });
    // 10,601 download events and the start-up's two: all but the newest 10,000 went.
    expect((got[3]!.progress.metadata as { eventsPruned: number }).eventsPruned).toBe(603);
  });
});
