import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { DEFAULT_AUTO_SCAN_INTERVAL, DEFAULT_STALL_TIMEOUT, isLoopback, type AppConfig } from './config.js';
import { createLogger } from './logger.js';
import type { GraphQLError } from 'graphql';
import { createTokenCheck } from './server/auth.js';
import { createDashboardHandler } from './server/dashboard.js';
import { maskError } from './server/errors.js';
import { ProgressFanout, type FanoutOptions } from './server/fanout.js';
import { withCompression } from './server/compression.js';
import { createGraphiQLAssets } from './server/graphiql-assets.js';
import { createMetrics, serveMetrics } from './server/metrics.js';
import { attachProgressLogging } from './server/progress-logging.js';
import { createRequestGuard, refuseRequest } from './server/request-guard.js';
import { attachWebSocket } from './server/websocket.js';
import { createYogaServer } from './server/yoga.js';
import { createCatalogClient, type CatalogClient } from './core/catalog-client.js';
import { startDemoCatalog, type DemoCatalog } from './demo/demo-catalog.js';
import { DEFAULT_RETRY_BUDGET_MS, STALL_RETRY_MARGIN_MS } from './core/downloader.js';
import { TokenBucket } from './core/rate-limiter.js';
import { SeriesApp } from './core/series-app.js';
import { AutoScanScheduler } from './services/auto-scan.js';
import { SettingsService } from './services/settings-service.js';
import { WebhookService, type WebhookServiceOptions } from './services/webhook-service.js';
import { AnimeService } from './services/anime-service.js';
import { DownloadService } from './services/download-service.js';
import { DropTally } from './services/live-queue.js';
import { monitorCatalog } from './services/catalog-monitor.js';
import { createInProcessPubSub } from './services/progress-pubsub.js';
import { announceShutdown, completeShutdown } from './services/system-progress.js';
import { ProgressService } from './services/progress-service.js';
import { ServiceInfoService } from './services/service-info.js';
import { createRedisBackend, createSqliteBackend, type Backend } from './backends.js';
import { runnerHooks } from './runner.js';

/**
 * Time the shutdown notice gets to reach subscribers whose events go out asynchronously
 * (SSE, non-fan-out WebSocket operations) before connections close. The fan-out writes it
 * at once.
 */
export const SHUTDOWN_NOTICE_MS = 100;

export interface AppOptions {
  /** Logger to use; tests pass a silent one. @default a pino logger at config.logLevel */
  logger?: Logger;
  /** Prefix of every Redis key (tests share one Redis between apps). @default DEFAULT_REDIS_PREFIX */
  redisKeyPrefix?: string;
  /** Back-pressure limits of the WebSocket fan-out. @default the FANOUT_* constants */
  fanout?: Pick<FanoutOptions, 'highWaterBytes' | 'lowWaterBytes' | 'stallTimeoutMs' | 'closeGraceMs'>;
  /** The built dashboard served at `/`. @default DASHBOARD_BUILD_DIR (src/dashboard/dist) */
  dashboardDir?: string;
  /** Webhook retry timing and clock. @default the WEBHOOK_* constants and Date.now */
  webhookDelivery?: WebhookServiceOptions['delivery'];
}

export interface App {
  /** Binds the port; resolves with the address actually bound (port 0 picks one). */
  start(): Promise<{ url: string; port: number; host: string }>;
  /** Stops accepting, closes sockets, writes what is pending, closes the database. */
  stop(): Promise<void>;
  readonly config: AppConfig;
  readonly progress: ProgressService;
  readonly anime: AnimeService;
  readonly downloads: DownloadService;
  readonly settings: SettingsService;
  readonly autoScan: AutoScanScheduler;
  readonly webhooks: WebhookService;
  readonly fanout: ProgressFanout;
  readonly logger: Logger;
  /** The catalog in use: CATALOG_URL, or the built-in demo's address once started. */
  readonly catalogUrl: string | null;
}

