import type { Db } from './database.js';
import type { ProgressStatus, ProgressType } from '../domain/progress-types.js';
import { settleNow } from './settle-now.js';

/** How one delivery (or a test) went. `at` is epoch ms. */
export interface DeliveryRecord {
  cursor: string;
  /** HTTP status of the last attempt; null when it got no answer. */
  httpStatus: number | null;
  ok: boolean;
  attempts: number;
  at: number;
  error: string | null;
}

/** A registered webhook as persisted. The secret is kept to sign with and never shown. */
export interface WebhookRecord {
  id: string;
  url: string;
  /** Null: every type. */
  types: ProgressType[] | null;
  statuses: ProgressStatus[];
  secret: string | null;
  createdAt: number;
  lastDelivery: DeliveryRecord | null;
}

/** One event waiting to be delivered to one webhook: the exact body that will be signed and sent. */
export interface OutboxEntry {
  webhookId: string;
  seq: number;
  cursor: string;
  /** The event's type (X-Progress-Event). */
  eventType: string;
  body: string;
  attempts: number;
  /** When the first attempt failed (epoch ms), null while none has. */
  firstFailedAt: number | null;
  /** Not before this (epoch ms). */
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
}

export type OutboxRetry = Pick<OutboxEntry, 'attempts' | 'firstFailedAt' | 'nextAttemptAt' | 'lastStatus' | 'lastError'>;

/** What a webhook wants, as the outbox is filled: every type when `types` is null. */
export type WebhookFilter = Pick<WebhookRecord, 'types' | 'statuses'>;

/** Progress ids of webhook failures: never sent to webhooks, or a failing receiver would feed itself. */
export const WEBHOOK_ERROR_PREFIX = 'error_webhook_';

export type NewOutboxEntry = Omit<OutboxEntry, 'attempts' | 'firstFailedAt' | 'nextAttemptAt' | 'lastStatus' | 'lastError'>;

/**
 * Webhooks and their outbox, as both backends serve them (SQLite through `asyncWebhookStore`,
 * Redis). The outbox is filled where the log is written, atomically with it: with SQLite by
 * `enqueue`, called inside the transaction that appends the events
 * (ProgressService.addJournalWriter); with Redis by the journal's append script itself
 * (`enqueue` is then null).
 */
export interface AsyncWebhookStore {
  /** Shared by several instances: registrations change elsewhere (see onChange). */
  readonly shared: boolean;
  /** Synchronous, inside the log's transaction; null when the journal fills the outbox itself. */
  readonly enqueue: ((entries: readonly NewOutboxEntry[]) => void) | null;
  list(): Promise<WebhookRecord[]>;
  get(id: string): Promise<WebhookRecord | null>;
  /** Registers (or replaces) a webhook. */
  put(webhook: WebhookRecord): Promise<void>;
  /** Removes the webhook and everything waiting for it. */
  remove(id: string): Promise<void>;
  /** The oldest entry waiting for this webhook (deliveries go in cursor order). */
  next(webhookId: string): Promise<OutboxEntry | null>;
  pendingCount(webhookId: string): Promise<number>;
  /** A failed attempt that will be retried. */
  retryLater(webhookId: string, seq: number, retry: OutboxRetry): Promise<void>;
  /** The entry is done (delivered, or failed for good): it leaves the outbox and becomes lastDelivery. */
  finish(webhookId: string, seq: number, delivery: DeliveryRecord): Promise<void>;
  /** Calls `listener` when webhooks may have been added or removed elsewhere; returns its remover. */
  onChange(listener: () => void): () => void;
}

/** Webhooks and their outbox (synchronous: SQLite). */
export interface WebhookStore {
  list(): WebhookRecord[];
  get(id: string): WebhookRecord | null;
  put(webhook: WebhookRecord): void;
  /** Removes the webhook and everything waiting for it. */
  remove(id: string): void;
  enqueue(entries: readonly NewOutboxEntry[]): void;
  /** The oldest entry waiting for this webhook (deliveries go in cursor order). */
  next(webhookId: string): OutboxEntry | null;
  pendingCount(webhookId: string): number;
  /** A failed attempt that will be retried. */
  retryLater(webhookId: string, seq: number, retry: OutboxRetry): void;
  /** The entry is done (delivered, or failed for good): it leaves the outbox and becomes lastDelivery. */
  finish(webhookId: string, seq: number, delivery: DeliveryRecord): void;
}

