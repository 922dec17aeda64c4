import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AddSeriesDocument, AddWebhookDocument, EnqueueMissingDocument, QueueDocument, SettingsDocument, StartScanDocument } from '../../src/client/operations.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { artifactPath, haveChromium, launchChromium, leftOrigin, watchPage, CHROMIUM } from '../helpers/browser.js';
import { startCatalogServer } from '../helpers/catalog-server.js';
import { cleanupList, downloadId, freePort, recordEvents } from '../helpers/library-flow.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

if (!haveChromium) {
  console.warn(`\n⚠️  SKIPPING the dashboard browser tests: ${CHROMIUM} does not exist (apt-get install -y chromium).\n`);
}

const TOKEN = 'dashboard-secret-1';
/** Long enough for a visible bar on a busy two-core machine, short enough for a test. */
const SLOW_BYTES_PER_SECOND = 400_000;
const UI_TIMEOUT = 20_000;

const cleanups = cleanupList();
afterEach(() => cleanups.run());

/** The numeric value of an operation's <progress> bar. */
async function barValue(page: Page, id: string): Promise<number> {
  return page.locator(`li.op[data-progress-id="${id}"] progress`).evaluate((el) => (el as HTMLProgressElement).value);
}

/** Presses Tab until the focused element has `label` as its accessible label, then returns. */
async function tabTo(page: Page, label: string, maxTabs = 60): Promise<void> {
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent);
    if (focused === label) return;
  }
  throw new Error(`"${label}" was not reached with ${maxTabs} presses of Tab`);
}

/** Cursors of the live progress events the page received on its WebSocket, in order. */
function recordLiveCursors(page: Page): string[] {
  const cursors: string[] = [];
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      const msg = JSON.parse(String(payload)) as { type: string; payload?: { data?: { progressEvents?: { cursor: string } } } };
      const event = msg.type === 'next' ? msg.payload?.data?.progressEvents : undefined;
      if (event) cursors.push(event.cursor);
    }),
  );
  return cursors;
}

