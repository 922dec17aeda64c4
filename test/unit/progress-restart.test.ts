import { afterEach, describe, expect, it } from 'vitest';
import { INTERRUPTED_ERROR } from '../../src/services/progress-recovery.js';
import { createFixture, disposeAll, record } from '../helpers/progress-fixture.js';

afterEach(disposeAll);

/** A first run that leaves `dl1` and `scan` active and `done` finished, then stops. */
function firstRun() {
  const fx = createFixture();
  const { service } = fx;
  service.startProgress('dl1', 'DOWNLOAD', 'Ep 1', { total: 100, metadata: { season: 1 } });
  service.updateProgress('dl1', { current: 40, forceBroadcast: true });
  service.startProgress('scan', 'SCAN', 'Library scan');
  service.startProgress('done', 'SYSTEM', 'Done');
  service.completeProgress('done');
  const lastCursor = service.lastCursor;
  fx.close();
  return { dir: fx.dir, lastCursor };
}

describe('ProgressService re-open', () => {
  it('brings back the active records and lists them as interrupted', () => {
    const { dir } = firstRun();
    const { service } = createFixture({ dir });
    expect(service.getActive().map((r) => r.id).sort()).toEqual(['dl1', 'scan']);
    expect(service.getProgress('dl1')).toMatchObject({ status: 'IN_PROGRESS', current: 40, metadata: { season: 1 } });
    expect(service.interruptedIds().sort()).toEqual(['dl1', 'scan']);
    expect(service.getProgress('done')).toMatchObject({ status: 'COMPLETED' });
  });

  it('failInterrupted fails them with INTERRUPTED_ERROR and moves them to history', () => {
    const { dir } = firstRun();
    const { service } = createFixture({ dir });
    const rec = record(service);
    const failed = service.failInterrupted();
    expect(failed.map((r) => [r.id, r.status, r.error]).sort()).toEqual([
      ['dl1', 'FAILED', INTERRUPTED_ERROR],
      ['scan', 'FAILED', INTERRUPTED_ERROR],
    ]);
    expect(service.getActive()).toEqual([]);
    expect(service.interruptedIds()).toEqual([]);
    const history = service.getHistory({ statuses: ['FAILED'], limit: 10 });
    expect(history.entries.map((e) => e.record.id).sort()).toEqual(['dl1', 'error_dl1', 'error_scan', 'scan']);
    expect(rec.events.map((e) => [e.progress.id, e.progress.status, e.progress.metadata.code ?? null])).toEqual([
      ['dl1', 'FAILED', null],
      ['error_dl1', 'FAILED', 'INTERRUPTED'],
      ['scan', 'FAILED', null],
      ['error_scan', 'FAILED', 'INTERRUPTED'],
    ]);
    expect(service.failInterrupted()).toEqual([]); // nothing left to fail
  });

  it('a claimed operation is not failed and can be updated and completed', () => {
    const { dir } = firstRun();
    const { service } = createFixture({ dir });
    expect(service.claimInterrupted('dl1')).toMatchObject({ id: 'dl1', current: 40 });
    expect(service.claimInterrupted('dl1')).toBeNull(); // only once
    expect(service.claimInterrupted('unknown')).toBeNull();
    expect(service.interruptedIds()).toEqual(['scan']);
    expect(service.failInterrupted().map((r) => r.id)).toEqual(['scan']);

    expect(service.updateProgress('dl1', { current: 80 })).toMatchObject({ status: 'IN_PROGRESS', percent: 80 });
    service.completeProgress('dl1');
    expect(service.getProgress('dl1')).toMatchObject({ status: 'COMPLETED', current: 80, error: null });
  });

  it('an interrupted id restarted by its owner is no longer interrupted', () => {
    const { dir } = firstRun();
    const { service } = createFixture({ dir });
    service.startProgress('scan', 'SCAN', 'Library scan again');
    expect(service.interruptedIds()).toEqual(['dl1']);
  });

  it('continues the sequence after the old newest: cursors keep increasing across restarts', () => {
    const { dir, lastCursor } = firstRun();
    expect(lastCursor).toMatch(/^[0-9a-f]{12}:5$/);
    const second = createFixture({ dir });
    expect(second.service.lastCursor).toBe(lastCursor);
    const rec = record(second.service);
    second.service.startProgress('new', 'QUEUE', 'Queue');
    second.service.flush();
    expect(rec.events.map((e) => e.seq)).toEqual([6]);
    second.close();

    const third = createFixture({ dir });
    const rec3 = record(third.service);
    third.service.failInterrupted();
    third.service.flush();
    // dl1, scan, new, each followed by its ERROR record
    expect(rec3.events.map((e) => e.seq)).toEqual([7, 8, 9, 10, 11, 12]);
    expect(rec3.events.every((e) => e.cursor === lastCursor.replace(/:5$/, `:${e.seq}`))).toBe(true);
  });
});