/** Builds one isolated instance of the service: its own database, PubSub, servers. */
export function createApp(config: AppConfig, options: AppOptions = {}): App {
  const logger = options.logger ?? createLogger(config.logLevel, config.logFormat);
  const backend: Backend = config.redisUrl ? createRedisBackend(config, logger, options.redisKeyPrefix) : createSqliteBackend(config);
  // Events dropped for slow subscribers (stream and fan-out paths), for the metrics.
  const drops = new DropTally();
  const progress = new ProgressService({
    drops,
    journal: backend.journal,
    pubsub: createInProcessPubSub(),
    logger: logger.child({ component: 'progress-service' }),
    throttleMs: config.throttleMs,
    historyLimit: config.historyLimit,
    eventLogRetention: config.eventLogRetention,
  });
  // The demo catalog binds a port in start(); until then there is no catalog to ask.
  let catalogClient: CatalogClient | null = config.catalogUrl ? createCatalogClient({ baseUrl: config.catalogUrl }) : null;
  let demo: DemoCatalog | null = null;
  const currentCatalog = () => {
    if (!catalogClient) throw new Error('the catalog is not available before start()');
    return catalogClient;
  };
  // A catalog that cannot be reached is reported as error_catalog.
  const catalog: CatalogClient = monitorCatalog(
    {
      get baseUrl() {
        return currentCatalog().baseUrl;
      },
      getSeries: (key, opts) => currentCatalog().getSeries(key, opts),
      search: (q, opts) => currentCatalog().search(q, opts),
    },
    progress,
  );
  const settings = new SettingsService({
    store: backend.settings,
    defaults: {
      speedLimit: config.speedLimit || null,
      autoScanInterval: config.autoScanInterval ?? DEFAULT_AUTO_SCAN_INTERVAL,
      downloadConcurrency: config.downloadConcurrency,
    },
    logger: logger.child({ component: 'settings' }),
  });
  // One bucket for every download: the cap is on all of them together.
  const rateLimiter = new TokenBucket(settings.get().speedLimit);
  const stallTimeoutMs = (config.stallTimeout ?? DEFAULT_STALL_TIMEOUT) * 1000;
  const seriesApp = new SeriesApp({
    libraryDir: config.libraryDir,
    catalog,
    logger: logger.child({ component: 'series-app' }),
    downloader: {
      rateLimiter,
      idleTimeoutMs: stallTimeoutMs,
      // A stall must leave room for at least one retry from the bytes on disk.
      retryBudgetMs: Math.max(DEFAULT_RETRY_BUDGET_MS, stallTimeoutMs + STALL_RETRY_MARGIN_MS),
    },
  });
  const anime = new AnimeService({
    seriesApp,
    catalog,
    progress,
    library: backend.library,
    logger: logger.child({ component: 'anime-service' }),
    gate: backend.gate,
  });
  const downloads = new DownloadService({
    anime,
    progress,
    store: backend.queue,
    logger: logger.child({ component: 'download-service' }),
    concurrency: settings.get().downloadConcurrency,
    gate: backend.gate,
  });
  const autoScan = new AutoScanScheduler({
    scans: anime,
    queue: downloads,
    progress,
    logger: logger.child({ component: 'auto-scan' }),
    intervalSeconds: settings.get().autoScanInterval,
  });
  settings.onChange((now, before) => {
    if (now.speedLimit !== before.speedLimit) rateLimiter.setRate(now.speedLimit);
    if (now.downloadConcurrency !== before.downloadConcurrency) downloads.setConcurrency(now.downloadConcurrency);
    if (now.autoScanInterval !== before.autoScanInterval) autoScan.setInterval(now.autoScanInterval);
  });
  // Before any event of this start: every one of them reaches the outboxes.
  const webhooks = new WebhookService({
    store: backend.webhooks,
    progress,
    logger: logger.child({ component: 'webhooks' }),
    ...(options.webhookDelivery ? { delivery: options.webhookDelivery } : {}),
  });
  // What this instance does when it runs the queue: resume what the last run left (system_startup
  // or, with several instances, system_leader says what), and run the commands of the others.
  const hooks = runnerHooks({ config, progress, anime, downloads, webhooks, logger });

  const metrics = createMetrics(progress, drops);
  const detachLogging = attachProgressLogging(progress, logger);
  const checkToken = createTokenCheck(config.apiToken);
  const serviceInfo = new ServiceInfoService(backend.registry, config.instanceId);
  const appContext = { progress, anime, downloads, serviceInfo, settings, webhooks };
  const graphiql = createGraphiQLAssets();
  const yoga = createYogaServer({
    context: appContext,
    logger,
    checkToken,
    production: config.production,
    allowedOrigins: config.allowedOrigins,
    renderGraphiQL: graphiql.render,
  });
  const guard = createRequestGuard({
    loopback: isLoopback(config.host),
    allowedOrigins: config.allowedOrigins,
    allowedHosts: config.allowedHosts,
  });
  const dashboard = createDashboardHandler({ dir: options.dashboardDir });

  const server: Server = createServer(withCompression((req, res) => {
    // Foreign origins and (on loopback) foreign Host names get nothing, whatever the path.
    const refused = guard(req.headers);
    if (refused) {
      refuseRequest(res, refused);
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (graphiql.handle(req, res)) return;
    if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
      return;
    }
    if (path === '/metrics' && req.method === 'GET') {
      serveMetrics(metrics, req, res, { checkToken, logger });
      return;
    }
    if (dashboard(req, res)) return;
    void yoga.handle(req, res);
  }));
  const fanout = new ProgressFanout({
    progress,
    logger: logger.child({ component: 'fanout' }),
    formatError: (error) => maskError(error, 'Unexpected error.', !config.production) as GraphQLError,
    drops,
    ...options.fanout,
  });
  const ws = attachWebSocket({ server, appContext, fanout, yoga, checkToken, guard, metrics, logger });

  let stopping: Promise<void> | null = null;
  /** The backend answered at start (an instance that could not reach Redis announces nothing). */
  let connected = false;
  return {
    config,
    progress,
    anime,
    downloads,
    settings,
    autoScan,
    webhooks,
    fanout,
    logger,
    get catalogUrl() {
      return catalogClient?.baseUrl ?? null;
    },
    start: async () => {
      if (!catalogClient) {
        demo = await startDemoCatalog({ host: '127.0.0.1', port: 0 });
        catalogClient = createCatalogClient({ baseUrl: demo.url });
        logger.info({ catalog: demo.url }, 'CATALOG_URL is unset: serving the built-in demo catalog');
      }
      // Redis: connects (or throws naming REDIS_URL) and competes for the queue. SQLite: runs
      // it here, resuming what the last process left.
      await backend.connect();
      connected = true;
      // Kept settings (applied through onChange) and webhooks before anything runs or is logged.
      await settings.open();
      await webhooks.open();
      // What other instances run (and what a runner that died left) before competing for the queue.
      await progress.open();
      await backend.run(hooks);
      // Its start-up events (recovery, system_leader) are in the log before it serves.
      await progress.settled();
      backend.registry.start();
      autoScan.start();
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          const { port } = server.address() as AddressInfo;
          const host = config.host.includes(':') ? `[${config.host}]` : config.host;
          const url = `http://${host}:${port}/graphql`;
          const dashboardUrl = `http://${host}:${port}/`;
          logger.info({ url, dashboard: dashboardUrl }, `listening on ${url}; the dashboard is at ${dashboardUrl}`);
          resolve({ url, port, host: config.host });
        });
      });
    },
    stop: () =>
      (stopping ??= (async () => {
        // Subscribers hear of the stop while their connections are still open.
        if (connected) {
          announceShutdown(progress);
          await new Promise((resolve) => setTimeout(resolve, SHUTDOWN_NOTICE_MS));
        }
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        autoScan.stop();
        await hooks.stopRunning('stopping');
        await webhooks.close();
        settings.close();
        await ws.close();
        server.closeAllConnections();
        await closed.catch(() => undefined);
        await yoga.dispose();
        if (connected) completeShutdown(progress);
        detachLogging();
        metrics.detach();
        await backend.registry.stop();
        await progress.closeAndSettle();
        await backend.stop();
        await demo?.close();
        logger.info('stopped');
      })()),
  };
}
