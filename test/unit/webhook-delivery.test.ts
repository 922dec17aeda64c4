/**
 * WebhookDispatcher with an injected clock: retries go on for more than an hour of (fake)
 * time and stop only past the retry window; the timing constants are the contract's. A real
 * receiver and a real SQLite outbox; only the clock is fake, so no test waits for an hour.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { openDatabase } from '../../src/store/database.js';
import { SqliteWebhookStore, asyncWebhookStore, type WebhookRecord } from '../../src/store/webhook-store.js';
import {
  WEBHOOK_RETRY_WINDOW_MS,
  WEBHOOK_TIMEOUT_MS,
  WebhookDispatcher,
  signBody,
} from '../../src/services/webhook-delivery.js';
import type { ProgressRecord } from '../../src/domain/progress-types.js';
import type { ErrorReport } from '../../src/services/progress-service.js';
import { tempDir } from '../helpers/app.js';
import { startWebhookReceiver, verifySignature, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

interface Rig {
  store: SqliteWebhookStore;
  dispatcher: WebhookDispatcher;
  failures: Array<{ id: string; error: string; metadata: Record<string, unknown> }>;
  /** The fake clock runs with real time, plus what a test adds (jumps). */
  clock: { offset: number };
  webhook: WebhookRecord;
}

function rig(url: string): Rig {
  const db = openDatabase(tempDir('webhook-unit-').path);
  const store = new SqliteWebhookStore(db);
  const clock = { offset: 0 };
  const webhook: WebhookRecord = {
    id: 'w1',
    url,
    types: null,
    statuses: ['COMPLETED'],
    secret: 's',
    createdAt: Date.now(),
    lastDelivery: null,
  };
  store.put(webhook);
  const failures: Rig['failures'] = [];
  const dispatcher = new WebhookDispatcher({
    store: asyncWebhookStore(store),
    logger: pino({ level: 'silent' }),
    progress: {
      reportError: (report: ErrorReport) => {
        failures.push({ id: `error_${report.source}`, error: report.error, metadata: { ...report.metadata, source: report.source, code: report.code } });
        return {} as ProgressRecord;
      },
    },
    now: () => Date.now() + clock.offset,
    backoffMs: 5,
    maxBackoffMs: 20,
  });
  closers.push(
    () => dispatcher.close(),
    () => void db.close(),
  );
  return { store, dispatcher, failures, clock, webhook };
}

async function receiverWith(answer: (n: number) => number): Promise<WebhookReceiver> {
  const rx = await startWebhookReceiver({ secret: 's', answer });
  closers.push(() => rx.close());
  return rx;
}

describe('WebhookDispatcher retry window (injected clock)', () => {
  it('keeps retrying a failing receiver for more than an hour, then delivers', async () => {
    let r!: Rig;
    // Every attempt takes 10 minutes of the fake clock; 503 for 70 minutes, then 200.
    const rx = await receiverWith((n) => {
      r.clock.offset += 10 * MINUTE;
      return n <= 7 ? 503 : 200;
    });
    r = rig(rx.url);
    r.store.enqueue([{ webhookId: 'w1', seq: 5, cursor: '5', eventType: 'download_progress', body: '{"cursor":"5"}' }]);
    r.dispatcher.kick('w1');
    await rx.waitFor((all) => all.some((x) => x.status === 200), 'the delivery after 70 minutes of failures', 5_000);
    await expect.poll(() => r.store.get('w1')!.lastDelivery).toMatchObject({ cursor: '5', ok: true, httpStatus: 200, attempts: 8 });
    expect(rx.received).toHaveLength(8);
    expect(rx.received.every((x) => x.signatureValid)).toBe(true);
    expect(r.store.pendingCount('w1')).toBe(0);
    // Only the first failure was reported; nothing was given up.
    expect(r.failures.map((f) => f.metadata.willRetry)).toEqual([true]);
  });

  it('gives up past the retry window: the delivery is recorded failed and an ERROR says so; the next one goes', async () => {
    let r!: Rig;
    const rx = await receiverWith((n) => {
      r.clock.offset += 6 * HOUR;
      return n <= 5 ? 502 : 200;
    });
    r = rig(rx.url);
    r.store.enqueue([
      { webhookId: 'w1', seq: 1, cursor: '1', eventType: 'download_progress', body: '{"cursor":"1"}' },
      { webhookId: 'w1', seq: 2, cursor: '2', eventType: 'download_progress', body: '{"cursor":"2"}' },
    ]);
    r.dispatcher.kick('w1');
    await rx.waitFor((all) => all.some((x) => x.status === 200), 'the next delivery', 5_000);
    // First failure at 6 h; the window (24 h) is crossed at the 5th attempt (30 h).
    expect(rx.received.map((x) => x.body.cursor)).toEqual(['1', '1', '1', '1', '1', '2']);
    expect(r.failures.map((f) => f.metadata.willRetry)).toEqual([true, false]);
    expect(r.failures[1]!.id).toBe('error_webhook_w1');
    expect(r.failures[1]!.error).toMatch(/given up after 5 attempts/);
    await expect.poll(() => r.store.pendingCount('w1')).toBe(0);
  });

  it("the contract's timing: 10 s timeout, retried for at least an hour", () => {
    expect(WEBHOOK_TIMEOUT_MS).toBe(10_000);
    expect(WEBHOOK_RETRY_WINDOW_MS).toBeGreaterThanOrEqual(HOUR);
  });

  it('signs the raw body as sha256=<hex HMAC-SHA256>', () => {
    const body = '{"cursor":"1","type":"download_progress"}';
    const sig = signBody(body, 'k');
    // Known answer, from `printf '%s' "$body" | openssl dgst -sha256 -hmac k`.
    expect(sig).toBe('sha256=45deec678a65841e963c6ca11d0dfe0f4c93c0e52b6acf667cdb2f177168402b');
    expect(verifySignature(body, sig, 'k')).toBe(true);
    expect(verifySignature(body + ' ', sig, 'k')).toBe(false);
  });
});
