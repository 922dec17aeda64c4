import { request, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { LIVE_QUEUE_CAPACITY } from '../../src/services/live-queue.js';
import { waitFor, withTimeout } from '../helpers/wait.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { openSse, type SseMessage } from '../helpers/sse.js';

let app: TestApp | undefined;
let closeSse: (() => void) | undefined;
afterEach(async () => {
  closeSse?.();
  closeSse = undefined;
  await app?.stop();
  app = undefined;
});

type EventData = { data: { progressEvents: { cursor: string; progress: { id: string; status: string; current: number } } } };
const progressOf = (m: SseMessage) => (m.data as EventData).data.progressEvents.progress;

describe('subscriptions over Server-Sent Events', () => {
  it('a progressEvents subscription receives live events', async () => {
    app = await startTestApp();
    const opened = await openSse(app.url, 'subscription ($types: [ProgressType!]) { progressEvents(types: $types) { cursor progress { id status current } } }', {
      types: ['DOWNLOAD'],
    });
    const sse = opened.messages;
    closeSse = opened.close;
    expect(opened.status).toBe(200);
    expect(opened.contentType).toMatch(/text\/event-stream/);

    // The response has started: yoga has run the subscribe resolver, the listener is in place.
    const p = app.app.progress;
    p.startProgress('download_sse_1_1', 'DOWNLOAD', 'SSE', { total: 10 });
    p.startProgress('library_scan', 'SCAN', 'Scan');
    p.updateProgress('download_sse_1_1', { current: 4, forceBroadcast: true });
    p.completeProgress('download_sse_1_1');

    const got = await sse.until((all) => all.some((m) => m.event === 'next' && progressOf(m).status === 'COMPLETED'), 'COMPLETED over SSE');
    expect(got.filter((m) => m.event === 'next').map((m) => [progressOf(m).id, progressOf(m).status, progressOf(m).current])).toEqual([
      ['download_sse_1_1', 'IN_PROGRESS', 0],
      ['download_sse_1_1', 'IN_PROGRESS', 4],
      ['download_sse_1_1', 'COMPLETED', 4],
    ]);
  });

  it('a refused cursor comes back as an error over SSE', async () => {
    app = await startTestApp();
    const opened = await openSse(app.url, 'subscription { progressEvents(after: "nope") { cursor } }');
    const sse = opened.messages;
    closeSse = opened.close;
    const [first] = await sse.until((all) => all.some((m) => m.event === 'next'), 'the error');
    expect((first!.data as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('a subscriber that stops reading is conflated with bounded memory, and the first event after says how many it missed', async () => {
    app = await startTestApp();
    const id = 'download_sse_1_1';
    const url = new URL(app.url);
    url.searchParams.set(
      'query',
      `subscription { progressEvents(ids: ["${id}"]) { cursor missed progress { id status current total percent title message metadata startedAt updatedAt } } }`,
    );
    let body = '';
    const res = await withTimeout(
      new Promise<IncomingMessage>((resolve, reject) => {
        const req = request(url, { headers: { accept: 'text/event-stream' } }, resolve);
        req.on('error', reject);
        req.end();
      }),
      5_000,
      'the SSE response',
    );
    closeSse = () => res.destroy();
    expect(res.statusCode).toBe(200);
    res.pause(); // stops reading: TCP fills up and the server's writes wait for drain
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (body += chunk));

    const p = app.app.progress;
    const updates = 30_000;
    p.startProgress(id, 'DOWNLOAD', 'A title long enough to make every event a few hundred bytes', { total: updates });
    for (let i = 1; i <= updates; i++) {
      p.updateProgress(id, { current: i, forceBroadcast: true, message: `chunk ${i} of ${updates}` });
      if (i % 1_000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    p.completeProgress(id);
    const published = updates + 2;

    res.resume();
    const events = () =>
      body
        .split('\n\n')
        .filter((block) => block.startsWith('event: next'))
        .map((block) => (JSON.parse(block.slice(block.indexOf('data:') + 5)) as MissedData).data.progressEvents);
    await waitFor(() => body.includes('"COMPLETED"'), { timeout: 20_000, message: 'the COMPLETED event over SSE' });
    const got = events();
    const missed = got.reduce((n, e) => n + e.missed, 0);
    expect(got.length + missed).toBe(published);
    expect(missed).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(published - LIVE_QUEUE_CAPACITY);
    const first = got.findIndex((e) => e.missed > 0);
    // Nothing before the skip was marked, and the skip held back events the previous one did not show.
    expect(got.slice(0, first).every((e) => e.missed === 0)).toBe(true);
    expect(got[first]!.progress.current).toBeGreaterThan(got[first - 1]!.progress.current + 1);
    expect(got.at(-1)!.progress.status).toBe('COMPLETED');
  }, 60_000);
});

type MissedData = { data: { progressEvents: { missed: number; progress: { status: string; current: number } } } };
