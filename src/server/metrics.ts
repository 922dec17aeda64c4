import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { DropTally } from '../services/live-queue.js';
import type { ProgressService } from '../services/progress-service.js';
import { PROGRESS_TYPES, type ProgressEvent } from '../domain/progress-types.js';
import { UNAUTHENTICATED_BODY, UNAUTHENTICATED_HEADERS } from './auth.js';

export interface AppMetrics {
  registry: Registry;
  wsConnections: Gauge;
  wsSubscriptions: Gauge;
  /** Stops listening to ProgressService. */
  detach(): void;
}

/**
 * Prometheus metrics for one app instance (its own registry, so several apps in one test
 * process do not collide). Progress metrics come from a ProgressService subscriber.
 */
export function createMetrics(progress: ProgressService, drops?: DropTally): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  if (drops) {
    new Counter({
      name: 'progress_subscriber_events_dropped_total',
      help:
        'Events not delivered to subscribers that did not keep up, by reason: conflated (a newer state of the same ' +
        'operation replaced it), overflow (too many operations waiting: the oldest went), disconnected (still waiting ' +
        'when a subscriber that stopped reading was cut off).',
      labelNames: ['reason'] as const,
      registers: [registry],
      collect() {
        // The tally only grows: expose it as it is.
        this.reset();
        for (const [reason, n] of Object.entries(drops.counts)) this.inc({ reason }, n);
      },
    });
  }
  const events = new Counter({
    name: 'progress_events_total',
    help: 'Progress events broadcast, by progress type and status.',
    labelNames: ['type', 'status'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'progress_active_operations',
    help: 'Operations not yet finished, by progress type.',
    labelNames: ['type'] as const,
    registers: [registry],
    collect() {
      const counts = new Map<string, number>(PROGRESS_TYPES.map((t) => [t, 0]));
      for (const r of progress.getActive()) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
      for (const [type, n] of counts) this.set({ type }, n);
    },
  });
  new Gauge({
    name: 'progress_unwritten_events',
    help: 'Progress events waiting for the journal (Redis away), conflated per operation and bounded.',
    registers: [registry],
    collect() {
      this.set(progress.unwrittenStats().held);
    },
  });
  new Counter({
    name: 'progress_unwritten_updates_dropped_total',
    help: 'In-between progress updates dropped because the journal could not be written and the buffer was full.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(progress.unwrittenStats().dropped);
    },
  });
  const wsConnections = new Gauge({
    name: 'graphql_ws_connections',
    help: 'Open graphql-ws WebSocket connections.',
    registers: [registry],
  });
  const wsSubscriptions = new Gauge({
    name: 'graphql_ws_subscriptions',
    help: 'Running operations (subscriptions) over graphql-ws.',
    registers: [registry],
  });
  const onEvent = (e: ProgressEvent) => {
    events.inc({ type: e.progress.type, status: e.progress.status });
  };
  progress.subscribe('progress', onEvent);
  return { registry, wsConnections, wsSubscriptions, detach: () => progress.unsubscribe('progress', onEvent) };
}

/**
 * Answers GET /metrics: the Prometheus text, to a caller with the API token when one is set
 * (the metrics tell what runs, how much and how often; a scraper sends the same
 * `Authorization: Bearer <token>` as any client).
 */
export function serveMetrics(
  metrics: AppMetrics,
  req: IncomingMessage,
  res: ServerResponse,
  { checkToken, logger }: { checkToken: (authorization: unknown) => boolean; logger: Logger },
): void {
  if (!checkToken(req.headers.authorization)) {
    res.writeHead(401, UNAUTHENTICATED_HEADERS).end(UNAUTHENTICATED_BODY);
    return;
  }
  metrics.registry.metrics().then(
    (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
    (err: unknown) => {
      logger.error({ err }, 'metrics failed');
      res.writeHead(500).end();
    },
  );
}
