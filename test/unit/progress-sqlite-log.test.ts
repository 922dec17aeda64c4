/**
 * SQLite only (the `sqlite` vitest project): what is really about the SQLite file behind the
 * log. Cursors carry the epoch of the log that issued them: a new database (DATA_DIR deleted)
 * or a write the disk refused starts a new epoch, and a cursor from another epoch is
 * CURSOR_EXPIRED, never a resume into other events. Live progress goes on while the disk
 * fails, and nothing is published before it is in the log (with SQLite the service publishes
 * itself, after the write).
 *
 * Redis equivalents: a log lost with Redis's data expires old cursors and never reuses one
 * (test/unit/journal.test.ts 'expires every old cursor when Redis comes back without its
 * data'); a write Redis refused is retried, not published with a hole (several-instances
 * 'Redis restarted while instances run'); with Redis this instance delivers only what it read
 * back from the Stream, so publish-after-write holds by construction. The epoch surviving a
 * re-open runs on both backends in progress-restart.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CursorExpiredError, type ServiceError } from '../../src/services/errors.js';
import type { ProgressEvent } from '../../src/domain/progress-types.js';
import type { ProgressPersistence } from '../../src/store/progress-store.js';
import { createInProcessPubSub } from '../../src/services/progress-pubsub.js';
import { createFixture, disposeAll, record, seqOf } from '../helpers/progress-fixture.js';
import { nextEvents, thrownBy } from '../helpers/wait.js';

afterEach(disposeAll);

function expectExpired(fn: () => unknown, what: string): void {
  const err = thrownBy(fn);
  expect(err, what).toBeInstanceOf(CursorExpiredError);
  expect((err as ServiceError).code).toBe('CURSOR_EXPIRED');
}

/** A persistence whose writes fail while `broken.on` is true. */
function breakable() {
  const broken = { on: false };
  const wrap = (p: ProgressPersistence): ProgressPersistence => ({
    ...p,
    atomically: (fn) => {
      if (broken.on) throw new Error('disk I/O error');
      return p.atomically(fn);
    },
  });
  return { broken, wrap };
}

