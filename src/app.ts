import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { AppConfig } from './config.js';
import { createLogger } from './logger.js';
import { createTokenCheck } from './server/auth.js';
import { createMetrics } from './server/metrics.js';
import { attachProgressLogging } from './server/progress-logging.js';
import { attachWebSocket } from './server/websocket.js';
import { createYogaServer } from './server/yoga.js';
import { createInProcessPubSub } from './services/progress-pubsub.js';
import { ProgressService } from './services/progress-service.js';
import { openDatabase } from './store/database.js';
import { createSqlitePersistence } from './store/sqlite-progress-store.js';

export interface AppOptions {
  /** Logger to use; tests pass a silent one. @default a pino logger at config.logLevel */
  logger?: Logger;
}

export interface App {
  /** Binds the port; resolves with the address actually bound (port 0 picks one). */
  start(): Promise<{ url: string; port: number; host: string }>;
  /** Stops accepting, closes sockets, writes what is pending, closes the database. */
  stop(): Promise<void>;
  readonly config: AppConfig;
  readonly progress: ProgressService;
  readonly logger: Logger;
}

/** Builds one isolated instance of the service: its own database, PubSub, servers. */
export function createApp(config: AppConfig, options: AppOptions = {}): App {
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = openDatabase(config.dataDir);
  const progress = new ProgressService({
    persistence: createSqlitePersistence(db),
    pubsub: createInProcessPubSub(),
    logger: logger.child({ component: 'progress-service' }),
    throttleMs: config.throttleMs,
    historyLimit: config.historyLimit,
    eventLogRetention: config.eventLogRetention,
  });
  const metrics = createMetrics(progress);
  const detachLogging = attachProgressLogging(progress, logger);
  const checkToken = createTokenCheck(config.apiToken);
  const yoga = createYogaServer({ context: { progress }, logger, checkToken, production: config.production });

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
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
  });
  const ws = attachWebSocket({ server, yoga, checkToken, metrics });

  // Nothing owns interrupted operations yet: fail them, saying they were interrupted.
  progress.failInterrupted();

  let stopping: Promise<void> | null = null;
  return {
    config,
    progress,
    logger,
    start: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          const { port } = server.address() as AddressInfo;
          const host = config.host.includes(':') ? `[${config.host}]` : config.host;
          const url = `http://${host}:${port}/graphql`;
          logger.info({ url }, `listening on ${url}`);
          resolve({ url, port, host: config.host });
        });
      }),
    stop: () =>
      (stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await ws.close();
        server.closeAllConnections();
        await closed.catch(() => undefined);
        await yoga.dispose();
        detachLogging();
        metrics.detach();
        progress.close();
        db.close();
        logger.info('stopped');
      })()),
  };
}
