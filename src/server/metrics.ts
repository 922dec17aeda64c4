import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ProgressService } from '../services/progress-service.js';
import { PROGRESS_TYPES, type ProgressEvent } from '../services/progress-types.js';
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
export function createMetrics(progress: ProgressService): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
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
