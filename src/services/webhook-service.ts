import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { WEBHOOK_ERROR_PREFIX, type AsyncWebhookStore, type DeliveryRecord, type WebhookRecord } from '../store/webhook-store.js';
import { BadInputError, NotFoundError } from './errors.js';
import type { ProgressService } from './progress-service.js';
import {
  PROGRESS_STATUSES,
  PROGRESS_TYPES,
  type ProgressEvent,
  type ProgressRecord,
  type ProgressStatus,
  type ProgressType,
} from '../domain/progress-types.js';
import { WEBHOOK_SHARED_POLL_MS, WEBHOOK_TIMEOUT_MS, WebhookDispatcher, postWebhook, type WebhookDispatcherOptions } from './webhook-delivery.js';

/** Statuses a webhook receives when none are given: the outcomes. */
export const DEFAULT_WEBHOOK_STATUSES: readonly ProgressStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];
/** Most webhooks registered at once. */
export const MAX_WEBHOOKS = 100;
export const MAX_WEBHOOK_URL_LENGTH = 2_048;
export const MAX_WEBHOOK_SECRET_LENGTH = 1_024;

/** A webhook as the API shows it: the secret only as `signed`. */
export interface WebhookView {
  id: string;
  url: string;
  types: ProgressType[] | null;
  statuses: ProgressStatus[];
  signed: boolean;
  pending: number;
  lastDelivery: DeliveryRecord | null;
}

export interface AddWebhookInput {
  url: string;
  types?: readonly ProgressType[] | null;
  statuses?: readonly ProgressStatus[] | null;
  secret?: string | null;
}

export interface WebhookServiceOptions {
  store: AsyncWebhookStore;
  progress: ProgressService;
  logger: Logger;
  /** Retry timing and clock of the deliveries; tests shorten them. */
  delivery?: Omit<WebhookDispatcherOptions, 'store' | 'progress' | 'logger'>;
}

/** The body of a delivery: the ProgressEvent as the API gives it (dates as ISO strings). */
export function webhookBody(event: Pick<ProgressEvent, 'cursor' | 'type' | 'progress'>): string {
  return JSON.stringify({ cursor: event.cursor, type: event.type, progress: apiProgress(event.progress) });
}

function apiProgress(p: ProgressRecord): Record<string, unknown> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return { ...p, startedAt: iso(p.startedAt), updatedAt: iso(p.updatedAt), completedAt: iso(p.completedAt) };
}

/**
 * Webhooks: registration, and an outbox filled atomically with the event log (so no matching
 * event can be logged without being queued for delivery, even across a crash), delivered by a
 * WebhookDispatcher on the instance that runs the queue only (startDelivering/stopDelivering,
 * called as it becomes and stops being the runner), so each event reaches each webhook once
 * however many instances share the log.
 */
export class WebhookService {
  private readonly store: AsyncWebhookStore;
  private readonly progress: ProgressService;
  private readonly logger: Logger;
  /**
   * Registrations as last loaded. With SQLite it is exact and fills the outbox; with a shared
   * store it only says which delivery loops to wake (reloaded on every change notice).
   */
  private webhooks = new Map<string, WebhookRecord>();
  private readonly deliveryOptions: WebhookServiceOptions['delivery'];
  private dispatcher: WebhookDispatcher | null = null;
  private readonly timeoutMs: number | undefined;
  /** Webhooks that got outbox entries since the last kick. */
  private readonly touched = new Set<string>();
  private readonly detach: Array<() => void> = [];
  private readonly stopWatching: () => void;
  private reloading: Promise<void> = Promise.resolve();

  constructor(options: WebhookServiceOptions) {
    this.store = options.store;
    this.progress = options.progress;
    this.logger = options.logger;
    this.timeoutMs = options.delivery?.timeoutMs;
    this.deliveryOptions = options.delivery;
    // Stays attached until the end: the last events of a shutdown still reach the outbox.
    this.progress.addJournalWriter((batch) => this.fillOutbox(batch));
    this.stopWatching = this.store.onChange(() => {
      this.reload().catch((err: unknown) => this.logger.warn({ err }, 'could not load the webhooks changed elsewhere'));
    });
  }

