import { afterEach, describe, expect, it } from 'vitest';
import { disposeAllFixtures, openFixture, record } from '../helpers/progress-fixture.js';
import { NOTHING, collect, nextWithin, sleep, waitFor } from '../helpers/wait.js';

// Runs on both backends (the `sqlite` and `redis` projects of test/vitest.config.ts).
afterEach(disposeAllFixtures);

describe('ProgressService throttling', () => {
  it('broadcasts far fewer events than rapid updates, getProgress is always the latest, and the last in-between state trails', async () => {
    const fx = await openFixture({ throttleMs: 100 });
    const { service } = fx;
    const rec = record(service);
    service.startProgress('dl', 'DOWNLOAD', 'Ep 1', { total: 50 });
    for (let i = 1; i <= 50; i++) {
      service.updateProgress('dl', { current: i });
      expect(service.getProgress('dl')?.current).toBe(i);
    }
    await waitFor(() => rec.events.some((e) => e.progress.current === 50), {
      message: 'the trailing broadcast of current=50',
    });
    expect(rec.events.length).toBeLessThanOrEqual(3);
    expect(rec.events[0]!.progress.current).toBe(0);
    expect(rec.events.at(-1)!.progress).toMatchObject({ current: 50, percent: 100, status: 'IN_PROGRESS' });
    // Nothing more is pending: prove no further broadcast comes within two windows.
    await sleep(200);
    expect(rec.events.at(-1)!.progress.current).toBe(50);
  });

  it('does not broadcast an in-between update inside the window until it ends', async () => {
    const fx = await openFixture({ throttleMs: 150 });
    const { service } = fx;
    const rec = record(service);
    service.startProgress('dl', 'DOWNLOAD', 'Ep 1');
    await fx.settle();
    const startedAt = Date.now();
    service.updateProgress('dl', { current: 7 });
    await fx.settle();
    expect(rec.events).toHaveLength(1); // throttled
    await waitFor(() => rec.events.length === 2, { message: 'the trailing broadcast' });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(140);
    expect(rec.events[1]!.progress.current).toBe(7);
  });

  it('broadcasts status changes and forceBroadcast at once, inside the window', async () => {
    const fx = await openFixture({ throttleMs: 60_000 });
    const { service } = fx;
    const rec = record(service);
    service.startProgress('q', 'QUEUE', 'Queue');
    await fx.settle();
    service.updateProgress('q', { current: 1 });
    await fx.settle();
    expect(rec.events.map((e) => e.progress.current)).toEqual([0]);

    service.updateProgress('q', { current: 2, forceBroadcast: true });
    await fx.settle();
    expect(rec.events.map((e) => e.progress.current)).toEqual([0, 2]);

    service.updateProgress('q', { status: 'PENDING' });
    await fx.settle();
    expect(rec.events.map((e) => e.progress.status)).toEqual(['IN_PROGRESS', 'IN_PROGRESS', 'PENDING']);

    service.updateProgress('q', { status: 'IN_PROGRESS', current: 3 });
    await fx.settle();
    expect(rec.events.at(-1)!.progress).toMatchObject({ status: 'IN_PROGRESS', current: 3 });
    expect(rec.events).toHaveLength(4);
  });

  it('a forced broadcast supersedes the pending trailing one (no repeat after the window)', async () => {
    const fx = await openFixture({ throttleMs: 80 });
    const { service } = fx;
    const rec = record(service);
    service.startProgress('dl', 'DOWNLOAD', 'Ep 1');
    service.updateProgress('dl', { current: 1 }); // schedules a trailing broadcast
    service.updateProgress('dl', { current: 2, forceBroadcast: true });
    await waitFor(() => rec.events.length === 2, { message: 'start and the forced update' });
    // Prove that the cancelled trailing broadcast does not fire: wait out two windows.
    await sleep(200);
    expect(rec.events.map((e) => e.progress.current)).toEqual([0, 2]);
  });

  it('completeProgress right after updates emits the final state, and no stale trailing event follows', async () => {
    const fx = await openFixture({ throttleMs: 100 });
    const { service } = fx;
    const rec = record(service);
    service.startProgress('dl', 'DOWNLOAD', 'Ep 1', { total: 10 });
    for (let i = 1; i <= 10; i++) service.updateProgress('dl', { current: i });
    service.completeProgress('dl', { message: 'done' });
    await waitFor(() => rec.events.some((e) => e.progress.status === 'COMPLETED'), { message: 'COMPLETED' });
    // Prove that the pending trailing broadcast was cancelled: wait out two windows.
    await sleep(250);
    expect(rec.events.map((e) => e.progress.status)).toEqual(['IN_PROGRESS', 'COMPLETED']);
    expect(rec.events[1]!.progress).toMatchObject({ current: 10, percent: 100, message: 'done' });
  });

  it('a restart of the same id cancels the old trailing broadcast', async () => {
    const fx = await openFixture({ throttleMs: 100 });
    const { service } = fx;
    const rec = record(service);
    service.startProgress('dl', 'DOWNLOAD', 'Try 1');
    service.updateProgress('dl', { current: 99 }); // schedules a trailing broadcast
    service.startProgress('dl', 'DOWNLOAD', 'Try 2');
    await waitFor(() => rec.events.length >= 2, { message: 'both starts' });
    // Prove the old trailing state (current 99) never goes out.
    await sleep(200);
    expect(rec.events.map((e) => [e.progress.title, e.progress.current])).toEqual([
      ['Try 1', 0],
      ['Try 2', 0],
    ]);
  });

  it('the first start and the final state reach in-process subscribers and stream() under heavy throttling', async () => {
    const fx = await openFixture({ throttleMs: 1_000 });
    const { service } = fx;
    const rec = record(service, 'download_progress');
    const stream = service.stream({ types: ['DOWNLOAD'] });
    service.startProgress('dl', 'DOWNLOAD', 'Ep 1', { total: 100 });
    for (let i = 1; i <= 100; i++) service.updateProgress('dl', { current: i });
    service.completeProgress('dl');

    const streamed = await collect(stream, (e) => e.progress.status === 'COMPLETED');
    await waitFor(() => rec.events.length === 2, { message: 'two in-process events' });
    for (const events of [streamed, rec.events]) {
      expect(events.map((e) => [e.progress.status, e.progress.current])).toEqual([
        ['IN_PROGRESS', 0],
        ['COMPLETED', 100],
      ]);
    }
    expect(await nextWithin(stream, 50)).toBe(NOTHING); // nothing after the final state
    await stream.return!();
  });

  it('close() writes the throttled latest state before stopping', async () => {
    const fx = await openFixture({ throttleMs: 60_000 });
    const { service } = fx;
    const rec = record(service);
    service.startProgress('dl', 'DOWNLOAD', 'Ep 1');
    service.updateProgress('dl', { current: 42 });
    await fx.settle();
    expect(rec.events).toHaveLength(1);
    // What the log has: SQLite writes and publishes in close(); Redis writes it in
    // closeAndSettle() (whether it is delivered back before the service stops listening is
    // not this test's business).
    if (fx.backend === 'sqlite') service.close();
    else await service.closeAndSettle();
    const logged = await fx.journal.readAfter(0, 10);
    expect(logged.map((e) => e.progress.current)).toEqual([0, 42]);
    if (fx.backend === 'sqlite') expect(rec.events.map((e) => e.progress.current)).toEqual([0, 42]);
  });
});
