import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The dashboard at `/`: the files `npm run build:dashboard` wrote (index.html and hashed
 * assets), read once into memory and served by exact name. A fixed set of known files needs no
 * static-file library and leaves no path to traverse.
 */

/** Where the build lands, found from the project root so it holds from src/ and from a compiled copy. */
export const DASHBOARD_BUILD_DIR = join(projectRoot(), 'src', 'dashboard', 'dist');

/** Hashed asset names change with their content: browsers may keep them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The page may load and connect to its own origin only: nothing from outside, no inline code,
 * no framing. connect-src 'self' covers the page's WebSocket to the same host and port.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

interface StaticFile {
  body: Buffer;
  type: string;
  cache: string;
}

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above src/server');
    dir = parent;
  }
  return dir;
}

function load(dir: string): Map<string, StaticFile> | null {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return null;
  const files = new Map<string, StaticFile>();
  const page: StaticFile = { body: readFileSync(index), type: TYPES['.html']!, cache: 'no-cache' };
  files.set('/', page);
  files.set('/index.html', page);
  const assets = join(dir, 'assets');
  if (existsSync(assets)) {
    for (const name of readdirSync(assets)) {
      const type = TYPES[extname(name)];
      if (type) files.set(`/assets/${name}`, { body: readFileSync(join(assets, name)), type, cache: IMMUTABLE });
    }
  }
  return files;
}

export interface DashboardOptions {
  /** The built page. @default DASHBOARD_BUILD_DIR */
  dir?: string;
}

/**
 * Returns a handler that answers GET/HEAD for the page and its assets and returns true,
 * or returns false for anything else (the caller passes it on).
 */
export function createDashboardHandler(options: DashboardOptions = {}): (req: IncomingMessage, res: ServerResponse) => boolean {
  const dir = options.dir ?? DASHBOARD_BUILD_DIR;
  // Read on first use, and again while the build is missing (built after the service started).
  let files: Map<string, StaticFile> | null = null;
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path !== '/' && path !== '/index.html' && !path.startsWith('/assets/')) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return true;
    }
    files ??= load(dir);
    if (!files) {
      res
        .writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
        .end('The dashboard is not built. Run `npm run build:dashboard` (npm start and npm test do it), then reload.\n');
      return true;
    }
    const file = files.get(path);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return true;
    }
    res.writeHead(200, {
      'content-type': file.type,
      'content-length': file.body.length,
      'cache-control': file.cache,
      'content-security-policy': DASHBOARD_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
    return true;
  };
}