  /** Loads the registered webhooks (before the first event of this start is logged). */
  async open(): Promise<void> {
    await this.reload();
  }

  private reload(): Promise<void> {
    this.reloading = this.reloading.catch(() => undefined).then(async () => {
      this.webhooks = new Map((await this.store.list()).map((w) => [w.id, w]));
      if (this.dispatcher) for (const id of this.webhooks.keys()) this.dispatcher.kick(id);
    });
    return this.reloading;
  }

  /** Starts delivering what waits (from before a restart or a failover, too) and what comes. */
  startDelivering(): void {
    if (this.dispatcher) return;
    const dispatcher = new WebhookDispatcher({
      ...(this.store.shared ? { pollMs: WEBHOOK_SHARED_POLL_MS } : {}),
      ...this.deliveryOptions,
      store: this.store,
      progress: this.progress,
      logger: this.logger,
    });
    this.dispatcher = dispatcher;
    const kick = () => {
      for (const id of this.touched) dispatcher.kick(id);
      this.touched.clear();
    };
    this.progress.subscribe('progress', kick);
    this.detach.push(() => this.progress.unsubscribe('progress', kick));
    for (const id of this.webhooks.keys()) dispatcher.kick(id);
    // Registered elsewhere since the last load: a fresh list (a failover needs no notice).
    if (this.store.shared) this.reload().catch((err: unknown) => this.logger.warn({ err }, 'could not load the webhooks'));
  }

  /** Stops delivering here (an attempt in flight is aborted and retried by the next runner). */
  async stopDelivering(): Promise<void> {
    for (const d of this.detach.splice(0)) d();
    const dispatcher = this.dispatcher;
    this.dispatcher = null;
    await dispatcher?.close();
  }

  async close(): Promise<void> {
    this.stopWatching();
    await this.stopDelivering();
  }

  async list(): Promise<WebhookView[]> {
    return Promise.all((await this.store.list()).map((w) => this.view(w)));
  }

  /** Registers a webhook; it receives matching events from now on. */
  async add(input: AddWebhookInput): Promise<WebhookView> {
    const url = checkUrl(input.url);
    const types = input.types == null ? null : checkList('types', input.types, PROGRESS_TYPES);
    const statuses = input.statuses == null ? [...DEFAULT_WEBHOOK_STATUSES] : checkList('statuses', input.statuses, PROGRESS_STATUSES);
    const secret = input.secret ?? null;
    if (secret !== null && (secret.length === 0 || secret.length > MAX_WEBHOOK_SECRET_LENGTH)) {
      throw new BadInputError(`secret: 1 to ${MAX_WEBHOOK_SECRET_LENGTH} characters (omit it for unsigned deliveries)`);
    }
    if ((await this.store.list()).length >= MAX_WEBHOOKS) throw new BadInputError(`at most ${MAX_WEBHOOKS} webhooks; remove one first`);
    const webhook: WebhookRecord = {
      id: randomBytes(8).toString('hex'),
      url,
      types,
      statuses,
      secret,
      createdAt: Date.now(),
      lastDelivery: null,
    };
    // Events already broadcast go to the log (and outboxes) before this webhook joins; then it
    // is in the cache before any later batch is written (SQLite: in this same turn).
    this.progress.flush();
    const saved = this.store.put(webhook);
    this.webhooks.set(webhook.id, webhook);
    try {
      await saved;
    } catch (err) {
      this.webhooks.delete(webhook.id);
      throw err;
    }
    this.logger.info({ webhookId: webhook.id, url, types, statuses, signed: secret !== null }, 'webhook added');
    return this.view(webhook);
  }

  /** Removes a webhook and what waits for it; false when there is none with this id. */
  async remove(id: string): Promise<boolean> {
    if (!(await this.store.get(id))) return false;
    this.webhooks.delete(id);
    this.dispatcher?.drop(id);
    await this.store.remove(id);
    this.logger.info({ webhookId: id }, 'webhook removed');
    return true;
  }

