/**
 * The contract's "Safety limits" against browsers: a page on another origin, or on a
 * DNS-rebound name, cannot drive the service; form and text bodies are refused; scripts
 * and CLIs (no Origin) and JSON requests are unaffected.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { JSON_HEADERS, graphqlBody, rawRequest, tryUpgrade } from '../helpers/http-request.js';
import { listTree } from '../helpers/library-flow.js';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const EVIL = 'http://evil.example';
/** What a hostile page would do: add a series (a folder written on disk). */
const ADD_SERIES = 'mutation { addSeries(key: "frieren") { folder } }';

async function start(overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  app = await startTestApp(overrides);
  return app;
}

/** host:port of the app, as a browser on the same origin sends it in Host. */
const hostOf = (a: TestApp) => new URL(a.url).host;

describe('cross-site requests (HTTP)', () => {
  it.each([
    ['a form POST (urlencoded)', { 'content-type': 'application/x-www-form-urlencoded' }, `query=${encodeURIComponent(ADD_SERIES)}`],
    ['a text/plain POST', { 'content-type': 'text/plain' }, graphqlBody(ADD_SERIES)],
    ['a JSON POST', JSON_HEADERS, graphqlBody(ADD_SERIES)],
  ])('%s from another origin is refused with 403 and changes nothing', async (_name, headers, body) => {
    const a = await start();
    const res = await rawRequest(a.url, { method: 'POST', headers: { ...headers, origin: EVIL }, body });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).errors[0].message).toMatch(/origin "http:\/\/evil\.example".*ALLOWED_ORIGINS/);
    expect(listTree(a.libraryDir)).toEqual([]);
    // The same mutation without Origin (a script) runs: the refusal was the origin's.
    const ok = await rawRequest(a.url, { method: 'POST', headers: JSON_HEADERS, body: graphqlBody(ADD_SERIES) });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).data.addSeries.folder).toBeTruthy();
    expect(listTree(a.libraryDir).length).toBeGreaterThan(0);
  });

  it('a CORS preflight and a GET from another origin are refused too, and no CORS header invites them', async () => {
    const a = await start();
    const preflight = await rawRequest(a.url, {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const get = await rawRequest(`${a.url}?query=${encodeURIComponent('{ activeProgress { id } }')}`, { headers: { origin: EVIL } });
    expect(get.status).toBe(403);
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    // Origin "null" (sandboxed frames, file: pages) is foreign as well.
    const nullOrigin = await rawRequest(a.url, { method: 'POST', headers: { ...JSON_HEADERS, origin: 'null' }, body: graphqlBody(ADD_SERIES) });
    expect(nullOrigin.status).toBe(403);
    expect(listTree(a.libraryDir)).toEqual([]);
  });

  it("the service's own origin (GraphiQL, the dashboard) and requests without Origin are served", async () => {
    const a = await start();
    const own = `http://${hostOf(a)}`;
    const same = await rawRequest(a.url, { method: 'POST', headers: { ...JSON_HEADERS, origin: own }, body: graphqlBody('{ __typename }') });
    expect(same.status).toBe(200);
    expect(JSON.parse(same.body)).toEqual({ data: { __typename: 'Query' } });
    const none = await rawRequest(a.url, { method: 'POST', headers: JSON_HEADERS, body: graphqlBody('{ __typename }') });
    expect(none.status).toBe(200);
    // application/graphql+json is JSON too.
    const plusJson = await rawRequest(a.url, {
      method: 'POST',
      headers: { 'content-type': 'application/graphql+json; charset=utf-8', accept: 'application/json' },
      body: graphqlBody('{ __typename }'),
    });
    expect(plusJson.status).toBe(200);
    expect(JSON.parse(plusJson.body)).toEqual({ data: { __typename: 'Query' } });
  });

  it('ALLOWED_ORIGINS lets a listed origin call the service, with CORS headers for it alone', async () => {
    const a = await start({ allowedOrigins: ['https://app.example'] });
    const preflight = await rawRequest(a.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example');
    const res = await rawRequest(a.url, {
      method: 'POST',
      headers: { ...JSON_HEADERS, origin: 'https://app.example' },
      body: graphqlBody(ADD_SERIES),
    });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(JSON.parse(res.body).data.addSeries.folder).toBeTruthy();
    const other = await rawRequest(a.url, { method: 'POST', headers: { ...JSON_HEADERS, origin: EVIL }, body: graphqlBody('{ __typename }') });
    expect(other.status).toBe(403);
  });
});

describe('non-JSON POST bodies', () => {
  it.each([
    ['application/x-www-form-urlencoded', `query=${encodeURIComponent(ADD_SERIES)}`],
    ['text/plain', graphqlBody(ADD_SERIES)],
    ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${graphqlBody(ADD_SERIES)}\r\n--x--\r\n`],
    ['application/graphql', ADD_SERIES],
  ])('%s gets 415 saying what to send, and changes nothing', async (type, body) => {
    const a = await start();
    const res = await rawRequest(a.url, { method: 'POST', headers: { 'content-type': type }, body });
    expect(res.status).toBe(415);
    expect(JSON.parse(res.body).errors[0].message).toMatch(/application\/json/);
    expect(listTree(a.libraryDir)).toEqual([]);
  });

  it('a POST without Content-Type gets 415', async () => {
    const a = await start();
    const res = await rawRequest(a.url, { method: 'POST', body: graphqlBody(ADD_SERIES) });
    expect(res.status).toBe(415);
    expect(listTree(a.libraryDir)).toEqual([]);
  });
});

describe('DNS rebinding: Host while bound to loopback', () => {
  it('a foreign Host is refused with 403 on every path and changes nothing; loopback names pass with or without port', async () => {
    const a = await start();
    for (const path of ['/graphql', '/health', '/metrics']) {
      const res = await rawRequest(new URL(path, a.url).href, { headers: { host: `rebind.example:${a.port}` } });
      expect(res.status, path).toBe(403);
    }
    // The rebinding page is same-origin with itself: its Origin matches its Host, and is still refused.
    const rebound = await rawRequest(a.url, {
      method: 'POST',
      headers: { ...JSON_HEADERS, host: `rebind.example:${a.port}`, origin: `http://rebind.example:${a.port}` },
      body: graphqlBody(ADD_SERIES),
    });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).errors[0].message).toMatch(/Host "rebind\.example:\d+".*ALLOWED_HOSTS/);
    expect(listTree(a.libraryDir)).toEqual([]);

    for (const host of ['localhost', `localhost:${a.port}`, '127.0.0.1', `127.0.0.1:${a.port}`, '[::1]', `[::1]:${a.port}`, 'LOCALHOST']) {
      const res = await rawRequest(a.url, { method: 'POST', headers: { ...JSON_HEADERS, host }, body: graphqlBody('{ __typename }') });
      expect(res.status, host).toBe(200);
    }
  });

  it('ALLOWED_HOSTS names the reverse proxy: accepted (any port, or only the port given), others still refused', async () => {
    const a = await start({ allowedHosts: ['anime.example.com', 'other.example:8443'] });
    const ask = (host: string) => rawRequest(a.url, { method: 'POST', headers: { ...JSON_HEADERS, host }, body: graphqlBody('{ __typename }') });
    expect((await ask('anime.example.com')).status).toBe(200);
    expect((await ask('Anime.Example.com:443')).status).toBe(200);
    expect((await ask('other.example:8443')).status).toBe(200);
    expect((await ask('other.example:9000')).status).toBe(403);
    expect((await ask('evil.example')).status).toBe(403);
  });

  it('bound to all interfaces (with a token), Host is not checked; Origin still is', async () => {
    const a = await start({ host: '0.0.0.0', apiToken: 'secret' });
    const url = `http://127.0.0.1:${a.port}/graphql`;
    const headers = { ...JSON_HEADERS, authorization: 'Bearer secret' };
    const byName = await rawRequest(url, { method: 'POST', headers: { ...headers, host: `myserver.lan:${a.port}` }, body: graphqlBody('{ __typename }') });
    expect(byName.status).toBe(200);
    const foreign = await rawRequest(url, { method: 'POST', headers: { ...headers, origin: EVIL }, body: graphqlBody('{ __typename }') });
    expect(foreign.status).toBe(403);
  });
});

describe('WebSocket upgrade', () => {
  it('from another origin, or with a foreign Host, is refused with 403; the own origin and no origin open', async () => {
    const a = await start();
    const evil = await tryUpgrade(a.url, { origin: EVIL });
    expect(evil.status).toBe(403);
    expect(evil.body).toMatch(/evil\.example/);
    expect((await tryUpgrade(a.url, { host: `rebind.example:${a.port}`, origin: `http://rebind.example:${a.port}` })).status).toBe(403);
    expect((await tryUpgrade(a.url, { origin: `http://${hostOf(a)}` })).status).toBe(101);
    expect((await tryUpgrade(a.url, {})).status).toBe(101);
  });

  it('an ALLOWED_ORIGINS origin opens', async () => {
    const a = await start({ allowedOrigins: ['https://app.example'] });
    expect((await tryUpgrade(a.url, { origin: 'https://app.example' })).status).toBe(101);
    expect((await tryUpgrade(a.url, { origin: EVIL })).status).toBe(403);
  });
});
