import { afterEach, describe, expect, it, vi } from 'vitest';
import { BadInputError, CursorExpiredError, ServiceError } from '../../src/services/errors.js';
import { LiveQueue } from '../../src/services/live-queue.js';
import { MIN_EVENT_LOG_RETENTION } from '../../src/services/progress-limits.js';
import { createInProcessPubSub, type ProgressPubSub } from '../../src/services/progress-pubsub.js';
import type { ProgressEvent } from '../../src/domain/progress-types.js';
import { PROJECT_BACKEND, disposeAllFixtures, openFixture, record, seqAndProgress, seqOf, streamFailure } from '../helpers/progress-fixture.js';
import { NOTHING, collect, nextEvents, nextWithin, withTimeout } from '../helpers/wait.js';

// Runs on both backends: the `sqlite` and the `redis` project of test/vitest.config.ts.
afterEach(async () => {
  vi.restoreAllMocks();
  await disposeAllFixtures();
});

/** A pubsub that counts its registered listeners and how often they are called. */
function countingPubSub() {
  const inner = createInProcessPubSub();
  const stats = { listeners: 0, calls: 0 };
  const pubsub: ProgressPubSub = {
    publish: (e) => inner.publish(e),
    subscribe(types, listener) {
      stats.listeners++;
      const off = inner.subscribe(types, (e) => {
        stats.calls++;
        listener(e);
      });
      let removed = false;
      return () => {
        if (!removed) stats.listeners--;
        removed = true;
        off();
      };
    },
  };
  return { pubsub, stats };
}

const lastSeq = (events: readonly ProgressEvent[]) => events.at(-1)!.seq;

describe('ProgressService.stream filters', () => {
  it('filters by types', async () => {
    const { service } = await openFixture();
    const stream = service.stream({ types: ['SCAN', 'QUEUE'] });
    service.startProgress('dl', 'DOWNLOAD', 'Ep 1');
    service.startProgress('scan', 'SCAN', 'Scan');
    service.startProgress('sys', 'SYSTEM', 'Sys');
    service.startProgress('queue', 'QUEUE', 'Queue');
    const got = await nextEvents(stream, 2);
    expect(got.map((e) => [e.type, e.progress.id])).toEqual([
      ['scan_progress', 'scan'],
      ['queue_progress', 'queue'],
    ]);
    expect(await nextWithin(stream, 30)).toBe(NOTHING);
    await stream.return!();
  });

  it('filters by ids', async () => {
    const { service } = await openFixture();
    const stream = service.stream({ ids: ['b'] });
    for (const id of ['a', 'b', 'c']) service.startProgress(id, 'DOWNLOAD', id);
    service.completeProgress('a');
    service.completeProgress('b');
    const got = await nextEvents(stream, 2);
    expect(got.map((e) => [e.progress.id, e.progress.status])).toEqual([
      ['b', 'IN_PROGRESS'],
      ['b', 'COMPLETED'],
    ]);
    expect(await nextWithin(stream, 30)).toBe(NOTHING);
    await stream.return!();
  });
});

describe('ProgressService.stream snapshot', () => {
  it('yields the current state of each matching unfinished operation first (cursor = last cursor), then live', async () => {
    const fx = await openFixture({ throttleMs: 60_000 });
    const { service } = fx;
    service.startProgress('dl1', 'DOWNLOAD', 'Ep 1', { total: 10 });
    service.startProgress('dl2', 'DOWNLOAD', 'Ep 2');
    service.startProgress('scan', 'SCAN', 'Scan');
    service.startProgress('old', 'DOWNLOAD', 'Old');
    service.completeProgress('old');
    service.updateProgress('dl1', { current: 7 }); // throttled: not broadcast yet, but current
    const cursor = await fx.cursor();

    const stream = service.stream({ types: ['DOWNLOAD'], snapshot: true });
    const snapshot = await nextEvents(stream, 2);
    expect(snapshot.map((e) => [e.progress.id, e.progress.current, e.cursor, e.seq])).toEqual([
      ['dl1', 7, cursor, seqOf(cursor)],
      ['dl2', 0, cursor, seqOf(cursor)],
    ]);
    expect(snapshot[0]!.type).toBe('download_progress');

    service.completeProgress('dl2');
    const [live] = await nextEvents(stream, 1);
    expect(live!.progress).toMatchObject({ id: 'dl2', status: 'COMPLETED' });
    expect(live!.seq).toBe(seqOf(cursor) + 1);
    await stream.return!();
  });

  it('snapshot honours the ids filter', async () => {
    const fx = await openFixture();
    const { service } = fx;
    service.startProgress('a', 'DOWNLOAD', 'A');
    service.startProgress('b', 'DOWNLOAD', 'B');
    // With Redis, events still on their way back from the log would follow the snapshot live.
    await fx.settle();
    const stream = service.stream({ ids: ['b'], snapshot: true });
    const [first] = await nextEvents(stream, 1);
    expect(first!.progress.id).toBe('b');
    expect(await nextWithin(stream, 30)).toBe(NOTHING);
    await stream.return!();
  });
});

