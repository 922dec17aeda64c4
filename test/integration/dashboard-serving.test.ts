import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { DASHBOARD_BUILD_DIR } from '../../src/server/dashboard.js';
import { startTestApp, tempDir, type TestApp } from '../helpers/app.js';

/** The budget for the page's JavaScript, gzipped. */
const JS_BUDGET_GZIP_BYTES = 100 * 1024;

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const originOf = (a: TestApp) => new URL(a.url).origin;

describe('the dashboard build', () => {
  it('exists (npm test builds it) and its JavaScript fits the budget', () => {
    const assets = readdirSync(join(DASHBOARD_BUILD_DIR, 'assets'));
    const js = assets.filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    const gzipped = js.reduce((n, f) => n + gzipSync(readFileSync(join(DASHBOARD_BUILD_DIR, 'assets', f)), { level: 9 }).length, 0);
    console.log(`dashboard JavaScript: ${js.length} file(s), ${(gzipped / 1024).toFixed(1)} KB gzipped`);
    expect(gzipped).toBeLessThanOrEqual(JS_BUDGET_GZIP_BYTES);
  });

  it('refers to nothing outside the service', () => {
    const texts = [join(DASHBOARD_BUILD_DIR, 'index.html'), ...readdirSync(join(DASHBOARD_BUILD_DIR, 'assets')).map((f) => join(DASHBOARD_BUILD_DIR, 'assets', f))]
      .filter((f) => /\.(html|css)$/.test(f))
      .map((f) => readFileSync(f, 'utf8'));
    for (const text of texts) {
      expect(text).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
      expect(text).not.toMatch(/url\(\s*["']?(https?:)?\/\//i);
      expect(text).not.toMatch(/@import/i);
    }
  });
});

describe('serving the dashboard', () => {
  it('answers / with the page and its hashed assets, without the token', async () => {
    app = await startTestApp({ apiToken: 'serving-secret' });
    const page = await fetch(`${originOf(app)}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    const html = await page.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${originOf(app)}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${originOf(app)}/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${originOf(app)}/assets/../../package.json`)).status).not.toBe(200);
    const head = await fetch(`${originOf(app)}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect((await fetch(`${originOf(app)}/`, { method: 'POST', body: '{}' })).status).toBe(405);
    // The API itself still wants the token.
    const api = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{queue{isRunning}}"}' });
    expect(api.status).toBe(401);
  });

  it('says how to build the page when it is not built', async () => {
    const dir = tempDir('dashboard-missing-').path;
    app = await startTestApp({}, { dashboardDir: dir });
    const res = await fetch(`${originOf(app)}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build:dashboard');
    // Built after the start: served without a restart.
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>built later</title>');
    const later = await fetch(`${originOf(app)}/`);
    expect(later.status).toBe(200);
    expect(await later.text()).toContain('built later');
  });
});
