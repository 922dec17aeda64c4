import { afterEach, describe, expect, it } from 'vitest';
import { disposeAllFixtures, openFixture, record } from '../helpers/progress-fixture.js';
import { waitFor } from '../helpers/wait.js';

// Runs on both backends (the `sqlite` and `redis` projects of test/vitest.config.ts). Live
// delivery when the disk fails is SQLite's: progress-sqlite-log.test.ts.
afterEach(disposeAllFixtures);

describe('ProgressService in-process subscribers', () => {
  it('a handler that throws and one that rejects are logged; the others get every event', async () => {
    const fx = await openFixture();
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
    await fx.settle();

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

  it('per-type event names only get that type', async () => {
    const fx = await openFixture();
    const { service } = fx;
    const downloads = record(service, 'download_progress');
    const scans = record(service, 'scan_progress');
    const all = record(service, 'progress');
    service.startProgress('dl', 'DOWNLOAD', 'Ep 1');
    service.startProgress('scan', 'SCAN', 'Library scan');
    service.startProgress('queue', 'QUEUE', 'Queue');
    await fx.settle();
    expect(downloads.events.map((e) => [e.type, e.room, e.progress.id])).toEqual([['download_progress', 'downloads', 'dl']]);
    expect(scans.events.map((e) => [e.type, e.room, e.progress.id])).toEqual([['scan_progress', 'scan', 'scan']]);
    expect(all.events.map((e) => e.type)).toEqual(['download_progress', 'scan_progress', 'queue_progress']);
  });

  it('unsubscribe stops delivery to that handler only', async () => {
    const fx = await openFixture();
    const { service } = fx;
    const a = record(service);
    const b = record(service);
    service.startProgress('dl', 'DOWNLOAD', 'Ep 1');
    await fx.settle();
    a.stop();
    service.completeProgress('dl');
    await fx.settle();
    expect(a.events).toHaveLength(1);
    expect(b.events).toHaveLength(2);
  });

  it('events carry increasing seqs with matching cursors', async () => {
    const fx = await openFixture();
    const { service } = fx;
    const rec = record(service);
    service.startProgress('a', 'SYSTEM', 'A');
    service.startProgress('b', 'ERROR', 'B');
    service.completeProgress('a');
    await fx.settle();
    const epoch = fx.journal.identity;
    // SQLite: a 12-hex-digit epoch; Redis: the Stream's identity.
    expect(epoch).toMatch(fx.backend === 'sqlite' ? /^[0-9a-f]{12}$/ : /^[A-Za-z0-9_-]{1,64}$/);
    expect(rec.events.map((e) => [e.seq, e.cursor])).toEqual([
      [1, `${epoch}:1`],
      [2, `${epoch}:2`],
      [3, `${epoch}:3`],
    ]);
    // SQLite knows it in the emitting turn; Redis once the log handed the events back.
    if (fx.backend === 'sqlite') expect(service.lastCursor).toBe(`${epoch}:3`);
    expect(await service.currentCursor()).toBe(`${epoch}:3`);
  });
});
