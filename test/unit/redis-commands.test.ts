import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CommandError, RedisCommandBus } from '../../src/store/redis-commands.js';
import { connectRedis } from '../../src/store/redis-connection.js';
import { redisKeys } from '../../src/store/redis-keys.js';
import { silent } from '../helpers/journal-backends.js';
import { HAVE_REDIS, startRedis, type RedisServer } from '../helpers/redis-server.js';

let server: RedisServer;
const conns: Redis[] = [];
const buses: RedisCommandBus[] = [];
let n = 0;
beforeAll(async () => {
  if (HAVE_REDIS) server = await startRedis();
});
afterEach(async () => {
  for (const b of buses.splice(0)) await b.close();
});
afterAll(async () => {
  for (const c of conns) c.disconnect();
  await server?.dispose();
});

async function bus(keys: ReturnType<typeof redisKeys>, id: string): Promise<RedisCommandBus> {
  const [a, b, c] = await Promise.all([1, 2, 3].map(() => connectRedis(server.url, id)));
  conns.push(a!, b!, c!);
  const created = new RedisCommandBus(a!, b!, c!, keys, id, silent);
  await created.open();
  buses.push(created);
  return created;
}

const failureOf = (err: unknown) => ({
  code: (err as { code?: string }).code ?? 'INTERNAL',
  message: (err as Error).message,
});

describe.skipIf(!HAVE_REDIS)('RedisCommandBus (real Redis)', () => {
  it('runs a command on the serving instance and answers the caller, results and errors', async () => {
    const keys = redisKeys(`cmd${++n}:`);
    const runner = await bus(keys, 'runner');
    const caller = await bus(keys, 'caller');
    const ran: Array<[string, unknown[]]> = [];
    runner.serve(async (name, args) => {
      ran.push([name, args]);
      if (name === 'fail') throw Object.assign(new Error('no such item'), { code: 'NOT_FOUND' });
      return { echoed: args };
    }, failureOf);
    expect(await caller.call('enqueue', [{ serieFolder: 'Naruto', season: 1, episode: 2 }])).toEqual({
      echoed: [{ serieFolder: 'Naruto', season: 1, episode: 2 }],
    });
    const err = await caller.call('fail', []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: 'no such item' });
    expect(ran.map(([name]) => name)).toEqual(['enqueue', 'fail']);
  });

  it('answers UNAVAILABLE when no instance serves in time', async () => {
    const keys = redisKeys(`cmd${++n}:`);
    const caller = await bus(keys, 'caller');
    const err = await caller.call('start', [], 300).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('a command sent while no instance serves is run once one starts serving (a takeover)', async () => {
    const keys = redisKeys(`cmd${++n}:`);
    const caller = await bus(keys, 'caller');
    const pending = caller.call('retry', [1], 5_000);
    await new Promise((r) => setTimeout(r, 300));
    const next = await bus(keys, 'next-runner');
    let runs = 0;
    next.serve(async () => ++runs, failureOf);
    expect(await pending).toBe(1);
    // A runner after it does not run it again.
    await next.stopServing();
    const third = await bus(keys, 'third');
    third.serve(async () => ++runs, failureOf);
    expect(await caller.call('other', [], 5_000)).toBe(2);
    expect(runs).toBe(2);
  });
});