  /** Sends a test event now (outside the queue of real events) and says how it went. */
  async test(id: string): Promise<DeliveryRecord> {
    const webhook = await this.store.get(id);
    if (!webhook) throw new NotFoundError(`no webhook with id "${id}"`);
    const now = Date.now();
    const cursor = `test-${randomBytes(6).toString('hex')}`;
    const progress: ProgressRecord = {
      id: 'webhook_test',
      type: 'SYSTEM',
      status: 'COMPLETED',
      title: 'Webhook test',
      message: 'A test delivery from anime-progress',
      percent: 100,
      current: 0,
      total: null,
      speed: null,
      eta: null,
      error: null,
      metadata: { test: true, webhookId: id },
      startedAt: now,
      updatedAt: now,
      completedAt: now,
    };
    const type = 'system_progress';
    const result = await postWebhook({
      url: webhook.url,
      body: webhookBody({ cursor, type, progress }),
      eventType: type,
      cursor,
      secret: webhook.secret,
      timeoutMs: this.timeoutMs ?? WEBHOOK_TIMEOUT_MS,
    });
    return { cursor, httpStatus: result.httpStatus, ok: result.outcome === 'delivered', attempts: 1, at: Date.now(), error: result.error };
  }

  private async view(w: WebhookRecord): Promise<WebhookView> {
    // Deliveries update the stored record, not a copy held here.
    const [pending, stored] = await Promise.all([this.store.pendingCount(w.id), this.store.get(w.id)]);
    return {
      id: w.id,
      url: w.url,
      types: w.types,
      statuses: w.statuses,
      signed: w.secret !== null,
      pending,
      lastDelivery: stored?.lastDelivery ?? null,
    };
  }

  /**
   * With every batch of the log. SQLite: inside the log's transaction, queues each event for
   * every webhook it matches. Shared store (the journal filled the outboxes): only notes which
   * webhooks have news, to wake their delivery loops.
   */
  private fillOutbox(batch: readonly ProgressEvent[]): void {
    if (this.webhooks.size === 0) return;
    const entries = [];
    for (const event of batch) {
      const p = event.progress;
      if (p.id.startsWith(WEBHOOK_ERROR_PREFIX)) continue;
      let body: string | null = null;
      for (const w of this.webhooks.values()) {
        if (w.types !== null && !w.types.includes(p.type)) continue;
        if (!w.statuses.includes(p.status)) continue;
        this.touched.add(w.id);
        if (!this.store.enqueue) continue;
        body ??= webhookBody(event);
        entries.push({ webhookId: w.id, seq: event.seq, cursor: event.cursor, eventType: event.type, body });
      }
    }
    if (entries.length) this.store.enqueue!(entries);
    // Shared store: the events are in the outboxes already (no transaction to wait for).
    if (!this.store.enqueue && this.dispatcher) {
      for (const id of this.touched) this.dispatcher.kick(id);
      this.touched.clear();
    }
  }
}

function checkUrl(raw: string): string {
  const text = raw.trim();
  if (text.length === 0 || text.length > MAX_WEBHOOK_URL_LENGTH) {
    throw new BadInputError(`url: 1 to ${MAX_WEBHOOK_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BadInputError(`url: "${text}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BadInputError(`url: only http: and https: URLs, got ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new BadInputError('url: must not hold a user name or password (give a secret to sign deliveries instead)');
  }
  if (!url.hostname) throw new BadInputError(`url: "${text}" names no host`);
  // Kept as given (trimmed): what the user registered is what they see.
  return text;
}

function checkList<T extends string>(name: string, list: readonly T[], all: readonly T[]): T[] {
  if (list.length === 0) throw new BadInputError(`${name}: give at least one, or omit it`);
  const unique = [...new Set(list)];
  const unknown = unique.filter((x) => !all.includes(x));
  if (unknown.length) throw new BadInputError(`${name}: unknown ${unknown.join(', ')}`);
  return unique;
}
