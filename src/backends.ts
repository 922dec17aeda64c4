import type { Logger } from 'pino';
import type { AppConfig } from './config.js';
import { ServiceError } from './services/errors.js';
import type { RunnerGate } from './services/runner-gate.js';
import { LOCAL_GATE } from './services/runner-gate.js';
import { openDatabase, type Db } from './store/database.js';
import { StoreUnavailableError } from './store/errors.js';
import { LocalInstanceRegistry, RedisInstanceRegistry, type InstanceRegistry } from './store/instance-registry.js';
import { SqliteLibraryStore, asyncLibraryStore, type AsyncLibraryStore } from './store/library-store.js';
import type { ProgressJournal, ProgressStateReader } from './store/progress-journal.js';
import { SqliteQueueStore, asyncQueueStore, type AsyncQueueStore } from './store/queue-store.js';
import { CommandError, RedisCommandBus, type CommandHandler, type FailureOf } from './store/redis-commands.js';
import { createRedisClient, openRedisClient } from './store/redis-connection.js';
import { RedisJournal } from './store/redis-journal.js';
import { redisKeys } from './store/redis-keys.js';
import { RedisLease } from './store/redis-lease.js';
import { RedisLibraryStore, RedisQueueStore } from './store/redis-queue-store.js';
import { SqliteJournal } from './store/sqlite-journal.js';
import { SqliteSettingsStore, asyncSettingsStore, type AsyncSettingsStore } from './store/settings-store.js';
import { RedisSettingsStore } from './store/redis-settings-store.js';
import { RedisWebhookStore } from './store/redis-webhook-store.js';
import { SqliteWebhookStore, asyncWebhookStore, type AsyncWebhookStore } from './store/webhook-store.js';
import { webhookBody } from './services/webhook-service.js';

/** What runs the queue: called when this instance starts and stops being the runner. */
export interface RunnerHooks {
  becomeRunner(token: number): Promise<void>;
  stopRunning(reason: string): Promise<void>;
  /** Runs a command another instance sent to the runner. */
  handle: CommandHandler;
  failureOf: FailureOf;
}

/** Where the state lives: one SQLite file, or Redis shared by several instances. */
export interface Backend {
  readonly kind: 'sqlite' | 'redis';
  readonly journal: ProgressJournal & ProgressStateReader;
  readonly queue: AsyncQueueStore;
  readonly library: AsyncLibraryStore;
  readonly settings: AsyncSettingsStore;
  readonly webhooks: AsyncWebhookStore;
  readonly registry: InstanceRegistry;
  readonly gate: RunnerGate;
  /** SQLite under DATA_DIR: everything with one instance; with Redis nothing the service shares (backups, tests). */
  readonly db: Db;
  /** Connects (Redis; throws naming REDIS_URL) and opens the journal. */
  connect(): Promise<void>;
  /** Starts running the queue here (SQLite), or competing for it (Redis). */
  run(hooks: RunnerHooks): Promise<void>;
  /** Stops running the queue (hands the lease over at once) and closes connections. */
  stop(): Promise<void>;
}

export function createSqliteBackend(config: AppConfig): Backend {
  const db = openDatabase(config.dataDir);
  return {
    kind: 'sqlite',
    db,
    journal: SqliteJournal.open(db),
    queue: asyncQueueStore(new SqliteQueueStore(db)),
    library: asyncLibraryStore(new SqliteLibraryStore(db)),
    settings: asyncSettingsStore(new SqliteSettingsStore(db)),
    webhooks: asyncWebhookStore(new SqliteWebhookStore(db)),
    registry: new LocalInstanceRegistry(config.instanceId),
    gate: LOCAL_GATE,
    connect: () => Promise.resolve(),
    // One process runs the queue from the start; the app stops it before closing this.
    run: (h) => h.becomeRunner(0),
    async stop() {
      db.close();
    },
  };
}

/**
 * Redis: the journal, queue, library and history in one Redis, the queue run by whichever
 * instance holds the lease; the others send it their changes as commands.
 */
export function createRedisBackend(config: AppConfig, logger: Logger, prefix?: string): Backend {
  const url = config.redisUrl!;
  const keys = redisKeys(prefix);
  const name = (role: string) => `anime-progress:${config.instanceId}:${role}`;
  const redis = createRedisClient(url, name('cmd'));
  const reader = createRedisClient(url, name('live'));
  const replies = createRedisClient(url, name('replies'));
  const commandReader = createRedisClient(url, name('commands'));
  const clients = [redis, reader, replies, commandReader];
  const db = openDatabase(config.dataDir);
  const journal = new RedisJournal({ redis, reader, keys, logger: logger.child({ component: 'redis-journal' }), retention: config.eventLogRetention });
  let hooks: RunnerHooks | null = null;
  /** becomeRunner/stopRunning one after another, never overlapping. */
  let transitions: Promise<void> = Promise.resolve();
  let running = false;
  const lease = new RedisLease({
    redis,
    keys,
    instanceId: config.instanceId,
    logger: logger.child({ component: 'queue-lease' }),
    onAcquired: (token) => {
      transitions = transitions.then(async () => {
        if (lease.held !== token) return;
        await hooks!.becomeRunner(token);
        running = true;
        bus.serve(hooks!.handle, hooks!.failureOf);
      }).catch((err: unknown) => logger.error({ err }, 'could not take over the queue'));
    },
    onLost: (reason) => {
      transitions = transitions.then(async () => {
        running = false;
        await bus.stopServing();
        await hooks!.stopRunning(reason);
      }).catch((err: unknown) => logger.error({ err }, 'could not stop running the queue'));
    },
  });
  // The runner's writes carry its lease: once another holds it, they are refused.
  const fence = () => lease.fence();
  // Change notices come on the replies connection (already a subscriber; each filters its channel).
  const settings = new RedisSettingsStore(redis, replies, keys);
  const webhooks = new RedisWebhookStore(redis, replies, keys, webhookBody);
  const bus = new RedisCommandBus(redis, replies, commandReader, keys, config.instanceId, logger.child({ component: 'commands' }));
  const gate: RunnerGate = {
    get local() {
      return running && lease.held !== null;
    },
    call: (command, args) =>
      bus.call(command, args).catch((err: unknown) => {
        if (err instanceof CommandError) throw new ServiceError(err.code, err.message);
        throw err instanceof StoreUnavailableError || err instanceof ServiceError ? err : new StoreUnavailableError(err);
      }),
  };
  return {
    kind: 'redis',
    db,
    journal,
    queue: new RedisQueueStore(redis, keys, fence),
    library: new RedisLibraryStore(redis, keys, fence),
    settings,
    webhooks,
    registry: new RedisInstanceRegistry(redis, keys, config.instanceId, logger.child({ component: 'instances' })),
    gate,
    async connect() {
      await Promise.all(clients.map((c) => openRedisClient(c, url)));
      await journal.open();
      await bus.open();
      await settings.open();
      await webhooks.open();
    },
    async run(h) {
      hooks = h;
      // A first instance (or the only one) runs the queue before it starts serving.
      await lease.start();
      await transitions;
    },
    async stop() {
      await lease.stop();
      await transitions;
      await bus.close();
      await journal.close();
      for (const c of clients) c.disconnect();
      db.close();
    },
  };
}
