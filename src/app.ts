import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { AppConfig } from './config.js';
import { createLogger } from './logger.js';
import type { GraphQLError } from 'graphql';
import { createTokenCheck } from './server/auth.js';
import { maskError } from './server/errors.js';
import { ProgressFanout, type FanoutOptions } from './server/fanout.js';
import { withCompression } from './server/compression.js';
import { createGraphiQLAssets } from './server/graphiql-assets.js';
import { createMetrics } from './server/metrics.js';
import { attachProgressLogging } from './server/progress-logging.js';
import { attachWebSocket } from './server/websocket.js';
import { createYogaServer } from './server/yoga.js';
import { createCatalogClient, type CatalogClient } from './core/catalog-client.js';
import { startDemoCatalog, type DemoCatalog } from './core/demo-catalog.js';
import { SeriesApp } from './core/series-app.js';
import { AnimeService } from './services/anime-service.js';
import { DownloadService } from './services/download-service.js';
import { SqliteLibraryStore } from './store/library-store.js';
import { SqliteQueueStore } from './store/queue-store.js';
import { createInProcessPubSub } from './services/progress-pubsub.js';
import { ProgressService } from './services/progress-service.js';
import { openDatabase } from './store/database.js';
import { createSqlitePersistence } from './store/sqlite-progress-store.js';

export interface AppOptions {
  /** Logger to use; tests pass a silent one. @default a pino logger at config.logLevel */
  logger?: Logger;
  /** Back-pressure limits of the WebSocket fan-out. @default the FANOUT_* constants */
  fanout?: Pick<FanoutOptions, 'highWaterBytes' | 'lowWaterBytes' | 'stallTimeoutMs'>;
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
  readonly fanout: ProgressFanout;
  readonly logger: Logger;
  /** The catalog in use: CATALOG_URL, or the built-in demo's address once started. */
  readonly catalogUrl: string | null;
}

/** Builds one isolated instance of the service: its own database, PubSub, servers. */
export function createApp(config: AppConfig, options: AppOptions = {}): App {
  const logger = options.logger ?? createLogger(config.logLevel, config.logFormat);
  const db = openDatabase(config.dataDir);
  const progress = new ProgressService({
    persistence: createSqlitePersistence(db),
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
  const catalog: CatalogClient = {
    get baseUrl() {
      return currentCatalog().baseUrl;
    },
    getSeries: (key, opts) => currentCatalog().getSeries(key, opts),
    search: (q, opts) => currentCatalog().search(q, opts),
  };
  const seriesApp = new SeriesApp({ libraryDir: config.libraryDir, catalog, logger: logger.child({ component: 'series-app' }) });
  const anime = new AnimeService({
    seriesApp,
    catalog,
    progress,
    library: new SqliteLibraryStore(db),
    logger: logger.child({ component: 'anime-service' }),
  });
  const downloads = new DownloadService({
    anime,
    progress,
    store: new SqliteQueueStore(db),
    logger: logger.child({ component: 'download-service' }),
    concurrency: config.downloadConcurrency,
  });
  // Downloads the last process left running resume; any other unfinished operation
  // becomes FAILED, saying it was interrupted.
  downloads.recover();
  progress.failInterrupted();

  const metrics = createMetrics(progress);
  const detachLogging = attachProgressLogging(progress, logger);
  const checkToken = createTokenCheck(config.apiToken);
  const appContext = { progress, anime, downloads };
  const graphiql = createGraphiQLAssets();
  const yoga = createYogaServer({ context: appContext, logger, checkToken, production: config.production, renderGraphiQL: graphiql.render });

  const server: Server = createServer(withCompression((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (graphiql.handle(req, res)) return;
    if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
      return;
    }
    if (path === '/metrics' && req.method === 'GET') {
      metrics.registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
        (err: unknown) => {
          logger.error({ err }, 'metrics failed');
          res.writeHead(500).end();
        },
      );
      return;
    }
    void yoga.handle(req, res);
  }));
  const fanout = new ProgressFanout({
    progress,
    logger: logger.child({ component: 'fanout' }),
    formatError: (error) => maskError(error, 'Unexpected error.', !config.production) as GraphQLError,
    ...options.fanout,
  });
  const ws = attachWebSocket({ server, appContext, fanout, yoga, checkToken, metrics });

  let stopping: Promise<void> | null = null;
  return {
    config,
    progress,
    anime,
    downloads,
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
      downloads.pump();
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          const { port } = server.address() as AddressInfo;
          const host = config.host.includes(':') ? `[${config.host}]` : config.host;
          const url = `http://${host}:${port}/graphql`;
          logger.info({ url }, `listening on ${url}`);
          resolve({ url, port, host: config.host });
        });
      });
    },
    stop: () =>
      (stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await downloads.close();
        await ws.close();
        server.closeAllConnections();
        await closed.catch(() => undefined);
        await yoga.dispose();
        detachLogging();
        metrics.detach();
        progress.close();
        db.close();
        await demo?.close();
        logger.info('stopped');
      })()),
  };
}
