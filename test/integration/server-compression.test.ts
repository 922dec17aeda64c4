/**
 * HTTP responses are compressed (brotli or gzip, as the client asks) except event streams,
 * which must reach the client event by event; GraphiQL's page is small, its script and
 * stylesheet are content-hashed files with a year-long cache.
 */
import { request, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { IMMUTABLE_CACHE_CONTROL } from '../../src/server/graphiql-assets.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { withTimeout } from '../helpers/wait.js';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The bytes as sent, still encoded. */
  raw: Buffer;
  /** The body decoded by its Content-Encoding. */
  text(): string;
}

function get(url: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<RawResponse> {
  return withTimeout(
    new Promise((resolve, reject) => {
      const req = request(url, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const encoding = res.headers['content-encoding'];
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            raw,
            text: () => (encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : raw).toString(),
          });
        });
      });
      req.on('error', reject);
      req.end(body);
    }),
    15_000,
    `${method} ${url}`,
  );
}

describe('compression', () => {
  it('GraphiQL: a small compressed page, hashed script and stylesheet precompressed with a long cache', async () => {
    app = await startTestApp();
    const page = await get(app.url, { accept: 'text/html', 'accept-encoding': 'br, gzip' });
    expect(page.status).toBe(200);
    expect(page.headers['content-encoding']).toBe('br');
    const html = page.text();
    expect(html).toContain('YogaGraphiQL.renderYogaGraphiQL(');
    // Headers typed in one GraphiQL tab (a token) reach the others and the next visit.
    expect(html).toContain('"shouldPersistHeaders":true');
    // The 9 MB page is now a page of a few KB and two files.
    expect(html.length).toBeLessThan(50_000);
    const files = [...html.matchAll(/(?:src|href)="(\/graphiql\/graphiql\.[0-9a-f]{16}\.(?:js|css|ico))"/g)].map((m) => m[1]!);
    expect(files.map((f) => f.split('.').at(-1)).sort()).toEqual(['css', 'ico', 'js']);
    const origin = new URL(app.url).origin;
    const js = files.find((f) => f.endsWith('.js'))!;

    const br = await get(origin + js, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe(IMMUTABLE_CACHE_CONTROL);
    expect(br.headers['content-type']).toMatch(/javascript/);
    const script = br.text();
    expect(script.length).toBeGreaterThan(1_000_000);
    expect(br.raw.length).toBeLessThan(script.length / 3);
    expect(script).toContain('renderYogaGraphiQL');

    const gz = await get(origin + js, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.text()).toBe(script);
    const plain = await get(origin + js, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.raw.toString()).toBe(script);
    // Revalidation costs nothing; an unknown hash is a 404.
    expect((await get(origin + js, { 'if-none-match': String(br.headers.etag) })).status).toBe(304);
    expect((await get(`${origin}/graphiql/graphiql.0000000000000000.js`, {})).status).toBe(404);
  });

  it('GraphQL answers and /metrics are gzip-compressed when asked', async () => {
    app = await startTestApp();
    const introspection = JSON.stringify({ query: '{ __schema { types { name fields { name } } } }' });
    const res = await get(app.url, { 'content-type': 'application/json', accept: 'application/json', 'accept-encoding': 'gzip' }, 'POST', introspection);
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(res.text()).data.__schema.types.length).toBeGreaterThan(10);

    const metrics = await get(app.url.replace('/graphql', '/metrics'), { 'accept-encoding': 'gzip' });
    expect(metrics.headers['content-encoding']).toBe('gzip');
    expect(metrics.text()).toContain('progress_events_total');
  });

  it('an SSE subscription is never compressed: each event arrives as it happens', async () => {
    app = await startTestApp();
    const url = new URL(app.url);
    url.searchParams.set('query', 'subscription { progressEvents(types: [DOWNLOAD]) { progress { id status } } }');
    const received: string[] = [];
    let headers: IncomingHttpHeaders = {};
    const req = request(url, { headers: { accept: 'text/event-stream', 'accept-encoding': 'br, gzip' } });
    const opened = new Promise<void>((resolve) =>
      req.on('response', (res) => {
        headers = res.headers;
        res.on('data', (c: Buffer) => received.push(c.toString()));
        resolve();
      }),
    );
    req.end();
    await withTimeout(opened, 5_000, 'the SSE response');
    expect(headers['content-type']).toMatch(/text\/event-stream/);
    // yoga marks event streams "Content-Encoding: none" (so proxies leave them alone too).
    expect([undefined, 'none', 'identity']).toContain(headers['content-encoding']);
    app.app.progress.startProgress('download_sse_1_1', 'DOWNLOAD', 'SSE', { total: 10 });
    await withTimeout(
      (async () => {
        while (!received.join('').includes('download_sse_1_1')) await new Promise((r) => setTimeout(r, 10)); // poll
      })(),
      5_000,
      'the first event, uncompressed',
    );
    req.destroy();
  });
});
