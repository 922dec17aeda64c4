/**
 * The contract's "Safety limits" on what one client may make the service hold or do: body
 * size, WebSocket message size, operations per socket, list arguments; and the refusals say
 * what was wrong without echoing what was sent.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_LIST_ITEMS } from '../../src/server/list-bounds.js';
import { MAX_REQUEST_BODY_BYTES } from '../../src/server/request-body.js';
import { WS_MAX_OPERATIONS, WS_MAX_PAYLOAD } from '../../src/server/websocket.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { JSON_HEADERS, graphqlBody, rawRequest } from '../helpers/http-request.js';
import { openRawWs, type RawWs, type WsMessage } from '../helpers/raw-ws.js';
import { waitForWsSubscriptions } from '../helpers/server-probe.js';
import { withTimeout } from '../helpers/wait.js';

let app: TestApp | undefined;
const sockets: RawWs[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of sockets.splice(0)) s.close();
  await app?.stop();
  app = undefined;
});

async function rawWs(url: string): Promise<RawWs> {
  const ws = await openRawWs(url);
  sockets.push(ws);
  await ws.init();
  return ws;
}

type GraphQLAnswer = { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };

async function postJson(url: string, body: string): Promise<{ status: number; answer: GraphQLAnswer }> {
  const res = await rawRequest(url, { method: 'POST', headers: JSON_HEADERS, body });
  return { status: res.status, answer: JSON.parse(res.body) as GraphQLAnswer };
}

async function healthAnswers(url: string): Promise<void> {
  const res = await rawRequest(new URL('/health', url).href);
  expect(res.status).toBe(200);
}

/** The answer (next or error) to operation `id`. */
async function answerTo(ws: RawWs, id: string): Promise<WsMessage> {
  return ws.waitFor((m) => m.id === id && (m.type === 'next' || m.type === 'error'), `the answer to ${id}`);
}

describe('HTTP request bodies', () => {
  it(`a 10 MB body gets 413 (by Content-Length), and /health keeps answering`, async () => {
    app = await startTestApp();
    const big = graphqlBody('query($v: String) { __typename }', { v: 'x'.repeat(10 * 1024 * 1024) });
    const res = await rawRequest(app.url, { method: 'POST', headers: JSON_HEADERS, body: big });
    expect(res.status).toBe(413);
    await healthAnswers(app.url);
  });

  it('a chunked body (no Content-Length) is cut off past 1 MiB with 413', async () => {
    app = await startTestApp();
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const res = await rawRequest(app.url, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: function* () {
        yield Buffer.from('{"query":"{ __typename }","variables":{"v":"');
        for (let sent = 0; sent < 10 * 1024 * 1024; sent += chunk.length) yield chunk;
        yield Buffer.from('"}}');
      },
      timeout: 10_000,
    });
    expect(res.status).toBe(413);
    await healthAnswers(app.url);
  });

  it('a body just under 1 MiB is served', async () => {
    app = await startTestApp();
    const body = graphqlBody('query($v: String!) { __type(name: $v) { name } }', { v: 'x'.repeat(MAX_REQUEST_BODY_BYTES - 200) });
    expect(Buffer.byteLength(body)).toBeLessThan(MAX_REQUEST_BODY_BYTES);
    const { status, answer } = await postJson(app.url, body);
    expect(status).toBe(200);
    expect(answer).toEqual({ data: { __type: null } });
  });

  it('invalid JSON gets 400 without the request body in the error', async () => {
    app = await startTestApp();
    const res = await rawRequest(app.url, { method: 'POST', headers: JSON_HEADERS, body: '{"query": "{ __typename } SECRET-BODY-TEXT' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).errors[0].message).toMatch(/invalid JSON/i);
    expect(res.body).not.toContain('SECRET-BODY-TEXT');
  });
});

