import type { Socket } from 'node:net';
import { print } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { ProgressEventsDocument } from '../../src/client/operations.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { openRawWs, type RawWs, type WsMessage } from '../helpers/raw-ws.js';
import { waitFor, withTimeout } from '../helpers/wait.js';
import { CLOSE_TOO_SLOW } from '../../src/server/fanout.js';
import { LIVE_QUEUE_CAPACITY } from '../../src/services/live-queue.js';

const query = print(ProgressEventsDocument);
let app: TestApp | undefined;
const sockets: RawWs[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await app?.stop();
  app = undefined;
});

async function subscriber(id: string, variables: Record<string, unknown>): Promise<RawWs> {
  const ws = await openRawWs(app!.url);
  sockets.push(ws);
  await ws.init();
  ws.subscribe(id, query, variables);
  return ws;
}

const nexts = (ws: RawWs) => ws.messages.filter((m) => m.type === 'next');
const payloadOf = (m: WsMessage) => JSON.stringify(m.payload);

describe('WebSocket fan-out', () => {
  it('executes identical subscriptions once per event and sends every member the same payload', async () => {
    app = await startTestApp();
    const a = await subscriber('a', { types: ['DOWNLOAD'] });
    const b = await subscriber('b', { types: ['DOWNLOAD'] });
    const c = await subscriber('c', { types: ['SCAN'] });
    await waitFor(() => app!.app.fanout.size.members === 3, { message: 'three members to join' });
    expect(app.app.fanout.size).toEqual({ groups: 2, members: 3 });

    app.app.progress.startProgress('download_x_1_1', 'DOWNLOAD', 'X S01E01', { total: 100 });
    app.app.progress.completeProgress('download_x_1_1');
    app.app.progress.startProgress('library_scan', 'SCAN', 'Library scan');
    await waitFor(() => nexts(a).length === 2 && nexts(b).length === 2 && nexts(c).length === 1, {
      message: 'every subscriber to get its events',
    });
    expect(nexts(a).map(payloadOf)).toEqual(nexts(b).map(payloadOf));
    expect(nexts(a).map((m) => m.id)).toEqual(['a', 'a']);
    expect(nexts(b).map((m) => m.id)).toEqual(['b', 'b']);
    expect(nexts(c)[0]!.payload).toMatchObject({ data: { progressEvents: { progress: { id: 'library_scan' } } } });

    b.send({ type: 'complete', id: 'b' });
    await waitFor(() => app!.app.fanout.size.members === 2, { message: 'b to leave its group' });
    c.close();
    await waitFor(() => app!.app.fanout.size.groups === 1, { message: "c's group to go with its last member" });
  });

  it('keeps a member joining with after: replay first, then live, in order and once', async () => {
    app = await startTestApp();
    const { progress } = app.app;
    progress.startProgress('download_x_1_1', 'DOWNLOAD', 'X', { total: 10 });
    const from = progress.lastCursor;
    for (let i = 1; i <= 5; i++) progress.updateProgress('download_x_1_1', { current: i, forceBroadcast: true });
    const live = await subscriber('live', {});
    await waitFor(() => app!.app.fanout.size.members === 1, { message: 'the live member to join' });
    const late = await subscriber('late', { after: from });
    await waitFor(() => nexts(late).length === 5, { message: 'the replay' });
    for (let i = 6; i <= 8; i++) progress.updateProgress('download_x_1_1', { current: i, forceBroadcast: true });
    await waitFor(() => nexts(late).length === 8 && nexts(live).length === 3, { message: 'live events' });
    const currents = nexts(late).map(
      (m) => (m.payload as { data: { progressEvents: { progress: { current: number } } } }).data.progressEvents.progress.current,
    );
    expect(currents).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('conflates a subscriber that stops reading and disconnects it after the stall timeout', async () => {
    // A long grace after the close frame: the client here resumes reading only once the publishing is done.
    app = await startTestApp({}, { fanout: { highWaterBytes: 8 * 1024, lowWaterBytes: 1024, stallTimeoutMs: 300, closeGraceMs: 20_000 } });
    // Only the download: pruning the log past its retention adds system_maintenance records.
    const healthy = await subscriber('ok', { ids: ['download_x_1_1'] });
    const stalled = await subscriber('stalled', { ids: ['download_x_1_1'] });
    await waitFor(() => app!.app.fanout.size.members === 2, { message: 'both to join' });
    (stalled.socket as unknown as { _socket: Socket })._socket.pause();

    const { progress } = app.app;
    progress.startProgress('download_x_1_1', 'DOWNLOAD', 'X', { total: 20_000 });
    // Enough bytes to fill the kernel's buffers and pass the high-water mark.
    for (let i = 1; i <= 20_000; i++) {
      progress.updateProgress('download_x_1_1', { current: i, forceBroadcast: true });
      if (i % 1_000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    progress.completeProgress('download_x_1_1');
    await waitFor(() => app!.app.fanout.size.members === 1, {
      timeout: 10_000,
      message: 'the stalled subscriber to be dropped',
    });
    // Reading again, it finds the reason behind what it was sent: 1008 (policy violation).
    (stalled.socket as unknown as { _socket: Socket })._socket.resume();
    expect(await withTimeout(stalled.closed, 5_000, 'the stalled socket to close')).toMatchObject({
      code: CLOSE_TOO_SLOW,
      reason: 'Subscriber too slow',
    });
    expect(CLOSE_TOO_SLOW).toBe(1008);
    await waitFor(
      () => nexts(healthy).some((m) => JSON.stringify(m.payload).includes('"COMPLETED"')),
      { timeout: 10_000, message: 'the healthy subscriber to see the end' },
    );
    expect(nexts(healthy)).toHaveLength(20_002);
  });

  it('sends a member in back-pressure the same frames as the live members of its group, as text, in order', async () => {
    app = await startTestApp({}, { fanout: { highWaterBytes: 8 * 1024, lowWaterBytes: 1024, stallTimeoutMs: 60_000 } });
    // One group: the same query and variables. Two members share the id "1" (one frame for
    // both), one has its own; the slow one stops reading while the others keep up.
    const live = await subscriber('1', { ids: ['download_x_1_1'] });
    const slow = await subscriber('1', { ids: ['download_x_1_1'] });
    const other = await subscriber('other', { ids: ['download_x_1_1'] });
    await waitFor(() => app!.app.fanout.size.members === 3, { message: 'the three to join' });
    expect(app.app.fanout.size.groups).toBe(1);
    const frames = new Map<RawWs, string[]>();
    for (const ws of [live, slow, other]) {
      const texts: string[] = [];
      frames.set(ws, texts);
      ws.socket.on('message', (data, binary) => texts.push(binary ? '(binary)' : String(data)));
    }
    const tcp = (slow.socket as unknown as { _socket: Socket })._socket;
    tcp.pause();

    const { progress } = app.app;
    const updates = 20_000;
    progress.startProgress('download_x_1_1', 'DOWNLOAD', 'X', { total: updates });
    for (let i = 1; i <= updates; i++) {
      progress.updateProgress('download_x_1_1', { current: i, forceBroadcast: true });
      if (i % 1_000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    progress.completeProgress('download_x_1_1');
    const published = updates + 2;
    await waitFor(() => frames.get(live)!.length === published && frames.get(other)!.length === published, {
      timeout: 15_000,
      message: 'the live members to get every event',
    });
    tcp.resume();
    await waitFor(() => frames.get(slow)!.some((t) => t.includes('"COMPLETED"')), { timeout: 15_000, message: 'the slow member to see the end' });

    const liveTexts = frames.get(live)!;
    // The member with its own id: the same messages but for the id, byte for byte.
    expect(frames.get(other)).toEqual(liveTexts.map((t) => t.replace('{"id":"1",', '{"id":"other",')));
    const byCursor = new Map(liveTexts.map((t) => [JSON.parse(t).payload.data.progressEvents.cursor as string, t]));
    const slowTexts = frames.get(slow)!;
    // It was held back by the server (not only by the kernel's buffers): some events conflated.
    expect(slowTexts.length).toBeLessThan(published);
    let previous = -1;
    let missed = 0;
    for (const text of slowTexts) {
      const event = JSON.parse(text).payload.data.progressEvents;
      missed += event.missed;
      const same = byCursor.get(event.cursor);
      expect(same, 'an event the live member got too').toBeDefined();
      // What it got while live, and from its queue, is what the others got; only the first
      // event after a skip differs, by its missed count.
      expect(event.missed > 0 ? text.replace(`"missed":${event.missed}`, '"missed":0') : text).toBe(same);
      const at = liveTexts.indexOf(same!);
      expect(at).toBeGreaterThan(previous);
      previous = at;
    }
    // Every event is delivered or counted as missed, once.
    expect(slowTexts.length + missed).toBe(published);
  }, 60_000);

  it('holds a bounded backlog for a subscriber that stops reading, and says how many events it skipped (missed)', async () => {
    app = await startTestApp({}, { fanout: { highWaterBytes: 8 * 1024, lowWaterBytes: 1024, stallTimeoutMs: 60_000 } });
    // Only the download: pruning the log past its retention adds system_maintenance records.
    const healthy = await subscriber('ok', { ids: ['download_x_1_1'] });
    const slow = await subscriber('slow', { ids: ['download_x_1_1'] });
    await waitFor(() => app!.app.fanout.size.members === 2, { message: 'both to join' });
    const tcp = (slow.socket as unknown as { _socket: Socket })._socket;
    tcp.pause();

    const { progress } = app.app;
    const updates = 20_000;
    progress.startProgress('download_x_1_1', 'DOWNLOAD', 'X', { total: updates });
    for (let i = 1; i <= updates; i++) {
      progress.updateProgress('download_x_1_1', { current: i, forceBroadcast: true });
      if (i % 1_000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    progress.completeProgress('download_x_1_1');
    const published = updates + 2;
    await waitFor(() => nexts(healthy).length === published, { timeout: 15_000, message: 'the healthy subscriber to get all' });
    expect(nexts(healthy).every((m) => (m.payload as Payload).data.progressEvents.missed === 0)).toBe(true);

    tcp.resume();
    await waitFor(() => nexts(slow).some((m) => payloadOf(m).includes('"COMPLETED"')), {
      timeout: 15_000,
      message: 'the slow subscriber to see the end',
    });
    const events = nexts(slow).map((m) => (m.payload as Payload).data.progressEvents);
    const missed = events.reduce((n, e) => n + e.missed, 0);
    // Everything published is either delivered or counted as missed, once.
    expect(events.length + missed).toBe(published);
    // It was conflated: the backlog never held every event (an unbounded buffer would).
    expect(missed).toBeGreaterThan(0);
    expect(events.length).toBeLessThan(published - LIVE_QUEUE_CAPACITY);
    // The skip is announced on the first event after it, and the stream still ends COMPLETED.
    const first = events.findIndex((e) => e.missed > 0);
    expect(events[first]!.progress.current).toBeGreaterThan(events[first - 1]!.progress.current + 1);
    expect(events.at(-1)!.progress.status).toBe('COMPLETED');

    const metrics = await (await fetch(new URL('/metrics', app.url))).text();
    const conflated = Number(/^progress_subscriber_events_dropped_total\{reason="conflated"\} (\d+)$/m.exec(metrics)?.[1]);
    expect(conflated).toBeGreaterThanOrEqual(missed);
  }, 60_000);
});

type Payload = { data: { progressEvents: { missed: number; progress: { current: number; status: string } } } };
