import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PROJECT_ROOT } from './library-flow.js';

/** Debian's Chromium: browser tests skip (with a warning) where it is not installed. */
export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

/** Screenshots of browser tests (git-ignored). */
export const ARTIFACTS_DIR = join(PROJECT_ROOT, 'test', 'artifacts');

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}

/** Headless Chromium that makes no requests of its own (no updates, no sync, no QUIC probes). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Every URL a page requests or opens a WebSocket to, and the errors it throws. */
export function watchPage(page: Page): { urls: string[]; errors: Error[] } {
  const urls: string[] = [];
  const errors: Error[] = [];
  page.on('request', (r) => urls.push(r.url()));
  page.on('websocket', (ws) => urls.push(ws.url()));
  page.on('pageerror', (err) => errors.push(err));
  return { urls, errors };
}

/** The URLs that went anywhere but `origin` (data:, blob: and about: never leave the page). */
export function leftOrigin(urls: readonly string[], origin: string): string[] {
  const own = new URL(origin);
  return urls.filter((url) => {
    const u = new URL(url);
    if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return false;
    return u.host !== own.host;
  });
}
