import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import { backoffDelay, parseRetryAfter } from '../core/backoff.js';
import { errorMessage } from '../core/errors.js';
import type { AsyncWebhookStore, DeliveryRecord, OutboxEntry, WebhookRecord } from '../store/webhook-store.js';
import type { ProgressService } from './progress-service.js';

/** A receiver that has not answered within this long counts as failed (retried). The contract's 10 s. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** First retry delay; doubled per failed attempt. */
export const WEBHOOK_BACKOFF_MS = 1_000;
/** Longest delay between two attempts (also caps Retry-After). */
export const WEBHOOK_MAX_BACKOFF_MS = 5 * 60_000;
/**
 * How long a delivery is retried after its first failure before it is given up. The contract
 * asks for at least an hour; a day covers a receiver that is down overnight.
 */
export const WEBHOOK_RETRY_WINDOW_MS = 24 * 60 * 60_000;
/**
 * With a shared store (several instances), how often an idle delivery loop looks at its outbox
 * anyway: a wake-up may be missed (the journal fills the outbox on Redis; the runner learns of it
 * from the delivered events, which a reconnect can skip), and this bounds the delay.
 */
export const WEBHOOK_SHARED_POLL_MS = 5_000;
/** Error code of `error_webhook_{id}` events. */
export const WEBHOOK_ERROR_CODE = 'WEBHOOK_DELIVERY_FAILED';

export interface PostResult {
  /** delivered: 2xx; retry: network error, timeout, 408, 429 or 5xx; failed: any other answer. */
  outcome: 'delivered' | 'retry' | 'failed';
  httpStatus: number | null;
  error: string | null;
  /** From Retry-After, ms. */
  retryAfterMs?: number;
}

