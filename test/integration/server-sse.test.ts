import { afterEach, describe, expect, it } from 'vitest';
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
});
