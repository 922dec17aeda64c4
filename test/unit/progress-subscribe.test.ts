import { afterEach, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/domain/progress-types.js';
import type { ProgressPersistence } from '../../src/store/progress-store.js';
import { createFixture, disposeAll, record } from '../helpers/progress-fixture.js';
import { waitFor } from '../helpers/wait.js';

afterEach(disposeAll);

describe('ProgressService in-process subscribers', () => {
  it('a handler that throws and one that rejects are logged; the others get every event', async () => {
    const fx = createFixture();
    const { service } = fx;
    const before = record(service);
    service.subscribe('progress', () => {
      throw new Error('sync handler boom');
    });
    service.subscribe('progress', () => Promise.reject(new Error('async handler boom')));
    const after = record(service);

    service.startProgress('dl', 'DOWNLOAD', 'Ep 1');
    service.updateProgress('dl', { current: 5 });
    service.completeProgress('dl');
    expect(() => service.flush()).not.toThrow();

    for (const rec of [before, after]) {
      expect(rec.events.map((e) => e.progress.status)).toEqual(['IN_PROGRESS', 'IN_PROGRESS', 'COMPLETED']);
    }
    await waitFor(() => fx.logs.filter((l) => l.msg === 'progress handler rejected').length === 3, {
      message: 'three "progress handler rejected" logs',
    });
    const threw = fx.logs.filter((l) => l.msg === 'progress handler threw');
    expect(threw).toHaveLength(3);
    expect(threw[0]!.err?.message).toBe('sync handler boom');
    expect(fx.logs.find((l) => l.msg === 'progress handler rejected')!.err?.message).toBe('async handler boom');
  });

  it('per-type event names only get that type', () => {
    const { service } = createFixture();
    const downloads = record(service, 'download_progress');
    const scans = record(service, 'scan_progress');
    const all = record(service, 'progress');
    service.startProgress('dl', 'DOWNLOAD', 'Ep 1');
    service.startProgress('scan', 'SCAN', 'Library scan');
    service.startProgress('queue', 'QUEUE', 'Queue');
    service.flush();
    expect(downloads.events.map((e) => [e.type, e.room, e.progress.id])).toEqual([['download_progress', 'downloads', 'dl']]);
    expect(scans.events.map((e) => [e.type, e.room, e.progress.id])).toEqual([['scan_progress', 'scan', 'scan']]);
    expect(all.events.map((e) => e.type)).toEqual(['download_progress', 'scan_progress', 'queue_progress']);
  });

  it('unsubscribe stops delivery to that handler only', () => {
    const { service } = createFixture();
    const a = record(service);
    const b = record(service);
    service.startProgress('dl', 'DOWNLOAD', 'Ep 1');
    service.flush();
    a.stop();
    service.completeProgress('dl');
    service.flush();
    expect(a.events).toHaveLength(1);
    expect(b.events).toHaveLength(2);
  });

  it('events carry increasing seqs with matching cursors', () => {
    const { service } = createFixture();
    const rec = record(service);
    service.startProgress('a', 'SYSTEM', 'A');
    service.startProgress('b', 'ERROR', 'B');
    service.completeProgress('a');
    service.flush();
    const epoch = service.lastCursor.split(':')[0];
    expect(epoch).toMatch(/^[0-9a-f]{12}$/);
    expect(rec.events.map((e) => [e.seq, e.cursor])).toEqual([
      [1, `${epoch}:1`],
      [2, `${epoch}:2`],
      [3, `${epoch}:3`],
    ]);
    expect(service.lastCursor).toBe(`${epoch}:3`);
  });

  it('keeps publishing live (and logs) when the disk write fails', () => {
    const failing = (p: ProgressPersistence): ProgressPersistence => ({
      ...p,
      atomically: () => {
        throw new Error('disk full');
      },
    });
    const fx = createFixture({ wrapPersistence: failing });
    const rec = record(fx.service);
    fx.service.startProgress('dl', 'DOWNLOAD', 'Ep 1');
    expect(() => fx.service.flush()).not.toThrow();
    expect(rec.events.map((e: ProgressEvent) => e.progress.id)).toEqual(['dl']);
    expect(fx.logs.map((l) => [l.msg, l.err?.message])).toEqual([['could not persist progress events', 'disk full']]);
    // The failure is announced too (its own write fails as well, and does not report itself again).
    fx.service.flush();
    expect(rec.events.map((e: ProgressEvent) => e.progress.id)).toEqual(['dl', 'error_persistence']);
  });
});