/** The SQLite webhooks behind the asynchronous interface (each promise settles in the same turn). */
export function asyncWebhookStore(store: WebhookStore): AsyncWebhookStore {
  return {
    shared: false,
    enqueue: (entries) => store.enqueue(entries),
    list: () => settleNow(() => store.list()),
    get: (id) => settleNow(() => store.get(id)),
    put: (webhook) => settleNow(() => store.put(webhook)),
    remove: (id) => settleNow(() => store.remove(id)),
    next: (id) => settleNow(() => store.next(id)),
    pendingCount: (id) => settleNow(() => store.pendingCount(id)),
    retryLater: (id, seq, retry) => settleNow(() => store.retryLater(id, seq, retry)),
    finish: (id, seq, delivery) => settleNow(() => store.finish(id, seq, delivery)),
    onChange: () => () => undefined,
  };
}

interface OutboxRow {
  webhook_id: string;
  seq: number;
  cursor: string;
  event_type: string;
  body: string;
  attempts: number;
  first_failed_at: number | null;
  next_attempt_at: number;
  last_status: number | null;
  last_error: string | null;
}

const toEntry = (r: OutboxRow): OutboxEntry => ({
  webhookId: r.webhook_id,
  seq: r.seq,
  cursor: r.cursor,
  eventType: r.event_type,
  body: r.body,
  attempts: r.attempts,
  firstFailedAt: r.first_failed_at,
  nextAttemptAt: r.next_attempt_at,
  lastStatus: r.last_status,
  lastError: r.last_error,
});

export class SqliteWebhookStore implements WebhookStore {
  private readonly db: Db;
  private readonly stmts;

  constructor(db: Db) {
    this.db = db;
    this.stmts = {
      list: db.prepare<[], { payload: string }>('SELECT payload FROM webhooks ORDER BY created_at, id'),
      get: db.prepare<[string], { payload: string }>('SELECT payload FROM webhooks WHERE id = ?'),
      put: db.prepare<[string, number, string]>(
        'INSERT INTO webhooks (id, created_at, payload) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET payload = excluded.payload',
      ),
      remove: db.prepare<[string]>('DELETE FROM webhooks WHERE id = ?'),
      clear: db.prepare<[string]>('DELETE FROM webhook_outbox WHERE webhook_id = ?'),
      insert: db.prepare<[string, number, string, string, string]>(
        'INSERT OR IGNORE INTO webhook_outbox (webhook_id, seq, cursor, event_type, body) VALUES (?, ?, ?, ?, ?)',
      ),
      next: db.prepare<[string], OutboxRow>('SELECT * FROM webhook_outbox WHERE webhook_id = ? ORDER BY seq LIMIT 1'),
      count: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM webhook_outbox WHERE webhook_id = ?'),
      retry: db.prepare<[number, number | null, number, number | null, string | null, string, number]>(
        `UPDATE webhook_outbox SET attempts = ?, first_failed_at = ?, next_attempt_at = ?, last_status = ?, last_error = ?
         WHERE webhook_id = ? AND seq = ?`,
      ),
      done: db.prepare<[string, number]>('DELETE FROM webhook_outbox WHERE webhook_id = ? AND seq = ?'),
    };
  }

  list(): WebhookRecord[] {
    return this.stmts.list.all().map((r) => JSON.parse(r.payload) as WebhookRecord);
  }

  get(id: string): WebhookRecord | null {
    const row = this.stmts.get.get(id);
    return row ? (JSON.parse(row.payload) as WebhookRecord) : null;
  }

  put(webhook: WebhookRecord): void {
    this.stmts.put.run(webhook.id, webhook.createdAt, JSON.stringify(webhook));
  }

  remove(id: string): void {
    this.db.transaction(() => {
      this.stmts.clear.run(id);
      this.stmts.remove.run(id);
    })();
  }

  enqueue(entries: readonly NewOutboxEntry[]): void {
    this.db.transaction(() => {
      for (const e of entries) this.stmts.insert.run(e.webhookId, e.seq, e.cursor, e.eventType, e.body);
    })();
  }

  next(webhookId: string): OutboxEntry | null {
    const row = this.stmts.next.get(webhookId);
    return row ? toEntry(row) : null;
  }

  pendingCount(webhookId: string): number {
    return this.stmts.count.get(webhookId)?.n ?? 0;
  }

  retryLater(webhookId: string, seq: number, r: OutboxRetry): void {
    this.stmts.retry.run(r.attempts, r.firstFailedAt, r.nextAttemptAt, r.lastStatus, r.lastError, webhookId, seq);
  }

  finish(webhookId: string, seq: number, delivery: DeliveryRecord): void {
    this.db.transaction(() => {
      this.stmts.done.run(webhookId, seq);
      const row = this.stmts.get.get(webhookId);
      if (!row) return;
      const webhook = JSON.parse(row.payload) as WebhookRecord;
      this.put({ ...webhook, lastDelivery: delivery });
    })();
  }
}
