import { afterEach, describe, expect, it } from 'vitest';
import { GraphQLRequestError } from '../../src/client/index.js';
import { ActiveProgressDocument, ProgressEventsDocument } from '../../src/client/operations.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dataOf, openRawWs, type RawWs } from '../helpers/raw-ws.js';
import { recordStream } from '../helpers/stream-recorder.js';
import { withTimeout } from '../helpers/wait.js';

let app: TestApp | undefined;
const sockets: RawWs[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await app?.stop();
  app = undefined;
});

const QUERY = '{ activeProgress { id status } }';

async function post(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query: QUERY }),
  });
  return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
}

async function rawWs(url: string) {
  const ws = await openRawWs(url);
  sockets.push(ws);
  return ws;
}

describe('API token (apiToken: "secret")', () => {
  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer wrong' }],
    ['the token without "Bearer"', { authorization: 'secret' }],
  ])('HTTP with %s: 401 UNAUTHENTICATED, saying the token is needed, and no data', async (_name, headers) => {
    app = await startTestApp({ apiToken: 'secret' });
    app.app.progress.startProgress('library_scan', 'SCAN', 'Scan');
    const { status, body } = await post(app.url, headers);
    expect(status).toBe(401);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.message).toMatch(/token/i);
    expect(body.errors?.[0]?.message).toMatch(/Authorization: Bearer/);
  });

  it('HTTP with the right token answers', async () => {
    app = await startTestApp({ apiToken: 'secret' });
    app.app.progress.startProgress('library_scan', 'SCAN', 'Scan');
    const { status, body } = await post(app.url, { authorization: 'Bearer secret' });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { activeProgress: [{ id: 'library_scan', status: 'IN_PROGRESS' }] } });
    // The typed client sends it too.
    const typed = await app.client.request(ActiveProgressDocument, {});
    expect(typed.activeProgress.map((r) => r.id)).toEqual(['library_scan']);
    await expect(app.newClient('wrong').request(ActiveProgressDocument, {})).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });

  it('SSE without the token is refused with 401', async () => {
    app = await startTestApp({ apiToken: 'secret' });
    const query = encodeURIComponent('subscription { progressEvents { cursor } }');
    const res = await fetch(`${app.url}?query=${query}`, { headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(401);
    await res.body?.cancel();
  });

  it.each([
    ['no connection params', undefined],
    ['a wrong token', { authorization: 'Bearer wrong' }],
    ['a wrong token in headers', { headers: { Authorization: 'Bearer wrong' } }],
  ])('WebSocket with %s is closed with 4403', async (_name, params) => {
    app = await startTestApp({ apiToken: 'secret' });
    const ws = await rawWs(app.url);
    ws.send({ type: 'connection_init', payload: params });
    const { code } = await withTimeout(ws.closed, 2_000, 'the socket to close');
    expect(code).toBe(4403);
    expect(ws.messages.map((m) => m.type)).not.toContain('connection_ack');
  });

  it('WebSocket with { authorization: "Bearer secret" } is acknowledged and streams', async () => {
    app = await startTestApp({ apiToken: 'secret' });
    const ws = await rawWs(app.url);
    await ws.init({ authorization: 'Bearer secret' });
    ws.subscribe('1', 'subscription { progressEvents(snapshot: true) { progress { id status } } }');
    app.app.progress.startProgress('library_scan', 'SCAN', 'Scan');
    const next = await ws.waitFor((m) => m.type === 'next' && m.id === '1', 'an event');
    expect(dataOf(next)).toEqual({ progressEvents: { progress: { id: 'library_scan', status: 'IN_PROGRESS' } } });
  });

  it.each([
    ['Authorization', { Authorization: 'Bearer secret' }],
    ['headers.Authorization', { headers: { Authorization: 'Bearer secret' } }],
  ])('WebSocket with the token as %s is acknowledged too', async (_name, params) => {
    app = await startTestApp({ apiToken: 'secret' });
    const ws = await rawWs(app.url);
    await ws.init(params);
    expect(ws.messages.map((m) => m.type)).toContain('connection_ack');
  });

  it("the typed client with a wrong token gets the socket's 4403, with the right one events", async () => {
    app = await startTestApp({ apiToken: 'secret' });
    const refused = recordStream(app.newClient('wrong').subscribe(ProgressEventsDocument, { snapshot: true }));
    const err = await refused.failure();
    expect(err).not.toBeInstanceOf(GraphQLRequestError);
    expect((err as { code?: number }).code).toBe(4403);

    app.app.progress.startProgress('library_scan', 'SCAN', 'Scan');
    const ok = recordStream(app.client.subscribe(ProgressEventsDocument, { snapshot: true }));
    const [first] = await ok.until((all) => all.length >= 1, 'the snapshot');
    expect(first!.progressEvents.progress.id).toBe('library_scan');
  });

  it('a huge malformed credential in connection_init is refused at once: /health keeps answering', async () => {
    app = await startTestApp({ apiToken: 'secret' });
    const ws = await rawWs(app.url);
    // Quadratic for a backtracking /^Bearer\s+(.+)$/: this one frame held the event loop ~18 s.
    ws.send({ type: 'connection_init', payload: { authorization: `Bearer${' '.repeat(200_000)}a\nb` } });
    const health = fetch(new URL('/health', app.url)).then((r) => r.status);
    // Generous deadlines (the old check took 18 s and more); a fixed check takes microseconds.
    const { code } = await withTimeout(ws.closed, 5_000, 'the socket to be refused');
    expect(code).toBe(4403);
    expect(await withTimeout(health, 5_000, '/health to answer while the credential is checked')).toBe(200);
  });

  it('a credential over 1 KiB is refused unread, over HTTP and WebSocket', async () => {
    const token = 'k'.repeat(1_100);
    app = await startTestApp({ apiToken: token });
    const { status, body } = await post(app.url, { authorization: `Bearer ${token}` });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const ws = await rawWs(app.url);
    ws.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
    expect((await withTimeout(ws.closed, 2_000, 'the socket to close')).code).toBe(4403);
  });

  it('the GraphiQL page loads without a token', async () => {
    app = await startTestApp({ apiToken: 'secret' });
    const res = await fetch(app.url, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/graphiql/i);
  });
});
