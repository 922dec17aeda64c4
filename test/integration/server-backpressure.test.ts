import type { Socket } from 'node:net';
import { print } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { ProgressEventsDocument } from '../../src/client/operations.js';
import type { ProgressEventsSubscription } from '../../src/client/generated/graphql.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dataOf, openRawWs, type RawWs } from '../helpers/raw-ws.js';
import { waitForWsSubscriptions } from '../helpers/server-probe.js';
import { recordStream } from '../helpers/stream-recorder.js';
import { waitFor } from '../helpers/wait.js';

let app: TestApp | undefined;
let stalled: RawWs | undefined;
const crashes: unknown[] = [];
const onCrash = (err: unknown) => void crashes.push(err);
afterEach(async () => {
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  stalled?.close();
  stalled = undefined;
  await app?.stop();
  app = undefined;
});

const IDS = Array.from({ length: 10 }, (_, i) => `download_flood_1_${i + 1}`);
const UPDATES_PER_ID = 2_000;

/** Latest status per id among the `next` messages received so far. */
function lastStatusById(raw: RawWs): Map<string, string> {
  const last = new Map<string, string>();
  for (const m of raw.messages) {
    if (m.type !== 'next') continue;
    const { progress } = dataOf<ProgressEventsSubscription>(m).progressEvents;
    last.set(progress.id, progress.status);
  }
  return last;
}

describe('a WebSocket subscriber that stops reading', () => {
  it('does not crash the server or hold back others, and gets every final state when it reads again', async () => {
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    app = await startTestApp();
    const p = app.app.progress;

    stalled = await openRawWs(app.url);
    await stalled.init();
    stalled.subscribe('flood', print(ProgressEventsDocument), {});
    const other = recordStream(app.client.subscribe(ProgressEventsDocument, {}));
    await waitForWsSubscriptions(app.url, 2);
    const tcp = (stalled.socket as unknown as { _socket: Socket })._socket;
    tcp.pause(); // the client stops reading: TCP buffers fill up, the server must not pile up.

    // ~20,000 events for 10 ids, published quickly (letting the loop turn between bursts).
    for (const id of IDS) p.startProgress(id, 'DOWNLOAD', id, { total: UPDATES_PER_ID });
    for (let i = 1; i <= UPDATES_PER_ID; i++) {
      for (const id of IDS) p.updateProgress(id, { current: i, forceBroadcast: true });
      if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    for (const id of IDS) p.completeProgress(id);

    const allCompleted = (statuses: Map<string, string>) => IDS.every((id) => statuses.get(id) === 'COMPLETED');
    await other.until(
      (all) => allCompleted(new Map(all.map((e) => [e.progressEvents.progress.id, e.progressEvents.progress.status]))),
      'every COMPLETED at the subscriber that reads',
      20_000,
    ).catch((err: Error) => {
      // Say where the reader stopped relative to what the server published.
      const last = other.items.at(-1)?.progressEvents;
      throw new Error(`${err.message}; last received: ${last?.cursor} (${last?.progress.id} ${last?.progress.status}), server's last cursor: ${p.lastCursor}`);
    });
    const health = await fetch(new URL('/health', app.url));
    expect(health.status).toBe(200);

    tcp.resume();
    await waitFor(() => allCompleted(lastStatusById(stalled!)), {
      timeout: 20_000,
      interval: 50,
      message: 'the stalled client to get every final COMPLETED',
    });
    expect(stalled.messages.some((m) => m.type === 'error')).toBe(false);
    expect(crashes).toEqual([]);
  }, 60_000);
});
