/**
 * This service with REDIS_URL: the same server as service.ts, its journal and state in a
 * redis-server started here (its own port and temp dir, appendonly, fsync every second as a
 * production Redis would be). The server CPU figure is the service process's; Redis's own CPU
 * is not in it (bench/journal.ts measures that part).
 */
import { startRedis } from '../../test/helpers/redis-server.js';

const redis = await startRedis(['--appendfsync', 'everysec']);
process.env.BENCH_REDIS_URL = redis.url;
const stop = () => void redis.kill();
process.once('exit', stop);
await import('./service.js');
