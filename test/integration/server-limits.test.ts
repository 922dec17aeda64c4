import { afterEach, describe, expect, it } from 'vitest';
import { QUERY_LIMITS } from '../../src/server/yoga.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { openRawWs, type RawWs } from '../helpers/raw-ws.js';

let app: TestApp | undefined;
let ws: RawWs | undefined;
afterEach(async () => {
  ws?.close();
  ws = undefined;
  await app?.stop();
  app = undefined;
});

/** A query `depth` levels deep without introspection: nested inline fragments (graphql-armor counts each). */
function deepQuery(depth: number): string {
  return `{ ${'... on Query { '.repeat(depth - 1)}__typename ${'} '.repeat(depth - 1)}}`;
}

/** `n` aliases of one cheap field (not __typename: graphql-armor lets that one through). */
function aliasQuery(n: number): string {
  return `{ ${Array.from({ length: n }, (_, i) => `a${i}: activeProgress { id }`).join(' ')} }`;
}

type Answer = { data?: unknown; errors?: Array<{ message: string }> };

async function overHttp(url: string, query: string): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as Answer;
}

let nextId = 0;
async function overWs(url: string, query: string): Promise<Answer> {
  if (!ws) {
    ws = await openRawWs(url);
    await ws.init();
  }
  const id = String(++nextId);
  ws.subscribe(id, query);
  const m = await ws.waitFor((msg) => msg.id === id && (msg.type === 'next' || msg.type === 'error'), `the answer to ${id}`);
  return m.type === 'error' ? { errors: m.payload as Answer['errors'] } : (m.payload as Answer);
}

describe.each([
  ['HTTP', overHttp],
  ['WebSocket', overWs],
])('query limits over %s', (_transport, send) => {
  it(`refuses a query deeper than ${QUERY_LIMITS.maxDepth}, runs one at the limit`, async () => {
    app = await startTestApp();
    const ok = await send(app.url, deepQuery(QUERY_LIMITS.maxDepth));
    expect(ok).toEqual({ data: { __typename: 'Query' } });

    const refused = await send(app.url, deepQuery(QUERY_LIMITS.maxDepth + 1));
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.[0]?.message).toMatch(/depth limit of 10 exceeded/i);
    // The refusal is an answer: the connection still serves.
    expect(await send(app.url, '{ __typename }')).toEqual({ data: { __typename: 'Query' } });
  });

  it(`refuses more than ${QUERY_LIMITS.maxAliases} aliases, runs ${QUERY_LIMITS.maxAliases}`, async () => {
    app = await startTestApp();
    const ok = await send(app.url, aliasQuery(QUERY_LIMITS.maxAliases));
    expect(Object.keys((ok.data ?? {}) as object)).toHaveLength(QUERY_LIMITS.maxAliases);

    const refused = await send(app.url, aliasQuery(QUERY_LIMITS.maxAliases + 1));
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.[0]?.message).toMatch(/aliases limit of 15 exceeded/i);
  });
});
