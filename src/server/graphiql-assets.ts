import { renderGraphiQL as renderYogaGraphiQL } from '@graphql-yoga/render-graphiql';
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { GraphiQLOptions } from 'graphql-yoga';

/** URL prefix of GraphiQL's static files (content-hashed names). */
export const GRAPHIQL_ASSET_PREFIX = '/graphiql/';
/** A hashed file never changes: browsers and proxies may keep it a year without asking again. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/**
 * Brotli quality of the hashed files. Measured on GraphiQL's 8 MB script: quality 5 gives
 * 1.95 MB in 0.6 s, 9 gives 1.86 MB in 3 s, 11 gives 1.71 MB in 29 s (too long for a first visit).
 */
export const STATIC_BROTLI_QUALITY = 5;
/** Rendered pages kept (one per set of GraphiQL options; there is one in practice). */
const MAX_PAGES = 4;

const TYPES = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  ico: 'image/x-icon',
} as const;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

interface Asset {
  type: string;
  body: Buffer;
  etag: string;
  /** Compressed once, on first request: an 8 MB script is not worth squeezing per request. */
  br?: Promise<Buffer>;
  gzip?: Promise<Buffer>;
}

export interface GraphiQLAssets {
  /** Renders GraphiQL's page with its big inline stylesheet and script moved to hashed files. */
  render(options: GraphiQLOptions): string;
  /** Serves a hashed file; false when the request is not for one. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

/**
 * GraphiQL as graphql-yoga renders it is one 9 MB page with its stylesheet and its script
 * inline, fetched in full on every visit. Here the stylesheet and the library part of the
 * script become files named by their content hash, served precompressed with a year-long
 * cache, and the page that remains is a few KB (the options and the call that renders).
 * A page of another shape (a new version of the renderer) is served as it is.
 */
export function createGraphiQLAssets(render: (options: GraphiQLOptions) => string = renderYogaGraphiQL): GraphiQLAssets {
  const assets = new Map<string, Asset>();
  const pages = new Map<string, string>();

  const add = (content: string | Buffer, ext: keyof typeof TYPES): string => {
    const hash = createHash('sha256').update(content).digest('hex').slice(0, 16);
    const path = `${GRAPHIQL_ASSET_PREFIX}graphiql.${hash}.${ext}`;
    if (!assets.has(path)) assets.set(path, { type: TYPES[ext], body: Buffer.from(content), etag: `"${hash}"` });
    return path;
  };

  const split = (html: string): string => {
    let out = html;
    const icon = /href="data:image\/x-icon;base64,([A-Za-z0-9+/=]+)"/.exec(out);
    if (icon) out = out.replace(icon[0], () => `href="${add(Buffer.from(icon[1]!, 'base64'), 'ico')}"`);
    const style = /<style>([\s\S]*?)<\/style>/.exec(out);
    if (style) out = out.replace(style[0], () => `<link rel="stylesheet" href="${add(style[1]!, 'css')}" />`);
    // The library ends where the page's own call begins; the call (with the options) stays inline.
    const open = out.indexOf('<script>');
    const call = out.lastIndexOf('YogaGraphiQL.renderYogaGraphiQL(');
    if (open !== -1 && call > open) {
      const library = out.slice(open + '<script>'.length, call);
      out = `${out.slice(0, open)}<script src="${add(library, 'js')}"></script>\n<script>${out.slice(call)}`;
    }
    return out;
  };

  return {
    render(options) {
      const key = JSON.stringify(options);
      let page = pages.get(key);
      if (page === undefined) {
        page = split(render(options));
        if (pages.size >= MAX_PAGES) pages.clear();
        pages.set(key, page);
      }
      return page;
    },
    handle(req, res) {
      const path = (req.url ?? '/').split('?')[0]!;
      if (!path.startsWith(GRAPHIQL_ASSET_PREFIX)) return false;
      const asset = assets.get(path);
      if (!asset || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return true;
      }
      void serve(asset, req, res);
      return true;
    },
  };
}

async function serve(asset: Asset, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {
    'content-type': asset.type,
    'cache-control': IMMUTABLE_CACHE_CONTROL,
    etag: asset.etag,
    vary: 'Accept-Encoding',
  };
  if (req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304, headers).end();
    return;
  }
  const accepted = String(req.headers['accept-encoding'] ?? '');
  let body = asset.body;
  try {
    if (/\bbr\b/.test(accepted)) {
      body = await (asset.br ??= brotli(asset.body, {
        params: { [zlib.BROTLI_PARAM_QUALITY]: STATIC_BROTLI_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: asset.body.length },
      }));
      headers['content-encoding'] = 'br';
    } else if (/\bgzip\b/.test(accepted)) {
      body = await (asset.gzip ??= gzipAsync(asset.body, { level: zlib.Z_BEST_COMPRESSION }));
      headers['content-encoding'] = 'gzip';
    }
  } catch {
    body = asset.body; // compression failed: the plain bytes are still right
    delete headers['content-encoding'];
  }
  headers['content-length'] = String(body.length);
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}