describe('WebSocket messages and operations', () => {
  it('a message over 1 MiB closes the socket (1009) without a stack trace on the console', async () => {
    app = await startTestApp();
    const consoleError = vi.spyOn(console, 'error');
    const ws = await rawWs(app.url);
    ws.socket.send('x'.repeat(WS_MAX_PAYLOAD + 1));
    const { code } = await withTimeout(ws.closed, 2_000, 'the socket to close');
    expect(code).toBe(1009);
    expect(consoleError).not.toHaveBeenCalled();
    // Other clients are served.
    const other = await rawWs(app.url);
    other.subscribe('1', '{ __typename }');
    expect((await answerTo(other, '1')).payload).toEqual({ data: { __typename: 'Query' } });
  });

  it(`150 subscriptions on one socket: ${WS_MAX_OPERATIONS} run, 50 are refused with a clear error, the socket stays open`, async () => {
    app = await startTestApp();
    const ws = await rawWs(app.url);
    // Fan-out (progressEvents) and envelop (queueUpdated) subscriptions count alike; identical
    // fan-out subscriptions share one group and still count one each.
    for (let i = 1; i <= 150; i++) {
      ws.subscribe(String(i), i % 2 ? 'subscription { progressEvents { cursor } }' : 'subscription { queueUpdated { isRunning } }');
    }
    const refused = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        ws.waitFor((m) => m.type === 'error' && m.id === String(101 + i), `the refusal of ${101 + i}`, 5_000),
      ),
    );
    for (const m of refused) {
      const [error] = m.payload as Array<{ message: string; extensions?: { code?: string } }>;
      expect(error!.message).toMatch(/at most 100 at once/);
      expect(error!.extensions?.code).toBe('TOO_MANY_OPERATIONS');
    }
    await waitForWsSubscriptions(app.url, WS_MAX_OPERATIONS, 5_000);
    expect(ws.messages.filter((m) => m.type === 'error')).toHaveLength(50);
    expect(ws.socket.readyState).toBe(ws.socket.OPEN);

    // The 100 run: an event reaches a progressEvents subscriber.
    app.app.progress.startProgress('library_scan', 'SCAN', 'Scan');
    await ws.waitFor((m) => m.type === 'next' && m.id === '1', 'an event on subscription 1');
    // Completing one frees a place for another (its snapshot shows it runs: the scan is active).
    ws.send({ type: 'complete', id: '1' });
    ws.subscribe('151', 'subscription { progressEvents(snapshot: true) { cursor } }');
    await ws.waitFor((m) => m.type === 'next' && m.id === '151', 'the snapshot on subscription 151', 5_000);
    expect(ws.messages.some((m) => m.type === 'error' && m.id === '151')).toBe(false);
  });
});