describe('ProgressService.stream after a cursor', () => {
  it('yields exactly the logged events after it, then live, with no duplicates', async () => {
    const fx = await openFixture({ throttleMs: 20 });
    const { service } = fx;
    const continuous = record(service);
    service.startProgress('a', 'DOWNLOAD', 'A', { total: 100 });
    service.startProgress('b', 'SCAN', 'B');
    for (let i = 1; i <= 5; i++) service.updateProgress('a', { current: i * 10, forceBroadcast: true });
    await fx.settle();
    const cursor = continuous.events[2]!.cursor;
    service.updateProgress('b', { current: 3, forceBroadcast: true });
    service.completeProgress('b');

    const stream = service.stream({ after: cursor });
    // Published between stream() and the first read: must come once, after the replay.
    service.updateProgress('a', { current: 60, forceBroadcast: true });
    service.flush();
    const first = await nextEvents(stream, 3);
    // Live, including a throttled trailing broadcast.
    service.updateProgress('a', { current: 70 });
    service.updateProgress('a', { current: 80 });
    service.completeProgress('a');
    // The trailing broadcast of current 80 was cancelled by the completion.
    await fx.settle();

    const final = lastSeq(continuous.events);
    const rest = await collect(stream, (e) => e.seq === final);
    const resumed = [...first, ...rest];
    const expected = continuous.events.filter((e) => e.seq > seqOf(cursor));
    expect(seqAndProgress(resumed)).toEqual(seqAndProgress(expected));
    expect(expected.length).toBeGreaterThan(6);
    expect(await nextWithin(stream, 50)).toBe(NOTHING);
    await stream.return!();
  });

  it('pages through a long replay (more than one page of the log)', async () => {
    const fx = await openFixture();
    const { service } = fx;
    const continuous = record(service);
    service.startProgress('dl', 'DOWNLOAD', 'Ep 1');
    for (let i = 1; i <= 1_200; i++) service.updateProgress('dl', { current: i, forceBroadcast: true });
    service.completeProgress('dl');
    await fx.settle();
    const stream = service.stream({ after: fx.cursorAt(0) });
    const final = lastSeq(continuous.events);
    const resumed = await collect(stream, (e) => e.seq === final);
    expect(continuous.events).toHaveLength(1_202);
    expect(seqAndProgress(resumed)).toEqual(seqAndProgress(continuous.events));
    expect(resumed.at(-1)!.progress.status).toBe('COMPLETED');
    await stream.return!();
  });

  it('with an asynchronous pubsub (as a Redis one is), events in flight at stream() come once', async () => {
    // Delivery happens a turn after publish, so events flushed before stream() still reach
    // its listener after it registered; the replay already has them.
    const inner = createInProcessPubSub();
    const pubsub: ProgressPubSub = {
      publish: (e) => setImmediate(() => inner.publish(e)),
      subscribe: (types, listener) => inner.subscribe(types, listener),
    };
    const fx = await openFixture({ pubsub });
    const { service } = fx;
    service.startProgress('a', 'DOWNLOAD', 'A');
    const cursor = await fx.cursor();
    service.updateProgress('a', { current: 1, forceBroadcast: true });
    service.updateProgress('a', { current: 2, forceBroadcast: true });
    const stream = service.stream({ after: cursor }); // flushes: both are now in flight
    service.completeProgress('a');
    const got = await collect(stream, (e) => e.progress.status === 'COMPLETED');
    expect(got.map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(await nextWithin(stream, 30)).toBe(NOTHING);
    await stream.return!();
  });

  it('after the last cursor yields only live events', async () => {
    const fx = await openFixture();
    const { service } = fx;
    service.startProgress('a', 'DOWNLOAD', 'A');
    const stream = service.stream({ after: await fx.cursor() });
    service.completeProgress('a');
    const [only] = await nextEvents(stream, 1);
    expect(only!.progress.status).toBe('COMPLETED');
    expect(await nextWithin(stream, 30)).toBe(NOTHING);
    await stream.return!();
  });

  it('filters the replay by types and ids too', async () => {
    const fx = await openFixture();
    const { service } = fx;
    service.startProgress('a', 'DOWNLOAD', 'A');
    service.startProgress('b', 'DOWNLOAD', 'B');
    service.startProgress('s', 'SCAN', 'S');
    service.completeProgress('b');
    await fx.settle();
    const stream = service.stream({ after: fx.cursorAt(0), types: ['DOWNLOAD'], ids: ['b'] });
    const got = await nextEvents(stream, 2);
    expect(got.map((e) => [e.seq, e.progress.status])).toEqual([
      [2, 'IN_PROGRESS'],
      [4, 'COMPLETED'],
    ]);
    expect(await nextWithin(stream, 30)).toBe(NOTHING);
    await stream.return!();
  });

  it('resumes across a re-open of the database with a new ProgressService, event by event', async () => {
    const first = await openFixture();
    const before = record(first.service);
    first.service.startProgress('dl', 'DOWNLOAD', 'Ep 1', { total: 10 });
    first.service.startProgress('scan', 'SCAN', 'Scan');
    for (let i = 1; i <= 4; i++) first.service.updateProgress('dl', { current: i, forceBroadcast: true });
    await first.settle();
    const cursor = before.events[1]!.cursor; // the client saw two events
    first.service.updateProgress('dl', { current: 5, forceBroadcast: true });
    first.service.completeProgress('scan');
    await first.settle(); // the continuous subscriber saw them too
    await first.close();

    const second = await openFixture({ reopen: first });
    const after = record(second.service);
    const stream = second.service.stream({ after: cursor });
    expect(second.service.claimInterrupted('dl')).not.toBeNull();
    second.service.updateProgress('dl', { current: 9, forceBroadcast: true });
    second.service.completeProgress('dl');
    await second.settle();

    const continuous = [...before.events, ...after.events];
    const final = lastSeq(continuous);
    const resumed = await collect(stream, (e) => e.seq === final);
    expect(seqAndProgress(resumed)).toEqual(seqAndProgress(continuous.filter((e) => e.seq > seqOf(cursor))));
    expect(after.events[0]!.seq).toBe(lastSeq(before.events) + 1);
    expect(await nextWithin(stream, 30)).toBe(NOTHING);
    await stream.return!();
  });
});

describe('ProgressService.stream cursor errors', () => {
  it('an expired cursor throws CursorExpiredError (CURSOR_EXPIRED); the oldest resumable one works', async () => {
    // Retention below the minimum is raised to MIN_EVENT_LOG_RETENTION.
    // One burst past MAX_UNWRITTEN_EVENTS would be conflated before Redis saw it.
    const fx = await openFixture({ eventLogRetention: 5, maxUnwrittenEvents: 2 * MIN_EVENT_LOG_RETENTION });
    const { service } = fx;
    service.startProgress('dl', 'DOWNLOAD', 'Ep 1');
    for (let i = 1; i <= MIN_EVENT_LOG_RETENTION + 600; i++) {
      service.updateProgress('dl', { current: i, forceBroadcast: true });
    }
    await fx.settle();
    const { oldest, newest } = await fx.journal.bounds();
    expect(newest).toBe(MIN_EVENT_LOG_RETENTION + 601);
    if (PROJECT_BACKEND === 'sqlite') expect(newest! - oldest! + 1).toBe(MIN_EVENT_LOG_RETENTION);
    // Redis trims with XADD MAXLEN ~ (whole nodes of the Stream): never below the retention.
    else expect(newest! - oldest! + 1).toBeGreaterThanOrEqual(MIN_EVENT_LOG_RETENTION);
    expect(oldest).toBeGreaterThan(3);

    for (const cursor of [0, 1, oldest! - 2].map((seq) => fx.cursorAt(seq))) {
      const err = await streamFailure(service, { after: cursor });
      expect(err, cursor).toBeInstanceOf(CursorExpiredError);
      expect((err as ServiceError).code).toBe('CURSOR_EXPIRED');
    }
    const ok = service.stream({ after: fx.cursorAt(oldest! - 1) });
    const [first] = await nextEvents(ok, 1);
    expect(first!.seq).toBe(oldest);
    await ok.return!();
  }, 60_000);

  it('a bogus cursor or one ahead of the log throws BadInputError (BAD_USER_INPUT)', async () => {
    const fx = await openFixture();
    const { service } = fx;
    service.startProgress('a', 'DOWNLOAD', 'A');
    await fx.settle();
    for (const cursor of ['abc', '-1', '1.5', '', ' 1', '1', ':1', 'a b:1', fx.cursorAt(2)]) {
      const err = await streamFailure(service, { after: cursor });
      expect(err, `cursor ${JSON.stringify(cursor)}`).toBeInstanceOf(BadInputError);
      expect((err as ServiceError).code).toBe('BAD_USER_INPUT');
    }
    const good = service.stream({ after: fx.cursorAt(1) });
    service.completeProgress('a');
    const [next] = await nextEvents(good, 1);
    expect(next!.progress.status).toBe('COMPLETED');
    await good.return!();
  });
});

describe('ProgressService.stream teardown', () => {
  it('return() removes its pubsub listener, whether the stream was read or not', async () => {
    const { pubsub, stats } = countingPubSub();
    const fx = await openFixture({ pubsub });
    const { service } = fx;

    const unread = service.stream();
    expect(stats.listeners).toBe(1);
    await unread.return!();
    expect(stats.listeners).toBe(0);

    const reading = service.stream();
    const pending = reading.next(); // waits for a live event
    await reading.return!();
    await expect(withTimeout(pending, 1_000, 'the pending next() to end')).resolves.toEqual({
      done: true,
      value: undefined,
    });
    expect(stats.listeners).toBe(0);

    const calls = stats.calls;
    service.startProgress('a', 'DOWNLOAD', 'A');
    await fx.settle(); // delivered to this instance
    expect(stats.calls).toBe(calls); // no listener left to call
  });

  it('a stalled consumer does not block the publisher; memory stays bounded and it then gets the latest state of each operation', async () => {
    const capacity = 64;
    const sizes: number[] = [];
    const push = LiveQueue.prototype.push;
    vi.spyOn(LiveQueue.prototype, 'push').mockImplementation(function (this: LiveQueue<unknown>, item: unknown) {
      push.call(this, item);
      sizes.push(this.size);
    });
    const fx = await openFixture();
    const { service } = fx;
    const stream = service.stream({ capacity });
    const ids = Array.from({ length: 20 }, (_, i) => `dl${i}`);
    for (const id of ids) service.startProgress(id, 'DOWNLOAD', id, { total: 500 });
    for (let n = 1; n <= 500; n++) {
      for (const id of ids) service.updateProgress(id, { current: n, forceBroadcast: true });
    }
    for (const id of ids) service.completeProgress(id);
    expect(() => service.flush()).not.toThrow();
    await fx.settle();
    expect(sizes.length).toBeGreaterThan(10_000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(capacity);

    const seen = new Map<string, ProgressEvent>();
    const got = await collect(stream, (e) => {
      seen.set(e.progress.id, e);
      return seen.size === ids.length && [...seen.values()].every((s) => s.progress.status === 'COMPLETED');
    });
    expect(got.length).toBeLessThanOrEqual(capacity);
    for (const id of ids) expect(seen.get(id)!.progress).toMatchObject({ status: 'COMPLETED', current: 500 });
    await stream.return!();
  });
});
