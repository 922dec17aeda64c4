import { afterEach, describe, expect, it } from 'vitest';
import { MAINTENANCE_REPORT_MS } from '../../src/services/progress-maintenance.js';
import { createFixture, disposeAll, manualClock, record } from '../helpers/progress-fixture.js';

afterEach(disposeAll);

describe('ProgressService history', () => {
  it('complete, fail and cancel move records to history, newest first', () => {
    const { service } = createFixture();
    service.startProgress('a', 'DOWNLOAD', 'A');
    service.startProgress('b', 'SCAN', 'B');
    service.startProgress('c', 'QUEUE', 'C');
    service.completeProgress('a');
    service.failProgress('b', 'no disk');
    service.cancelProgress('c');
    expect(service.getActive()).toEqual([]);
    const page = service.getHistory({ limit: 10 });
    expect(page.entries.map((e) => [e.record.id, e.record.status, e.record.error])).toEqual([
      ['c', 'CANCELLED', null],
      ['error_b', 'FAILED', 'no disk'], // the failure's ERROR record comes right after it
      ['b', 'FAILED', 'no disk'],
      ['a', 'COMPLETED', null],
    ]);
    expect(page.totalCount).toBe(4);
    expect(page.hasMore).toBe(false);
  });

  it('getProgress finds the finished record once it is written', () => {
    const { service } = createFixture();
    service.startProgress('a', 'DOWNLOAD', 'A');
    service.completeProgress('a');
    service.flush();
    expect(service.getProgress('a')).toMatchObject({ id: 'a', status: 'COMPLETED', percent: 100 });
    expect(service.getProgress('nope')).toBeNull();
  });

  // BUG (src/services/progress-service.ts getProgress): finish() removes the record from the
  // active map at once, but history is only written on the next flush (setImmediate), and
  // getProgress() read the store without flushing, so it returned null right after
  // completeProgress(). Fixed by flushing first in getProgress (as getHistory does).
  it('getProgress finds the finished record right after completeProgress (same tick)', () => {
    const { service } = createFixture();
    service.startProgress('a', 'DOWNLOAD', 'A');
    service.completeProgress('a');
    expect(service.getProgress('a')).toMatchObject({ id: 'a', status: 'COMPLETED' });
  });

  it('getProgress prefers the active run over an older finished one, then the newest finished', () => {
    const { service } = createFixture();
    service.startProgress('a', 'DOWNLOAD', 'Run 1');
    service.failProgress('a', 'x');
    service.startProgress('a', 'DOWNLOAD', 'Run 2');
    expect(service.getProgress('a')).toMatchObject({ title: 'Run 2', status: 'IN_PROGRESS' });
    service.completeProgress('a');
    service.flush();
    expect(service.getProgress('a')).toMatchObject({ title: 'Run 2', status: 'COMPLETED' });
    expect(service.getHistory({ types: ['DOWNLOAD'], limit: 10 }).totalCount).toBe(2);
  });

  it('filters by types and statuses, with totalCount of the filter and pagination via before', () => {
    const clock = manualClock();
    const { service } = createFixture({ now: clock.now });
    for (let i = 0; i < 5; i++) {
      service.startProgress(`dl${i}`, 'DOWNLOAD', `Ep ${i}`);
      if (i % 2 === 0) service.completeProgress(`dl${i}`);
      else service.failProgress(`dl${i}`, 'nope');
    }
    service.startProgress('scan', 'SCAN', 'Scan');
    service.completeProgress('scan');

    const scans = service.getHistory({ types: ['SCAN'], limit: 10 });
    expect(scans.entries.map((e) => e.record.id)).toEqual(['scan']);
    expect(scans.totalCount).toBe(1);

    const failed = service.getHistory({ types: ['DOWNLOAD'], statuses: ['FAILED'], limit: 10 });
    expect(failed.entries.map((e) => e.record.id)).toEqual(['dl3', 'dl1']);
    const errors = service.getHistory({ types: ['ERROR'], limit: 10 });
    expect(errors.entries.map((e) => e.record.id)).toEqual(['error_dl3', 'error_dl1']);

    const completedDownloads = service.getHistory({ types: ['DOWNLOAD'], statuses: ['COMPLETED'], limit: 2 });
    expect(completedDownloads.entries.map((e) => e.record.id)).toEqual(['dl4', 'dl2']);
    expect(completedDownloads.totalCount).toBe(3);
    expect(completedDownloads.hasMore).toBe(true);

    const next = service.getHistory({
      types: ['DOWNLOAD'],
      statuses: ['COMPLETED'],
      limit: 2,
      before: completedDownloads.entries.at(-1)!.key,
    });
    expect(next.entries.map((e) => e.record.id)).toEqual(['dl0']);
    expect(next.totalCount).toBe(3);
    expect(next.hasMore).toBe(false);
  });

  it('prunes history to historyLimit (pruning runs every 500 appended events)', () => {
    const { service } = createFixture({ historyLimit: 3 });
    // 250 operations started and completed = 500 events in one flush.
    for (let i = 0; i < 250; i++) {
      service.startProgress(`op${i}`, 'SYSTEM', `Op ${i}`);
      service.completeProgress(`op${i}`);
    }
    const page = service.getHistory({ limit: 10 });
    expect(page.totalCount).toBe(3);
    expect(page.entries.map((e) => e.record.id)).toEqual(['op249', 'op248', 'op247']);
    expect(service.getProgress('op0')).toBeNull();
  });

  it('does not prune before 500 events', () => {
    const { service } = createFixture({ historyLimit: 3 });
    for (let i = 0; i < 249; i++) {
      service.startProgress(`op${i}`, 'SYSTEM', `Op ${i}`);
      service.completeProgress(`op${i}`);
    }
    expect(service.getHistory({ limit: 1 }).totalCount).toBe(249);
  });

  it('system_maintenance says what pruning removed: the first time at once, then at most every MAINTENANCE_REPORT_MS with the counts in between', () => {
    const clock = manualClock();
    const { service } = createFixture({ historyLimit: 3, now: clock.now });
    const maintenance = record(service, 'system_progress');
    const run = (from: number) => {
      for (let i = from; i < from + 250; i++) {
        service.startProgress(`op${i}`, 'DOWNLOAD', `Op ${i}`);
        service.completeProgress(`op${i}`);
      }
      service.flush(); // writes and prunes
      service.flush(); // the maintenance record, if any
    };
    run(0);
    expect(maintenance.events.map((e) => [e.progress.id, e.progress.status, e.progress.metadata])).toEqual([
      ['system_maintenance', 'COMPLETED', { eventsPruned: 0, historyPruned: 247, eventLogRetention: 10_000, historyLimit: 3 }],
    ]);
    run(250);
    expect(maintenance.events).toHaveLength(1); // too soon: counted, not reported
    clock.advance(MAINTENANCE_REPORT_MS);
    run(500);
    expect(maintenance.events).toHaveLength(2);
    // 250 + 250 finished, each time the history back to 3 (the first record counts too).
    expect(maintenance.events[1]!.progress.metadata).toMatchObject({ historyPruned: 501 });
  });
});