describe('list arguments', () => {
  const HISTORY = 'query($t: [ProgressType!]) { progressHistory(types: $t) { totalCount } }';

  it(`progressHistory(types:) with 40,000 entries is BAD_USER_INPUT, with ${MAX_LIST_ITEMS} it answers`, async () => {
    app = await startTestApp();
    const { answer } = await postJson(app.url, graphqlBody(HISTORY, { t: Array(40_000).fill('DOWNLOAD') }));
    expect(answer.data ?? null).toBeNull();
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(answer.errors?.[0]?.message).toMatch(/\$t holds 40000 items.*at most 1000/);

    const atLimit = await postJson(app.url, graphqlBody(HISTORY, { t: Array(MAX_LIST_ITEMS).fill('DOWNLOAD') }));
    expect(atLimit.answer).toEqual({ data: { progressHistory: { totalCount: 0 } } });
  });

  it('a list literal past the bound is refused as well', async () => {
    app = await startTestApp();
    const ids = Array.from({ length: MAX_LIST_ITEMS + 1 }, (_, i) => `${i}`).join(',');
    const { answer } = await postJson(app.url, graphqlBody(`mutation { removeFromQueue(ids: [${ids}]) }`));
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('over WebSocket, on the fan-out path too (progressEvents ids)', async () => {
    app = await startTestApp();
    const ws = await rawWs(app.url);
    ws.subscribe('1', 'subscription($ids: [ID!]) { progressEvents(ids: $ids) { cursor } }', { ids: Array(5_000).fill('x') });
    const m = await answerTo(ws, '1');
    expect(m.type).toBe('error');
    const [error] = m.payload as Array<{ message: string; extensions?: { code?: string } }>;
    expect(error!.extensions?.code).toBe('BAD_USER_INPUT');
    expect(ws.socket.readyState).toBe(ws.socket.OPEN);
  });

  it('repeated filter values count once', async () => {
    app = await startTestApp();
    const p = app.app.progress;
    p.startProgress('library_scan', 'SCAN', 'Scan');
    p.completeProgress('library_scan');
    p.startProgress('download_x_1_1', 'DOWNLOAD', 'X');
    p.failProgress('download_x_1_1', 'boom');
    p.flush();
    const q = 'query($t: [ProgressType!], $s: [ProgressStatus!]) { progressHistory(types: $t, statuses: $s) { totalCount edges { node { id } } } }';
    const { answer } = await postJson(app.url, graphqlBody(q, { t: ['SCAN', 'SCAN', 'SCAN'], s: ['COMPLETED', 'COMPLETED'] }));
    expect(answer).toEqual({ data: { progressHistory: { totalCount: 1, edges: [{ node: { id: 'library_scan' } }] } } });
  });
});

describe('refusals that used to fail inside', () => {
  it.each([
    ['SSE', 'sse', 'subscription { progressEvents @skip(if: true) { cursor } }', undefined],
    ['WebSocket', 'ws', 'subscription { progressEvents @skip(if: true) { cursor } }', undefined],
    ['SSE', 'sse', 'subscription S($on: Boolean!) { progressEvents @include(if: $on) { cursor } }', { on: true }],
    ['WebSocket', 'ws', 'subscription S($on: Boolean!) { progressEvents @include(if: $on) { cursor } }', { on: true }],
  ])('@skip/@include on a subscription root field is a validation error over %s, not "Unexpected error" (%#)', async (_name, transport, query, variables) => {
    app = await startTestApp();
    const logged = vi.spyOn(app.app.logger, 'error');
    let errors: Array<{ message: string; extensions?: { code?: string } }>;
    if (transport === 'ws') {
      const ws = await rawWs(app.url);
      ws.subscribe('1', query, variables);
      errors = (await answerTo(ws, '1')).payload as typeof errors;
    } else {
      const res = await rawRequest(app.url, {
        method: 'POST',
        headers: { ...JSON_HEADERS, accept: 'text/event-stream' },
        body: graphqlBody(query, variables),
      });
      const data = /^data: (.+)$/m.exec(res.body)?.[1];
      errors = (JSON.parse(data ?? res.body) as GraphQLAnswer).errors ?? [];
    }
    expect(errors[0]?.message).toMatch(/must not use @skip or @include/);
    expect(errors[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(logged).not.toHaveBeenCalled();
  });

  it.each([
    ['an invalid enum value in a variable', 'query($t: [ProgressType!]) { activeProgress(types: $t) { id } }', { t: ['X'.repeat(10_240)] }],
    ['an unknown field', `{ a${'X'.repeat(10_240)} }`, undefined],
    ['an unknown catalog key', `mutation { addSeries(key: "${'X'.repeat(1_500)}") { key } }`, undefined],
  ])('%s is refused with a message that does not echo 10 KB back, over HTTP and WebSocket', async (_name, query, variables) => {
    app = await startTestApp();
    const http = await rawRequest(app.url, { method: 'POST', headers: JSON_HEADERS, body: graphqlBody(query, variables) });
    const ws = await rawWs(app.url);
    ws.subscribe('1', query, variables);
    const overWs = JSON.stringify((await answerTo(ws, '1')).payload);
    for (const text of [http.body, overWs]) {
      expect(text).toMatch(/"message":"[^"]/);
      expect(text).toMatch(/cut: the message held \d+ characters/);
      expect(text.length).toBeLessThan(2_500);
    }
  });

  it('an invalid 10 KB cursor is refused without being echoed back whole', async () => {
    app = await startTestApp();
    const cursor = 'c'.repeat(10 * 1024);
    const ws = await rawWs(app.url);
    ws.subscribe('1', 'subscription($a: String) { progressEvents(after: $a) { cursor } }', { a: cursor });
    const m = await answerTo(ws, '1');
    const text = JSON.stringify(m.payload);
    expect(text).toMatch(/not a cursor this service issued/);
    expect(text).toMatch(/10240 characters/);
    expect(text).toContain('BAD_USER_INPUT');
    expect(text.length).toBeLessThan(1_000);
  });
});