describe('event log epochs', () => {
  it('a new database (DATA_DIR deleted) refuses a cursor of the old one, even once it has more events', () => {
    const first = createFixture();
    first.service.startProgress('dl', 'DOWNLOAD', 'Ep 1');
    first.service.updateProgress('dl', { current: 1, forceBroadcast: true });
    first.service.flush();
    const old = first.service.lastCursor;
    first.dispose(); // the database is gone

    const second = createFixture();
    second.service.startProgress('scan', 'SCAN', 'Scan');
    for (let i = 1; i <= 10; i++) second.service.updateProgress('scan', { current: i, forceBroadcast: true });
    second.service.flush();
    expect(seqOf(second.service.lastCursor)).toBeGreaterThan(seqOf(old));
    expectExpired(() => second.service.stream({ after: old }), 'a cursor of the deleted database');
  });

  it('a failed write: cursors before it and of the unwritten events expire, none is ever handed out twice, and the new epoch is durable', async () => {
    const { broken, wrap } = breakable();
    const fx = createFixture({ wrapPersistence: wrap });
    const seen = record(fx.service);
    fx.service.startProgress('dl', 'DOWNLOAD', 'Ep 1', { total: 10 });
    fx.service.flush();
    const beforeHole = fx.service.lastCursor;

    broken.on = true;
    fx.service.updateProgress('dl', { current: 1, forceBroadcast: true });
    fx.service.flush(); // fails: published anyway
    fx.service.flush(); // error_persistence, whose write fails too
    const unwritten = seen.events.slice(1);
    expect(unwritten.map((e) => e.progress.id)).toEqual(['dl', 'error_persistence']);
    expect(unwritten[1]!.progress).toMatchObject({
      type: 'ERROR',
      status: 'FAILED',
      metadata: { source: 'persistence', code: 'PERSISTENCE_FAILED' },
    });
    expect(unwritten[1]!.progress.error).toContain('disk I/O error');

    broken.on = false;
    for (let i = 2; i <= 6; i++) fx.service.updateProgress('dl', { current: i, forceBroadcast: true });
    fx.service.flush();
    const afterHole = seen.events.at(-1)!.cursor;

    const cursors = seen.events.map((e) => e.cursor);
    expect(new Set(cursors).size).toBe(cursors.length);
    expectExpired(() => fx.service.stream({ after: beforeHole }), 'the cursor from before the failed write');
    for (const e of unwritten) expectExpired(() => fx.service.stream({ after: e.cursor }), `unwritten ${e.progress.id}`);

    // Cursors of the new epoch resume, across a re-open too (the epoch was recorded).
    fx.close();
    const again = createFixture({ dir: fx.dir });
    expect(again.service.lastCursor).toBe(afterHole);
    const stream = again.service.stream({ after: seen.events.at(-2)!.cursor });
    const [next] = await nextEvents(stream, 1);
    expect(next!.cursor).toBe(afterHole);
    await stream.return!();
    for (const e of unwritten) expectExpired(() => again.service.stream({ after: e.cursor }), `unwritten ${e.progress.id} after a re-open`);
  });

  it('one error_persistence per streak of failed writes, another after the disk recovered and failed again', () => {
    const { broken, wrap } = breakable();
    const fx = createFixture({ wrapPersistence: wrap });
    const errors = record(fx.service, 'error_progress');
    broken.on = true;
    for (let i = 0; i < 5; i++) {
      fx.service.startProgress(`dl${i}`, 'DOWNLOAD', 'Ep');
      fx.service.flush();
    }
    fx.service.flush();
    expect(errors.events).toHaveLength(1);
    broken.on = false;
    fx.service.startProgress('ok', 'DOWNLOAD', 'Ep');
    fx.service.flush();
    broken.on = true;
    fx.service.startProgress('again', 'DOWNLOAD', 'Ep');
    fx.service.flush();
    fx.service.flush();
    expect(errors.events.map((e) => e.progress.id)).toEqual(['error_persistence', 'error_persistence']);
  });
});

describe('a failing disk', () => {
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

describe('written to the log before anyone sees it', () => {
  it('no subscriber (in-process or through the pubsub) sees an event before its write', async () => {
    const seenBeforeWrite: number[] = [];
    const delivered = new Set<number>();
    const inner = createInProcessPubSub();
    const fx = createFixture({
      pubsub: {
        publish: (e) => {
          delivered.add(e.seq);
          inner.publish(e);
        },
        subscribe: (types, listener) => inner.subscribe(types, listener),
      },
      wrapPersistence: (p) => ({
        ...p,
        eventLog: Object.assign(Object.create(Object.getPrototypeOf(p.eventLog) as object) as object, p.eventLog, {
          append: (events: readonly ProgressEvent[]) => {
            for (const e of events) if (delivered.has(e.seq)) seenBeforeWrite.push(e.seq);
            p.eventLog.append(events);
          },
        }) as ProgressPersistence['eventLog'],
      }),
    });
    const handled = new Set<number>();
    fx.service.subscribe('progress', (e) => {
      handled.add(e.seq);
      if (!delivered.has(e.seq)) seenBeforeWrite.push(-e.seq); // handlers run after the publish
    });
    const stream = fx.service.stream();
    fx.service.startProgress('dl', 'DOWNLOAD', 'Ep 1', { total: 3 });
    for (let i = 1; i <= 3; i++) fx.service.updateProgress('dl', { current: i, forceBroadcast: true });
    fx.service.completeProgress('dl');
    const streamed = await nextEvents(stream, 5);
    expect(streamed.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect([...delivered]).toEqual([1, 2, 3, 4, 5]);
    expect([...handled]).toEqual([1, 2, 3, 4, 5]);
    expect(seenBeforeWrite).toEqual([]);
    await stream.return!();
  });
});
