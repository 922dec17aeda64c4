/**
 * vitest globalSetup: the browser tests drive the built dashboard (src/dashboard/dist/), so a
 * build older than the page's sources would test yesterday's page. `npm test` builds first;
 * a single file run with `npx vitest` gets the build here when any source is newer than it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const DASHBOARD_DIR = fileURLToPath(new URL('../src/dashboard/', import.meta.url));
const BUILT = join(DASHBOARD_DIR, 'dist', 'index.html');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'screenshots') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export default async function setup(): Promise<void> {
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= newestSource(DASHBOARD_DIR)) return;
  // vitest sets NODE_ENV=test, which would make Vite build the page for development.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(DASHBOARD_DIR, 'vite.config.ts'), mode: 'production' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}