/** `sha256=<hex HMAC-SHA256 of the raw body with the secret>`: the X-Progress-Signature header. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** One POST of a body as the contract says (headers, signature); never throws. */
export async function postWebhook(options: {
  url: string;
  body: string;
  eventType: string;
  cursor: string;
  secret: string | null;
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<PostResult> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'anime-progress-webhook',
    'x-progress-event': options.eventType,
    'x-progress-delivery': options.cursor,
  };
  if (options.secret !== null) headers['x-progress-signature'] = signBody(options.body, options.secret);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const res = await fetch(options.url, { method: 'POST', headers, body: options.body, signal, redirect: 'manual' });
    // The answer's body means nothing to us: let the connection go.
    await res.body?.cancel().catch(() => undefined);
    const status = res.status;
    if (status >= 200 && status < 300) return { outcome: 'delivered', httpStatus: status, error: null };
    const retry = status === 408 || status === 429 || status >= 500;
    const retryAfterMs = retry ? parseRetryAfter(res.headers.get('retry-after')) : undefined;
    return {
      outcome: retry ? 'retry' : 'failed',
      httpStatus: status,
      error: `the receiver answered HTTP ${status}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  } catch (err) {
    const why = timeout.aborted
      ? `no answer within ${options.timeoutMs / 1000} s`
      : `could not reach the receiver: ${errorMessage((err as { cause?: unknown }).cause ?? err)}`;
    return { outcome: 'retry', httpStatus: null, error: why };
  }
}

export interface WebhookDispatcherOptions {
  store: AsyncWebhookStore;
  progress: Pick<ProgressService, 'reportError'>;
  logger: Logger;
  /** How often an idle loop looks at its outbox without being woken; null: only when woken. @default null */
  pollMs?: number | null;
  /** Clock in epoch ms; tests inject one to cross the retry window. @default Date.now */
  now?: () => number;
  /** @default WEBHOOK_TIMEOUT_MS */
  timeoutMs?: number;
  /** @default WEBHOOK_BACKOFF_MS */
  backoffMs?: number;
  /** @default WEBHOOK_MAX_BACKOFF_MS */
  maxBackoffMs?: number;
  /** @default WEBHOOK_RETRY_WINDOW_MS */
  retryWindowMs?: number;
}

interface Loop {
  controller: AbortController;
  /** Set when there is news (a new entry, a removal); the loop looks again at once. */
  kicked: boolean;
  wake: (() => void) | null;
  done: Promise<void>;
}

/**
 * Delivers each webhook's outbox, oldest first, one request at a time per webhook: the next
 * event waits until the one before it is delivered or given up (cursor order). A failed
 * attempt that may heal is retried with exponential backoff until WEBHOOK_RETRY_WINDOW_MS
 * after its first failure; the outbox row keeps the attempts and the next attempt's time,
 * so a restart carries on where the last process left off.
 */
export class WebhookDispatcher {
  private readonly o: Required<Omit<WebhookDispatcherOptions, 'store' | 'progress' | 'logger'>> &
    Pick<WebhookDispatcherOptions, 'store' | 'progress' | 'logger'>;
  private readonly loops = new Map<string, Loop>();
  private closed = false;

  constructor(options: WebhookDispatcherOptions) {
    this.o = {
      now: Date.now,
      timeoutMs: WEBHOOK_TIMEOUT_MS,
      backoffMs: WEBHOOK_BACKOFF_MS,
      maxBackoffMs: WEBHOOK_MAX_BACKOFF_MS,
      retryWindowMs: WEBHOOK_RETRY_WINDOW_MS,
      pollMs: null,
      ...options,
    };
  }

  /** Makes sure a loop delivers this webhook's outbox, and has it look now. */
  kick(id: string): void {
    if (this.closed) return;
    const loop = this.loops.get(id);
    if (loop) {
      loop.kicked = true;
      loop.wake?.();
      return;
    }
    const created: Loop = { controller: new AbortController(), kicked: true, wake: null, done: Promise.resolve() };
    this.loops.set(id, created);
    created.done = this.run(id, created)
      .catch((err: unknown) => this.o.logger.error({ err, webhookId: id }, 'webhook delivery loop failed'))
      .finally(() => {
        if (this.loops.get(id) === created) this.loops.delete(id);
      });
  }

  /** Stops delivering to a removed webhook (an attempt in flight is aborted). */
  drop(id: string): void {
    const loop = this.loops.get(id);
    if (!loop) return;
    this.loops.delete(id);
    loop.controller.abort();
    loop.wake?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    const loops = [...this.loops.values()];
    for (const loop of loops) {
      loop.controller.abort();
      loop.wake?.();
    }
    await Promise.all(loops.map((l) => l.done));
  }

  private async run(id: string, loop: Loop): Promise<void> {
    const { signal } = loop.controller;
    while (!signal.aborted) {
      loop.kicked = false;
      let webhook: WebhookRecord | null;
      let entry: OutboxEntry | null;
      try {
        webhook = await this.o.store.get(id);
        if (!webhook) return;
        entry = await this.o.store.next(id);
      } catch (err) {
        // The shared store is away: look again later.
        this.o.logger.warn({ err, webhookId: id }, 'could not read the webhook outbox; retrying');
        await this.idle(loop, this.o.pollMs ?? this.o.backoffMs);
        continue;
      }
      if (signal.aborted) return;
      if (!entry) {
        await this.idle(loop, this.o.pollMs);
        continue;
      }
      const wait = entry.nextAttemptAt - this.o.now();
      if (wait > 0) {
        await this.idle(loop, this.o.pollMs === null ? wait : Math.min(wait, this.o.pollMs));
        continue;
      }
      try {
        await this.attempt(webhook, entry, signal);
      } catch (err) {
        // Delivered or not, its outcome could not be kept (the shared store is away): the entry
        // stays and is tried again (at least once, as after a crash).
        this.o.logger.warn({ err, webhookId: id }, 'could not record a webhook delivery; retrying');
        await this.idle(loop, this.o.pollMs ?? this.o.backoffMs);
      }
    }
  }

  /** Waits for a kick, an abort, or `ms` (null: no time limit). */
  private idle(loop: Loop, ms: number | null): Promise<void> {
    if (loop.kicked || loop.controller.signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = ms === null ? null : setTimeout(() => done(), Math.min(ms, 2 ** 31 - 1));
      const done = () => {
        if (timer) clearTimeout(timer);
        loop.wake = null;
        resolve();
      };
      loop.wake = done;
    });
  }

  private async attempt(webhook: WebhookRecord, entry: OutboxEntry, signal: AbortSignal): Promise<void> {
    const result = await postWebhook({
      url: webhook.url,
      body: entry.body,
      eventType: entry.eventType,
      cursor: entry.cursor,
      secret: webhook.secret,
      timeoutMs: this.o.timeoutMs,
      signal,
    });
    // Removed or shutting down meanwhile: the row (if any) stays for the next start.
    if (signal.aborted || !(await this.o.store.get(webhook.id))) return;
    const now = this.o.now();
    const attempts = entry.attempts + 1;
    const firstFailedAt = entry.firstFailedAt ?? now;
    const delivery = (ok: boolean): DeliveryRecord => ({
      cursor: entry.cursor,
      httpStatus: result.httpStatus,
      ok,
      attempts,
      at: now,
      error: result.error,
    });
    if (result.outcome === 'delivered') {
      await this.o.store.finish(webhook.id, entry.seq, delivery(true));
      return;
    }
    if (result.outcome === 'retry' && now - firstFailedAt < this.o.retryWindowMs) {
      const delayMs = Math.min(this.o.maxBackoffMs, result.retryAfterMs ?? backoffDelay(attempts, this.o.backoffMs, this.o.maxBackoffMs));
      await this.o.store.retryLater(webhook.id, entry.seq, {
        attempts,
        firstFailedAt,
        nextAttemptAt: now + delayMs,
        lastStatus: result.httpStatus,
        lastError: result.error,
      });
      this.o.logger.warn({ webhookId: webhook.id, cursor: entry.cursor, attempts, delayMs, error: result.error }, 'webhook delivery failed; retrying');
      // The first failure of a delivery says so; the retries after it do not repeat it.
      if (attempts === 1) this.report(webhook, entry, result, attempts, true);
      return;
    }
    await this.o.store.finish(webhook.id, entry.seq, delivery(false));
    this.o.logger.warn({ webhookId: webhook.id, cursor: entry.cursor, attempts, error: result.error }, 'webhook delivery failed for good');
    this.report(webhook, entry, result, attempts, false);
  }

  private report(webhook: WebhookRecord, entry: OutboxEntry, result: PostResult, attempts: number, willRetry: boolean): void {
    const why = result.error ?? 'delivery failed';
    const error = willRetry
      ? `delivery of event ${entry.cursor} to ${webhook.url} failed (${why}); retrying with backoff`
      : result.outcome === 'retry'
        ? `delivery of event ${entry.cursor} to ${webhook.url} given up after ${attempts} attempts over ${Math.round(this.o.retryWindowMs / 60_000)} minutes (${why})`
        : `delivery of event ${entry.cursor} to ${webhook.url} failed (${why}); not retried`;
    this.o.progress.reportError({
      source: `webhook_${webhook.id}`,
      code: WEBHOOK_ERROR_CODE,
      error,
      title: `Webhook ${webhook.url}`,
      metadata: {
        webhookId: webhook.id,
        url: webhook.url,
        cursor: entry.cursor,
        httpStatus: result.httpStatus,
        attempts,
        willRetry,
      },
    });
  }
}
