import { afterEach, describe, expect, it } from 'vitest';
import { MAINTENANCE_REPORT_MS } from '../../src/services/progress-maintenance.js';
import { disposeAllFixtures, manualClock, openFixture, record } from '../helpers/progress-fixture.js';

// Runs on both backends (the `sqlite` and `redis` projects of test/vitest.config.ts): history
// through fetchHistory/fetchProgress, which serve both (getHistory is SQLite's synchronous read).
afterEach(disposeAllFixtures);

describe('ProgressService history', () => {
  it('complete, fail and cancel move records to history, newest first', async () => {
    const fx = await openFixture();
    const { service } = fx;
    service.startProgress('a', 'DOWNLOAD', 'A');
    service.startProgress('b', 'SCAN', 'B');
    service.startProgress('c', 'QUEUE', 'C');
    service.completeProgress('a');
    service.failProgress('b', 'no disk');
    service.cancelProgress('c');
    expect(service.getActive()).toEqual([]);
    const page = await service.fetchHistory({ limit: 10 });
    expect(page.entries.map((e) => [e.record.id, e.record.status, e.record.error])).toEqual([
      ['c', 'CANCELLED', null],
      ['error_b', 'FAILED', 'no disk'], // the failure's ERROR record comes right after it
      ['b', 'FAILED', 'no disk'],
      ['a', 'COMPLETED', null],
    ]);
    expect(page.totalCount).toBe(4);
    expect(page.hasMore).toBe(false);
  });

  it('getProgress finds the finished record once it is written', async () => {
    const fx = await openFixture();
    const { service } = fx;
    service.startProgress('a', 'DOWNLOAD', 'A');
    service.completeProgress('a');
    await fx.settle();
    expect(await service.fetchProgress('a')).toMatchObject({ id: 'a', status: 'COMPLETED', percent: 100 });
    expect(await service.fetchProgress('nope')).toBeNull();
    if (fx.backend === 'sqlite') expect(service.getProgress('a')).toMatchObject({ id: 'a', status: 'COMPLETED' });
  });

  // BUG (src/services/progress-service.ts getProgress): finish() removes the record from the
  // active map at once, but history is only written on the next flush (setImmediate), and
  // getProgress() read the store without flushing, so it returned null right after
  // completeProgress(). Fixed by flushing first in getProgress (as getHistory does).
  it('getProgress finds the finished record right after completeProgress (same tick)', async () => {
    const fx = await openFixture();
    const { service } = fx;
    service.startProgress('a', 'DOWNLOAD', 'A');
    service.completeProgress('a');
    expect(service.getProgress('a')).toMatchObject({ id: 'a', status: 'COMPLETED' });
  });

  it('getProgress prefers the active run over an older finished one, then the newest finished', async () => {
    const fx = await openFixture();
    const { service } = fx;
    service.startProgress('a', 'DOWNLOAD', 'Run 1');
    service.failProgress('a', 'x');
    service.startProgress('a', 'DOWNLOAD', 'Run 2');
    expect(service.getProgress('a')).toMatchObject({ title: 'Run 2', status: 'IN_PROGRESS' });
    service.completeProgress('a');
    await fx.settle();
    expect(await service.fetchProgress('a')).toMatchObject({ title: 'Run 2', status: 'COMPLETED' });
    expect((await service.fetchHistory({ types: ['DOWNLOAD'], limit: 10 })).totalCount).toBe(2);
  });

  it('filters by types and statuses, with totalCount of the filter and pagination via before', async () => {
    const clock = manualClock();
    const fx = await openFixture({ now: clock.now });
    const { service } = fx;
    for (let i = 0; i < 5; i++) {
      service.startProgress(`dl${i}`, 'DOWNLOAD', `Ep ${i}`);
      if (i % 2 === 0) service.completeProgress(`dl${i}`);
      else service.failProgress(`dl${i}`, 'nope');
    }
    service.startProgress('scan', 'SCAN', 'Scan');
    service.completeProgress('scan');

    const scans = await service.fetchHistory({ types: ['SCAN'], limit: 10 });
    expect(scans.entries.map((e) => e.record.id)).toEqual(['scan']);
    expect(scans.totalCount).toBe(1);

    const failed = await service.fetchHistory({ types: ['DOWNLOAD'], statuses: ['FAILED'], limit: 10 });
    expect(failed.entries.map((e) => e.record.id)).toEqual(['dl3', 'dl1']);
    const errors = await service.fetchHistory({ types: ['ERROR'], limit: 10 });
    expect(errors.entries.map((e) => e.record.id)).toEqual(['error_dl3', 'error_dl1']);

    const completedDownloads = await service.fetchHistory({ types: ['DOWNLOAD'], statuses: ['COMPLETED'], limit: 2 });
    expect(completedDownloads.entries.map((e) => e.record.id)).toEqual(['dl4', 'dl2']);
    expect(completedDownloads.totalCount).toBe(3);
    expect(completedDownloads.hasMore).toBe(true);

    const next = await service.fetchHistory({
      types: ['DOWNLOAD'],
      statuses: ['COMPLETED'],
      limit: 2,
      before: completedDownloads.entries.at(-1)!.key,
    });
    expect(next.entries.map((e) => e.record.id)).toEqual(['dl0']);
    expect(next.totalCount).toBe(3);
    expect(next.hasMore).toBe(false);
  });

  it('prunes history to historyLimit (pruning runs every 500 appended events)', async () => {
    const fx = await openFixture({ historyLimit: 3 });
    const { service } = fx;
    // 250 operations started and completed = 500 events in one flush.
    for (let i = 0; i < 250; i++) {
      service.startProgress(`op${i}`, 'DOWNLOAD', `Op ${i}`);
      service.completeProgress(`op${i}`);
    }
    await fx.settle();
    // DOWNLOAD only: the pruning's own report (system_maintenance) joins history after it.
    const page = await service.fetchHistory({ types: ['DOWNLOAD'], limit: 10 });
    expect(page.totalCount).toBe(3);
    expect(page.entries.map((e) => e.record.id)).toEqual(['op249', 'op248', 'op247']);
    expect(await service.fetchProgress('op0')).toBeNull();
  });

  it('does not prune before 500 events', async () => {
    const fx = await openFixture({ historyLimit: 3 });
    const { service } = fx;
    for (let i = 0; i < 249; i++) {
      service.startProgress(`op${i}`, 'SYSTEM', `Op ${i}`);
      service.completeProgress(`op${i}`);
    }
    expect((await service.fetchHistory({ limit: 1 })).totalCount).toBe(249);
  });

  it('system_maintenance says what pruning removed: the first time at once, then at most every MAINTENANCE_REPORT_MS with the counts in between', async () => {
    const clock = manualClock();
    const fx = await openFixture({ historyLimit: 3, now: clock.now });
    const { service } = fx;
    const maintenance = record(service, 'system_progress');
    const run = async (from: number) => {
      for (let i = from; i < from + 250; i++) {
        service.startProgress(`op${i}`, 'DOWNLOAD', `Op ${i}`);
        service.completeProgress(`op${i}`);
      }
      await fx.settle(); // writes and prunes
      await fx.settle(); // the maintenance record, if any
    };
    await run(0);
    expect(maintenance.events.map((e) => [e.progress.id, e.progress.status, e.progress.metadata])).toEqual([
      ['system_maintenance', 'COMPLETED', { eventsPruned: 0, historyPruned: 247, eventLogRetention: 10_000, historyLimit: 3 }],
    ]);
    await run(250);
    expect(maintenance.events).toHaveLength(1); // too soon: counted, not reported
    clock.advance(MAINTENANCE_REPORT_MS);
    await run(500);
    expect(maintenance.events).toHaveLength(2);
    // 250 + 250 finished, each time the history back to 3 (the first record counts too).
    expect(maintenance.events[1]!.progress.metadata).toMatchObject({ historyPruned: 501 });
  });
});
