import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(
    `\n⚠️  SKIPPING the GraphiQL browser test: ${CHROMIUM} does not exist. Install it (apt-get install -y chromium) to run it.\n`,
  );
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True for URLs that leave this machine (data: and blob: never do). */
function goesOutside(url: string): boolean {
  const u = new URL(url);
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return false;
  return !LOOPBACK.has(u.hostname);
}

describe.skipIf(!haveChromium)('GraphiQL in headless Chromium', () => {
  let browser: Browser;
  let app: TestApp | undefined;

  beforeAll(async () => {
    browser = await chromium.launch({
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
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('renders from the service alone (no outside requests) and runs a query', async () => {
    app = await startTestApp();
    app.app.progress.startProgress('library_scan', 'SCAN', 'Browser check 42');
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    page.on('websocket', (ws) => requested.push(ws.url()));
    const pageErrors: Error[] = [];
    page.on('pageerror', (err) => pageErrors.push(err));
    try {
      const res = await page.goto(app.url, { waitUntil: 'load' });
      expect(res?.status()).toBe(200);
      await page.locator('.graphiql-container').first().waitFor({ timeout: 15_000 });
      const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
      await editor.waitFor({ timeout: 15_000 });

      await editor.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      await page.keyboard.type('query BrowserCheck { activeProgress { title status } }');
      await page.keyboard.press('Escape'); // close any suggestion list
      // GraphiQL parses the editor text a moment later; run only once the tab shows the operation's name.
      await page.locator('.graphiql-tab', { hasText: 'BrowserCheck' }).first().waitFor({ timeout: 15_000 });
      await page.keyboard.press('Control+Enter');

      // The result pane is a Monaco editor too: its text renders spaces as no-break spaces.
      const responseText = async () => (await page.locator('.graphiql-response').innerText()).replace(/\u00a0/g, ' ');
      await expect.poll(responseText, { timeout: 15_000 }).toContain('"title": "Browser check 42"');
      expect(await responseText()).toContain('"status": "IN_PROGRESS"');

      expect(requested.length).toBeGreaterThan(0);
      expect(requested.filter(goesOutside)).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);

  it('with API_TOKEN, streams the live subscription it opens with, using the token from its Headers tab (never in a URL or the log)', async () => {
    const token = 'browser-secret-4f1c9a';
    const logLines: string[] = [];
    app = await startTestApp(
      { apiToken: token },
      { logger: pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) }) },
    );
    const page = await browser.newPage();
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    page.on('websocket', (ws) => urls.push(ws.url()));
    const pageErrors: Error[] = [];
    page.on('pageerror', (err) => pageErrors.push(err));
    try {
      await page.goto(app.url, { waitUntil: 'load' });
      await page.locator('.graphiql-tab', { hasText: 'Live' }).first().waitFor({ timeout: 15_000 });

      // As a person does: the Headers tab, then the token as GraphiQL expects headers (JSON).
      await page.locator('.graphiql-editor-tools button[data-name="headers"]').click();
      const headers = page.locator('.graphiql-editor-tool .monaco-editor:visible').first();
      await headers.waitFor({ timeout: 15_000 });
      await headers.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      await page.keyboard.insertText(`{"authorization": "Bearer ${token}"}`);

      // Running before the run: the subscription's snapshot shows it, then live changes follow.
      const { progress } = app.app;
      progress.startProgress('download_Demo_1_1', 'DOWNLOAD', 'Live in the browser 7', { total: 100 });
      await page.locator('.graphiql-query-editor .monaco-editor').first().click();
      await page.keyboard.press('Control+Enter');
      const responseText = async () => (await page.locator('.graphiql-response').innerText()).replace(/\u00a0/g, ' ');
      await expect.poll(responseText, { timeout: 15_000 }).toContain('Live in the browser 7');
      progress.updateProgress('download_Demo_1_1', { current: 42, message: 'halfway there 8', forceBroadcast: true });
      await expect.poll(responseText, { timeout: 15_000 }).toContain('halfway there 8');
      expect(await responseText()).toContain('"current": 42');
      expect(await responseText()).not.toMatch(/UNAUTHENTICATED|FORBIDDEN/);

      expect(urls.filter((u) => u.includes(token))).toEqual([]);
      expect(urls.filter(goesOutside)).toEqual([]);
      expect(logLines.filter((l) => l.includes(token))).toEqual([]);
      expect(logLines.length).toBeGreaterThan(0);
      expect(pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
