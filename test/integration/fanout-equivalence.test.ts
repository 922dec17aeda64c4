/**
 * The WebSocket fan-out reads a subscription's arguments through the mapping the field declares
 * (journalStream in src/schema): for every combination of the arguments of both progress
 * subscriptions it must answer exactly what the normal graphql-ws path (the field's own
 * subscribe resolver, reached here through an inline fragment) answers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { openRawWs, type RawWs, type WsMessage } from '../helpers/raw-ws.js';
import { waitFor } from '../helpers/wait.js';

/** Generous: 170 subscriptions and their events on a loaded two-core machine. */
const WAIT_MS = 15_000;
const SELECTION = 'type room cursor missed progress { id type status message current total percent }';

/**
 * `normal`: the field inside an inline fragment, which the fan-out leaves to graphql-ws. The
 * other is padded so that the field stands at the same column: errors' locations compare too.
 */
const FRAGMENT = '... on Subscription {';
const wrap = (field: string, normal: boolean) => (normal ? `${FRAGMENT} ${field} }` : `${' '.repeat(FRAGMENT.length)} ${field}`);

function eventsQuery(normal: boolean): string {
  const field = `progressEvents(types: $types, ids: $ids, snapshot: $snapshot, after: $after) { ${SELECTION} }`;
  return `subscription ($types: [ProgressType!], $ids: [ID!], $snapshot: Boolean, $after: String) {
    ${wrap(field, normal)}
  }`;
}
function updatedQuery(normal: boolean): string {
  const field = 'progressUpdated(id: $id) { id status message current total percent }';
  return `subscription ($id: ID!) { ${wrap(field, normal)} }`;
}

/** Every combination of values (undefined: the argument is left out). */
function combinations(values: Record<string, readonly unknown[]>): Record<string, unknown>[] {
  return Object.entries(values).reduce<Record<string, unknown>[]>(
    (combos, [name, options]) =>
      combos.flatMap((combo) => options.map((v) => (v === undefined ? combo : { ...combo, [name]: v }))),
    [{}],
  );
}

let app: TestApp | undefined;
const sockets: RawWs[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await app?.stop();
  app = undefined;
});

async function metric(name: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', app!.url))).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

describe('fan-out and normal path', () => {
  it('answer the same for every argument combination of progressEvents and progressUpdated', async () => {
    app = await startTestApp();
    const { progress } = app.app;
    progress.startProgress('download_a_1_1', 'DOWNLOAD', 'A S01E01', { total: 100 });
    const from = progress.lastCursor;
    progress.updateProgress('download_a_1_1', { current: 10, forceBroadcast: true });
    progress.startProgress('library_scan', 'SCAN', 'Library scan', { total: 3 });
    await progress.settled();

    const operations: { query: (normal: boolean) => string; variables: Record<string, unknown>; waitsFor: string | null }[] = [
      ...combinations({
        types: [undefined, ['DOWNLOAD'], ['SCAN', 'DOWNLOAD', 'SCAN']],
        ids: [undefined, ['download_a_1_1'], ['library_scan', 'download_a_1_1', 'library_scan']],
        snapshot: [undefined, true, false],
        after: [undefined, from, 'not-a-cursor'],
      }).map((variables) => ({
        query: eventsQuery,
        variables,
        // Every filter lets download_a_1_1 through; a refused cursor ends the operation.
        waitsFor: variables.after === 'not-a-cursor' ? null : 'end-download',
      })),
      { query: updatedQuery, variables: { id: 'download_a_1_1' }, waitsFor: 'end-download' },
      { query: updatedQuery, variables: { id: 'library_scan' }, waitsFor: 'end-scan' },
      { query: updatedQuery, variables: { id: 'download_nobody_1_1' }, waitsFor: null },
    ];
    const refused = operations.filter((o) => o.waitsFor === null && o.variables.after !== undefined).length;
    const paths = { fanout: false, normal: true };
    const opened: Record<keyof typeof paths, RawWs> = {} as never;
    for (const [path, normal] of Object.entries(paths) as [keyof typeof paths, boolean][]) {
      const ws = await openRawWs(app.url);
      sockets.push(ws);
      await ws.init();
      operations.forEach((o, i) => ws.subscribe(String(i), o.query(normal), o.variables));
      opened[path] = ws;
    }
    const ended = (ws: RawWs) => new Set(ws.messages.filter((m) => m.type === 'error' || m.type === 'complete').map((m) => m.id)).size;
    await waitFor(() => ended(opened.fanout) === refused && ended(opened.normal) === refused, {
      timeout: WAIT_MS,
      message: 'the refused cursors to be answered on both paths',
    });
    const running = (operations.length - refused) * 2;
    let subscribed = 0;
    const poll = async () => {
      subscribed = await metric('graphql_ws_subscriptions');
    };
    await waitFor(() => (void poll(), subscribed === running), { timeout: WAIT_MS, message: `${running} running subscriptions` });
    expect(app.app.fanout.size.members).toBe(operations.length - refused);

    progress.updateProgress('download_a_1_1', { current: 50, forceBroadcast: true });
    progress.startProgress('download_b_1_2', 'DOWNLOAD', 'B S01E02');
    progress.updateProgress('library_scan', { current: 1, forceBroadcast: true });
    progress.completeProgress('download_b_1_2');
    progress.completeProgress('library_scan', { message: 'end-scan' });
    progress.completeProgress('download_a_1_1', { message: 'end-download' });

    const of = (ws: RawWs, id: string): WsMessage[] => ws.messages.filter((m) => m.id === id);
    const done = (ws: RawWs) =>
      operations.every((o, i) => o.waitsFor === null || of(ws, String(i)).some((m) => JSON.stringify(m.payload).includes(o.waitsFor!)));
    await waitFor(() => done(opened.fanout) && done(opened.normal), { timeout: WAIT_MS, message: 'every subscription to see its last event' });

    const answers = new Set<string>();
    operations.forEach((o, i) => {
      const fanout = of(opened.fanout, String(i)).map((m) => ({ type: m.type, payload: m.payload }));
      const normal = of(opened.normal, String(i)).map((m) => ({ type: m.type, payload: m.payload }));
      expect(fanout, `${o.query(false).includes('progressEvents') ? 'progressEvents' : 'progressUpdated'} ${JSON.stringify(o.variables)}`).toEqual(normal);
      answers.add(JSON.stringify(fanout));
    });
    // The arguments matter: most combinations answer differently.
    expect(answers.size).toBeGreaterThan(10);
  });
});