describe.skipIf(!haveChromium)('the dashboard at / in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('asks for the token once, adds a series found by search, downloads what is missing with a moving bar, pauses and resumes, ends with ✔ lines', { timeout: 90_000 }, async () => {
    const catalog = await startCatalogServer();
    cleanups.add(() => catalog.close());
    catalog.addEpisode('naruto', 'Naruto', 1, 1, 2_000_000, { title: 'Enter: Naruto', behaviour: { bytesPerSecond: SLOW_BYTES_PER_SECOND } });
    catalog.addEpisode('naruto', 'Naruto', 1, 2, 200_000, { title: 'My Name is Konohamaru' });
    const app = await startTestApp({ catalogUrl: catalog.url, apiToken: TOKEN });
    cleanups.add(() => app.stop());
    const origin = new URL(app.url).origin;

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    cleanups.add(() => page.close());
    const seen = watchPage(page);
    const res = await page.goto(`${origin}/`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("default-src 'none'");

    // A wrong token is refused, and the page says so.
    await page.locator('#token').fill('not-the-token');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-auth="wrong"]').textContent(), { timeout: UI_TIMEOUT }).toContain('wrong');
    await page.locator('#token').fill(TOKEN);
    await page.keyboard.press('Enter');
    await page.locator('[data-connection="live"]').waitFor({ timeout: UI_TIMEOUT });

    // Add a series through the catalog's search.
    await page.locator('#catalog-search').fill('naru');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Add Naruto' }).click();
    const series = page.locator('[data-series-folder="Naruto"]');
    await expect.poll(() => series.textContent(), { timeout: UI_TIMEOUT }).toContain('2 missing');

    // Keyboard only: Tab to the series' button and press Enter.
    await page.locator('h1').first().click();
    await tabTo(page, 'Download missing episodes of Naruto');
    await page.keyboard.press('Enter');

    const ep1 = downloadId('Naruto', 1, 1);
    const bar = page.locator(`li.op[data-progress-id="${ep1}"][data-status="IN_PROGRESS"]`);
    await bar.waitFor({ timeout: UI_TIMEOUT });
    await expect.poll(() => barValue(page, ep1), { timeout: UI_TIMEOUT }).toBeGreaterThan(0);
    const first = await barValue(page, ep1);
    await expect.poll(() => barValue(page, ep1), { timeout: UI_TIMEOUT }).toBeGreaterThan(first);
    expect(await bar.textContent()).toMatch(/of 1\.9 MB/);
    await page.locator('li.op[data-progress-id="download_queue"]').waitFor({ timeout: UI_TIMEOUT });
    const queued = page.locator('[data-queue-id]');
    expect(await queued.count()).toBe(2);

    // Readable at 360 px: nothing wider than the screen. Dark when the system is.
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).not.toBe(light);
    await page.screenshot({ path: artifactPath('dashboard-360-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    await page.setViewportSize({ width: 1280, height: 900 });

    // Pause: the item is held and its bar says so; the next episode gets its turn meanwhile.
    const itemId = await page.locator('li.qitem[data-status="DOWNLOADING"]').getAttribute('data-queue-id');
    expect(itemId).toBeTruthy();
    await page.getByRole('button', { name: 'Pause Naruto S01E01' }).click();
    await page.locator(`[data-queue-id="${itemId}"][data-status="PAUSED"]`).waitFor({ timeout: UI_TIMEOUT });
    await expect.poll(() => page.locator(`li.op[data-progress-id="${ep1}"]`).textContent(), { timeout: UI_TIMEOUT }).toContain('paused');
    const pausedAt = await barValue(page, ep1);
    await page.locator(`ul.lines li[data-progress-id="${downloadId('Naruto', 1, 2)}"][data-status="COMPLETED"]`).waitFor({ timeout: UI_TIMEOUT });
    // Resume: it continues from the bytes it had.
    await page.getByRole('button', { name: 'Resume Naruto S01E01' }).click();
    await page.locator(`[data-queue-id="${itemId}"][data-status="DOWNLOADING"]`).waitFor({ timeout: UI_TIMEOUT });
    expect(await barValue(page, ep1)).toBeGreaterThanOrEqual(pausedAt);
    await page.screenshot({ path: artifactPath('dashboard-wide.png'), fullPage: true });

    const done = page.locator(`ul.lines li[data-progress-id="${ep1}"][data-status="COMPLETED"]`);
    await done.waitFor({ timeout: 60_000 });
    expect(await done.textContent()).toContain('✔');
    await expect.poll(() => series.textContent(), { timeout: UI_TIMEOUT }).toContain('complete');
    expect(await page.locator('[data-queue-id][data-status="COMPLETED"]').count()).toBe(2);

    // The token was kept: a new visit goes straight to the dashboard.
    await page.reload();
    await page.locator('[data-connection="live"]').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator('#token').count()).toBe(0);

    expect(seen.urls.length).toBeGreaterThan(3);
    expect(leftOrigin(seen.urls, origin)).toEqual([]);
    expect(seen.errors).toEqual([]);
  });

  it('survives a restart of the service mid-download: no reload, nothing missed, nothing twice', { timeout: 90_000 }, async () => {
    const catalog = await startCatalogServer();
    cleanups.add(() => catalog.close());
    catalog.addEpisode('bebop', 'Cowboy Bebop', 1, 1, 2_400_000, { behaviour: { bytesPerSecond: SLOW_BYTES_PER_SECOND } });
    catalog.addEpisode('bebop', 'Cowboy Bebop', 1, 2, 300_000);
    const port = await freePort();
    let app: TestApp = await startTestApp({ catalogUrl: catalog.url, port });
    cleanups.add(() => app.stop());
    const origin = new URL(app.url).origin;

    const page = await browser.newPage();
    cleanups.add(() => page.close());
    const seen = watchPage(page);
    const cursors = recordLiveCursors(page);
    let navigations = 0;
    page.on('framenavigated', (frame) => (frame === page.mainFrame() ? navigations++ : undefined));
    await page.goto(`${origin}/`);
    await page.locator('[data-connection="live"]').waitFor({ timeout: UI_TIMEOUT });

    const { addSeries } = await app.client.request(AddSeriesDocument, { key: 'bebop' });
    await app.client.request(EnqueueMissingDocument, { serieFolder: addSeries.folder });
    const ep1 = downloadId(addSeries.folder, 1, 1);
    const ep2 = downloadId(addSeries.folder, 1, 2);
    await page.locator(`li.op[data-progress-id="${ep1}"][data-status="IN_PROGRESS"]`).waitFor({ timeout: UI_TIMEOUT });
    await expect.poll(() => barValue(page, ep1), { timeout: UI_TIMEOUT }).toBeGreaterThan(0);
    await page.evaluate(() => {
      const w = window as unknown as { sameDocument: boolean; connections: string[] };
      w.sameDocument = true;
      // Every state the connection indicator shows from now on, starting with the current one.
      w.connections = [document.querySelector('[data-connection]')?.getAttribute('data-connection') ?? 'none'];
      new MutationObserver(() => {
        const state = document.querySelector('[data-connection]')?.getAttribute('data-connection');
        if (state && w.connections[w.connections.length - 1] !== state) w.connections.push(state);
      }).observe(document.body, { subtree: true, attributes: true, childList: true });
    });
    const beforeRestart = cursors.length;

    app = await app.restart({ port });
    // The page notices, reconnects on its own and carries on where it was.
    await page.locator(`ul.lines li[data-progress-id="${ep1}"][data-status="COMPLETED"]`).waitFor({ timeout: 60_000 });
    await page.locator(`ul.lines li[data-progress-id="${ep2}"][data-status="COMPLETED"]`).waitFor({ timeout: UI_TIMEOUT });
    await page.locator('[data-connection="live"]').waitFor({ timeout: UI_TIMEOUT });

    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(navigations).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { connections: string[] }).connections)).toEqual(['live', 'reconnecting', 'live']);
    expect(cursors.length).toBeGreaterThan(beforeRestart);
    expect(new Set(cursors).size).toBe(cursors.length);
    expect(await page.locator(`ul.lines li[data-progress-id="${ep1}"]`).count()).toBe(1);

    // What the page got, across both lives of the service, is exactly the service's log.
    const last = cursors[cursors.length - 1]!;
    const replay = recordEvents(app.client, { after: cursors[0]! });
    cleanups.add(() => replay.stop());
    const logged = await replay.until((all) => all.some((e) => e.cursor === last), 'the replay to reach the page’s last cursor', UI_TIMEOUT);
    expect(logged.slice(0, logged.findIndex((e) => e.cursor === last) + 1).map((e) => e.cursor)).toEqual(cursors.slice(1));

    expect(leftOrigin(seen.urls, origin)).toEqual([]);
    expect(seen.errors).toEqual([]);
  });
  it('drives the queue, the settings, the history and the webhooks', { timeout: 90_000 }, async () => {
    const catalog = await startCatalogServer();
    cleanups.add(() => catalog.close());
    for (const e of [1, 2, 3]) catalog.addEpisode('mushi', 'Mushishi', 1, e, 1_200_000, { behaviour: { bytesPerSecond: SLOW_BYTES_PER_SECOND } });
    const app = await startTestApp({ catalogUrl: catalog.url });
    cleanups.add(() => app.stop());
    const origin = new URL(app.url).origin;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    cleanups.add(() => page.close());
    const seen = watchPage(page);
    await page.goto(`${origin}/`);
    await page.locator('[data-connection="live"]').waitFor({ timeout: UI_TIMEOUT });

    // Stop the queue, then queue everything missing from the page.
    await page.getByRole('button', { name: 'Stop queue' }).click();
    await page.locator('[data-queue-running="false"]').waitFor({ timeout: UI_TIMEOUT });
    const { addSeries } = await app.client.request(AddSeriesDocument, { key: 'mushi' });
    await page.getByRole('button', { name: 'Scan library' }).click();
    await page.locator('ul.lines li[data-progress-id="library_scan"][data-status="COMPLETED"]').waitFor({ timeout: UI_TIMEOUT });
    await page.getByRole('button', { name: 'Download all missing (3)' }).click();
    await expect.poll(() => page.locator('li.qitem[data-status="PENDING"]').count(), { timeout: UI_TIMEOUT }).toBe(3);

    // Move the third to the top, remove the second: the page shows the service's order.
    const name = (e: number) => `${addSeries.name} S01E0${e}`;
    await page.getByRole('button', { name: `Move ${name(3)} to the top` }).click();
    await expect
      .poll(async () => (await app.client.request(QueueDocument)).queue.pending.map((i) => i.episode), { timeout: UI_TIMEOUT })
      .toEqual([3, 1, 2]);
    const shown = async () => page.locator('li.qitem[data-status="PENDING"] .qitem-name').allTextContents();
    await expect.poll(shown, { timeout: UI_TIMEOUT }).toEqual([name(3), name(1), name(2)]);
    await page.getByRole('button', { name: `Remove ${name(2)}` }).click();
    await expect.poll(shown, { timeout: UI_TIMEOUT }).toEqual([name(3), name(1)]);

    // Settings: a speed cap and two downloads at once, applied by the service.
    await page.locator('#speed-limit').fill('200');
    await page.locator('#concurrency').fill('2');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(async () => (await app.client.request(SettingsDocument)).settings, { timeout: UI_TIMEOUT })
      .toMatchObject({ speedLimit: 200 * 1024, downloadConcurrency: 2 });

    // Start: both run at once; cancel one; it reaches the history as CANCELLED.
    await page.getByRole('button', { name: 'Start queue' }).click();
    await expect.poll(() => page.locator('li.qitem[data-status="DOWNLOADING"]').count(), { timeout: UI_TIMEOUT }).toBe(2);
    await page.getByRole('button', { name: `Cancel ${name(1)}` }).click();
    const ep1 = downloadId(addSeries.folder, 1, 1);
    await page.locator(`ul.lines li[data-progress-id="${ep1}"][data-status="CANCELLED"]`).waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator(`ul.lines li[data-progress-id="${ep1}"]`).textContent()).toContain('✖');

    await page.locator('#history-h').click();
    await page.locator('#history-type').selectOption('DOWNLOAD');
    await page.locator('#history-status').selectOption('CANCELLED');
    const history = page.locator('ol.history li');
    await expect.poll(() => history.count(), { timeout: UI_TIMEOUT }).toBe(1);
    expect(await history.first().getAttribute('data-progress-id')).toBe(ep1);
    await page.locator('#history-status').selectOption('COMPLETED');
    await expect.poll(() => page.locator('section[aria-labelledby="history-h"] .count').first().textContent(), { timeout: UI_TIMEOUT }).toContain(
      'Nothing finished matches',
    );

    // Webhooks: add a signed one for errors only, test it, remove it.
    const receiver = await startWebhookReceiver({ secret: 'hook-secret' });
    cleanups.add(() => receiver.close());
    await page.locator('#webhook-url').fill(receiver.url);
    await page.locator('fieldset', { hasText: 'Types' }).getByLabel('error').check();
    await page.locator('#webhook-secret').fill('hook-secret');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const hook = page.locator('[data-webhook-id]');
    await expect.poll(() => hook.textContent(), { timeout: UI_TIMEOUT }).toContain('signed');
    expect(await hook.textContent()).toContain('error');
    await page.getByRole('button', { name: `Test ${receiver.url}` }).click();
    await receiver.waitFor((all) => all.some((d) => d.signatureValid), 'a signed test delivery', UI_TIMEOUT);
    await expect.poll(() => page.locator('[data-webhook-test]').textContent(), { timeout: UI_TIMEOUT }).toContain('delivered (HTTP 200)');
    await page.getByRole('button', { name: `Remove ${receiver.url}` }).click();
    await expect.poll(() => hook.count(), { timeout: UI_TIMEOUT }).toBe(0);

    expect(leftOrigin(seen.urls, origin)).toEqual([]);
    expect(seen.errors).toEqual([]);
  });
  it('says so when the service, restarted with another token, refuses the kept one', { timeout: 60_000 }, async () => {
    const port = await freePort();
    let app: TestApp = await startTestApp({ port, apiToken: TOKEN });
    cleanups.add(() => app.stop());
    const page = await browser.newPage();
    cleanups.add(() => page.close());
    await page.goto(`${new URL(app.url).origin}/`);
    await page.locator('#token').fill(TOKEN);
    await page.keyboard.press('Enter');
    await page.locator('[data-connection="live"]').waitFor({ timeout: UI_TIMEOUT });

    app = await app.restart({ port, apiToken: 'a-new-token' });
    // The socket reconnects, is refused (4403), and the page asks again, saying why.
    await expect.poll(() => page.locator('[data-auth="wrong"]').textContent(), { timeout: UI_TIMEOUT }).toContain('wrong');
    await page.locator('#token').fill('a-new-token');
    await page.keyboard.press('Enter');
    await page.locator('[data-connection="live"]').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.evaluate(() => localStorage.length)).toBe(1);

    // A token in the address's fragment is taken, kept, and removed from the address.
    const context = await browser.newContext();
    cleanups.add(() => context.close());
    const other = await context.newPage();
    await other.goto(`${new URL(app.url).origin}/#token=a-new-token`);
    await other.locator('[data-connection="live"]').waitFor({ timeout: UI_TIMEOUT });
    expect(new URL(other.url()).hash).toBe('');
    expect(await other.evaluate(() => Object.values(localStorage))).toEqual(['a-new-token']);
  });
  it('shows a failed download as a ✖ line with its reason, retries it, and clears the finished ones', { timeout: 60_000 }, async () => {
    const catalog = await startCatalogServer();
    cleanups.add(() => catalog.close());
    catalog.addEpisode('fma', 'Fullmetal', 1, 1, 50_000);
    catalog.addEpisode('fma', 'Fullmetal', 1, 2, 50_000, { sha256: '0'.repeat(64) });
    const app = await startTestApp({ catalogUrl: catalog.url });
    cleanups.add(() => app.stop());
    const page = await browser.newPage();
    cleanups.add(() => page.close());
    await page.goto(`${new URL(app.url).origin}/`);
    await page.locator('[data-connection="live"]').waitFor({ timeout: UI_TIMEOUT });
    const { addSeries } = await app.client.request(AddSeriesDocument, { key: 'fma' });
    await app.client.request(EnqueueMissingDocument, { serieFolder: addSeries.folder });

    const ep2 = downloadId(addSeries.folder, 1, 2);
    const failedLine = page.locator(`ul.lines li[data-progress-id="${ep2}"][data-status="FAILED"]`);
    await failedLine.waitFor({ timeout: UI_TIMEOUT });
    expect(await failedLine.textContent()).toMatch(/✖.*sha256/);
    const failedItem = page.locator('li.qitem[data-status="FAILED"]');
    await failedItem.waitFor({ timeout: UI_TIMEOUT });
    expect(await failedItem.textContent()).toContain('sha256');

    await page.getByRole('button', { name: `Retry ${addSeries.name} S01E02` }).click();
    // It runs again (its line turns back into a bar, or is replaced by the new outcome) and fails again.
    await expect
      .poll(async () => (await app.client.request(QueueDocument)).queue.failed.map((i) => i.retryCount), { timeout: UI_TIMEOUT })
      .toEqual([1]);
    await failedLine.waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator(`[data-progress-id="${ep2}"]`).count()).toBe(1);

    await page.getByRole('button', { name: 'Clear finished' }).click();
    await expect.poll(() => page.locator('li.qitem[data-status="COMPLETED"]').count(), { timeout: UI_TIMEOUT }).toBe(0);
    expect(await page.locator('li.qitem[data-status="FAILED"]').count()).toBe(1);
  });
  it('lists ERROR events in their own feed, each once', { timeout: 60_000 }, async () => {
    const receiver = await startWebhookReceiver({ answer: () => 400 });
    cleanups.add(() => receiver.close());
    const app = await startTestApp();
    cleanups.add(() => app.stop());
    const page = await browser.newPage();
    cleanups.add(() => page.close());
    await page.goto(`${new URL(app.url).origin}/`);
    await page.locator('[data-connection="live"]').waitFor({ timeout: UI_TIMEOUT });

    // A webhook whose receiver answers 400: each delivery fails for good, with an ERROR event.
    const { addWebhook } = await app.client.request(AddWebhookDocument, { url: receiver.url, types: ['SCAN'] });
    const errors = page.locator(`ul.errors li[data-progress-id="error_webhook_${addWebhook.id}"]`);
    await app.client.request(StartScanDocument);
    await errors.first().waitFor({ timeout: UI_TIMEOUT });
    expect(await errors.first().getAttribute('data-status')).toBe('FAILED');
    expect(await errors.first().textContent()).toContain('400');
    await app.client.request(StartScanDocument);
    await expect.poll(() => errors.count(), { timeout: UI_TIMEOUT }).toBe(2);
    const cursors = await errors.evaluateAll((els) => els.map((e) => e.getAttribute('data-cursor')));
    expect(new Set(cursors).size).toBe(2);
  });
});
