import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { RedisUnreachableError } from './store/redis-connection.js';

let config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}

let app;
try {
  app = createApp(config);
} catch (err) {
  // Most often DATA_DIR: not writable, or a database from a newer version.
  console.error(`Could not start with DATA_DIR=${config.dataDir}: ${(err as Error).message}`);
  process.exit(1);
}
try {
  await app.start();
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  // Names REDIS_URL: several instances cannot run without their shared state.
  if (err instanceof RedisUnreachableError) console.error(err.message);
  app.logger.fatal(
    { err },
    code === 'EADDRINUSE'
      ? `port ${config.port} on ${config.host} is already in use: stop the other process or set PORT`
      : 'could not start',
  );
  await app.stop();
  process.exit(1);
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    app.logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        app.logger.error({ err }, 'unclean shutdown');
        process.exit(1);
      },
    );
  });
}
