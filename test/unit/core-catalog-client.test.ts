import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCatalogClient, findCatalogEpisode } from '../../src/core/catalog-client.js';
import { CatalogInvalidResponseError, CatalogNotFoundError } from '../../src/core/errors.js';
import { type CatalogServer, startCatalogServer } from '../helpers/catalog-server.js';

let server: CatalogServer;
beforeEach(async () => {
  server = await startCatalogServer();
});
afterEach(async () => {
  await server.close();
});

const fastClient = () => createCatalogClient({ baseUrl: server.url + '/', timeoutMs: 2_000, retries: 3, backoffMs: 5, maxBackoffMs: 20 });

describe('catalog client', () => {
  it('fetches and validates a series', async () => {
    const ep = server.addEpisode('naruto', 'Naruto', 1, 1, 100, { title: 'Enter: Naruto Uzumaki!' });
    server.addEpisode('naruto', 'Naruto', 1, 2, 100, { size: null, sha256: null });
    const series = await fastClient().getSeries('naruto');
    expect(series).toEqual({
      key: 'naruto',
      name: 'Naruto',
      seasons: [
        {
          season: 1,
          episodes: [
            { episode: 1, title: 'Enter: Naruto Uzumaki!', url: ep.url, size: 100, sha256: ep.sha256 },
            { episode: 2, url: `${server.url}/media/naruto/1/2.mp4` },
          ],
        },
      ],
    });
    expect(findCatalogEpisode(series, 1, 2)?.episode).toBe(2);
    expect(findCatalogEpisode(series, 2, 1)).toBeUndefined();
  });

  it('resolves relative episode URLs against the catalog and accepts null optionals', async () => {
    server.setSeries({ key: 'k', name: 'K', seasons: [{ season: 1, episodes: [{ episode: 1, url: '/media/a.mkv', title: null, size: null }] }] });
    const series = await fastClient().getSeries('k');
    expect(series.seasons[0]!.episodes[0]).toEqual({ episode: 1, url: `${server.url}/media/a.mkv` });
  });

  it('maps 404 to CatalogNotFoundError', async () => {
    const err = await fastClient().getSeries('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CatalogNotFoundError);
    expect(err).toMatchObject({ code: 'CATALOG_NOT_FOUND', message: 'catalog has no series with key "nope"' });
    expect(server.requestsTo('/series/nope')).toHaveLength(1);
  });

  it.each([
    ['not JSON', 'this is <html>', /not JSON/],
    ['wrong shape', { key: 'g', name: 'G', seasons: [{ season: 'one', episodes: [] }] }, /malformed: seasons\.0\.season/],
    ['bad url', { key: 'g', name: 'G', seasons: [{ season: 1, episodes: [{ episode: 1, url: 'ftp://x/y' }] }] }, /not an http/],
    ['bad sha256', { key: 'g', name: 'G', seasons: [{ season: 1, episodes: [{ episode: 1, url: '/x', sha256: 'abc' }] }] }, /sha256/],
    ['null', null, /malformed/],
  ])('maps a garbage answer (%s) to CatalogInvalidResponseError', async (_label, body, message) => {
    server.setRoute('/series/g', { body });
    const err = await fastClient().getSeries('g').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CatalogInvalidResponseError);
    expect(err).toMatchObject({ code: 'CATALOG_INVALID_RESPONSE' });
    expect((err as Error).message).toMatch(message);
  });

  it('retries 503 and then succeeds', async () => {
    server.addEpisode('bebop', 'Cowboy Bebop', 1, 1, 10);
    server.setRoute('/series/bebop', { status: 503, body: 'busy', times: 2 });
    const series = await fastClient().getSeries('bebop');
    expect(series.name).toBe('Cowboy Bebop');
    expect(server.requestsTo('/series/bebop').map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('gives up with CATALOG_UNAVAILABLE after the retries', async () => {
    server.setRoute('/series/down', { status: 500, body: 'boom' });
    await expect(fastClient().getSeries('down')).rejects.toMatchObject({
      code: 'CATALOG_UNAVAILABLE',
      message: expect.stringMatching(/HTTP 500 after 4 attempt/),
    });
    expect(server.requestsTo('/series/down')).toHaveLength(4);
  });

  it('retries a connection refused, then reports the catalog unavailable', async () => {
    const url = server.url;
    await server.close();
    const client = createCatalogClient({ baseUrl: url, retries: 1, backoffMs: 1 });
    await expect(client.getSeries('x')).rejects.toMatchObject({ code: 'CATALOG_UNAVAILABLE' });
    server = await startCatalogServer();
  });

  it('times out a catalog that never answers', async () => {
    const client = createCatalogClient({ baseUrl: server.url, timeoutMs: 100, retries: 1, backoffMs: 1 });
    // A media path that stalls after 0 bytes of a 10-byte body, as a hanging catalog.
    server.setMedia('/series/slow', Buffer.from('{"key":"s"}'), { stallAfterBytes: 1, stallTimes: Infinity });
    await expect(client.getSeries('slow')).rejects.toMatchObject({ code: 'CATALOG_UNAVAILABLE', message: expect.stringMatching(/within 100 ms/) });
  });

  it('cancels through the signal', async () => {
    server.setRoute('/series/c', { status: 503, body: '' });
    const client = createCatalogClient({ baseUrl: server.url, retries: 10, backoffMs: 10_000, maxBackoffMs: 10_000 });
    const ac = new AbortController();
    const p = client.getSeries('c', { signal: ac.signal });
    await server.waitForRequest((r) => r.path === '/series/c' && r.status === 503);
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('searches', async () => {
    server.addEpisode('naruto', 'Naruto', 1, 1, 1);
    server.addEpisode('bebop', 'Cowboy Bebop', 1, 1, 1);
    expect(await fastClient().search('bebop')).toEqual([{ key: 'bebop', name: 'Cowboy Bebop' }]);
    expect(server.requests.at(-1)!.path).toBe('/search?q=bebop');
  });
});
