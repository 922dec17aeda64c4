import { afterEach, describe, expect, it } from 'vitest';
import { INTERRUPTED_ERROR } from '../../src/services/progress-recovery.js';
import { disposeAllFixtures, openFixture, record, type BackendFixture } from '../helpers/progress-fixture.js';
import { nextEvents } from '../helpers/wait.js';

// Runs on both backends (the `sqlite` and `redis` projects of test/vitest.config.ts). A re-open
// is a new ProgressService on the same data: SQLite inherits what the last process left active;
// on Redis the fixture adopts it as a new queue runner does (src/runner.ts).
afterEach(disposeAllFixtures);

/** A first run that leaves `dl1` and `scan` active and `done` finished, then stops. */
async function firstRun(): Promise<{ first: BackendFixture; lastCursor: string }> {
  const fx = await openFixture();
  const { service } = fx;
  service.startProgress('dl1', 'DOWNLOAD', 'Ep 1', { total: 100, metadata: { season: 1 } });
  service.updateProgress('dl1', { current: 40, forceBroadcast: true });
  service.startProgress('scan', 'SCAN', 'Library scan');
  service.startProgress('done', 'SYSTEM', 'Done');
  service.completeProgress('done');
  const lastCursor = await fx.cursor();
  await fx.close();
  return { first: fx, lastCursor };
}

describe('ProgressService re-open', () => {
  it('brings back the active records and lists them as interrupted', async () => {
    const { first } = await firstRun();
    const { service } = await openFixture({ reopen: first });
    expect(service.getActive().map((r) => r.id).sort()).toEqual(['dl1', 'scan']);
    expect(service.getProgress('dl1')).toMatchObject({ status: 'IN_PROGRESS', current: 40, metadata: { season: 1 } });
    expect(service.interruptedIds().sort()).toEqual(['dl1', 'scan']);
    expect(await service.fetchProgress('done')).toMatchObject({ status: 'COMPLETED' });
  });

  it('failInterrupted fails them with INTERRUPTED_ERROR and moves them to history', async () => {
    const { first } = await firstRun();
    const { service } = await openFixture({ reopen: first });
    const rec = record(service);
    const failed = service.failInterrupted();
    expect(failed.map((r) => [r.id, r.status, r.error]).sort()).toEqual([
      ['dl1', 'FAILED', INTERRUPTED_ERROR],
      ['scan', 'FAILED', INTERRUPTED_ERROR],
    ]);
    expect(service.getActive()).toEqual([]);
    expect(service.interruptedIds()).toEqual([]);
    await service.settled();
    const history = await service.fetchHistory({ statuses: ['FAILED'], limit: 10 });
    expect(history.entries.map((e) => e.record.id).sort()).toEqual(['dl1', 'error_dl1', 'error_scan', 'scan']);
    // Each failure right followed by its ERROR record (dl1 and scan started in the same
    // millisecond may come in either order).
    const shape = rec.events.map((e) => [e.progress.id, e.progress.status, e.progress.metadata.code ?? null]);
    const pairs = [shape.slice(0, 2), shape.slice(2, 4)].sort((a, b) => String(a[0]![0]).localeCompare(String(b[0]![0])));
    expect(shape).toHaveLength(4);
    expect(pairs).toEqual([
      [
        ['dl1', 'FAILED', null],
        ['error_dl1', 'FAILED', 'INTERRUPTED'],
      ],
      [
        ['scan', 'FAILED', null],
        ['error_scan', 'FAILED', 'INTERRUPTED'],
      ],
    ]);
    expect(service.failInterrupted()).toEqual([]); // nothing left to fail
  });

  it('a claimed operation is not failed and can be updated and completed', async () => {
    const { first } = await firstRun();
    const { service } = await openFixture({ reopen: first });
    expect(service.claimInterrupted('dl1')).toMatchObject({ id: 'dl1', current: 40 });
    expect(service.claimInterrupted('dl1')).toBeNull(); // only once
    expect(service.claimInterrupted('unknown')).toBeNull();
    expect(service.interruptedIds()).toEqual(['scan']);
    expect(service.failInterrupted().map((r) => r.id)).toEqual(['scan']);

    expect(service.updateProgress('dl1', { current: 80 })).toMatchObject({ status: 'IN_PROGRESS', percent: 80 });
    service.completeProgress('dl1');
    expect(service.getProgress('dl1')).toMatchObject({ status: 'COMPLETED', current: 80, error: null });
  });

  it('an interrupted id restarted by its owner is no longer interrupted', async () => {
    const { first } = await firstRun();
    const { service } = await openFixture({ reopen: first });
    service.startProgress('scan', 'SCAN', 'Library scan again');
    expect(service.interruptedIds()).toEqual(['dl1']);
  });

  it('continues the sequence after the old newest: cursors keep increasing across restarts', async () => {
    const { first, lastCursor } = await firstRun();
    expect(lastCursor).toMatch(/:5$/);
    const second = await openFixture({ reopen: first });
    expect(await second.cursor()).toBe(lastCursor);
    const rec = record(second.service);
    second.service.startProgress('new', 'QUEUE', 'Queue');
    await second.settle();
    expect(rec.events.map((e) => e.seq)).toEqual([6]);
    await second.close();

    const third = await openFixture({ reopen: second });
    const rec3 = record(third.service);
    third.service.failInterrupted();
    await third.settle();
    // dl1, scan, new, each followed by its ERROR record
    expect(rec3.events.map((e) => e.seq)).toEqual([7, 8, 9, 10, 11, 12]);
    expect(rec3.events.every((e) => e.cursor === lastCursor.replace(/:5$/, `:${e.seq}`))).toBe(true);
  });

  it('the epoch survives a re-open: its cursors still resume', async () => {
    const first = await openFixture();
    first.service.startProgress('dl', 'DOWNLOAD', 'Ep 1');
    const cursor = await first.cursor();
    await first.close();
    const second = await openFixture({ reopen: first });
    const stream = second.service.stream({ after: cursor });
    expect(second.service.claimInterrupted('dl')).not.toBeNull();
    second.service.completeProgress('dl');
    const [next] = await nextEvents(stream, 1);
    expect(next!.progress.status).toBe('COMPLETED');
    expect(next!.cursor.split(':')[0]).toBe(cursor.split(':')[0]);
    await stream.return!();
  });
});
