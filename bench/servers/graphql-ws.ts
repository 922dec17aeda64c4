/**
 * Textbook graphql-ws (its README): `useServer({ schema, roots }, wss)` on a schema built from
 * SDL, the subscription root an async generator fed by an EventEmitter, one event per type.
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { buildSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { BENCH_SDL, BENCH_TYPES, type BenchEvent, makeEvent } from '../lib/shared.js';
import { runVariant } from './harness.js';

const schema = buildSchema(BENCH_SDL);
const emitter = new EventEmitter();
emitter.setMaxListeners(0);

async function* progressEvents({ types }: { types?: string[] | null }): AsyncGenerator<{ progressEvents: BenchEvent }> {
  const topics = types?.length ? types : [...BENCH_TYPES];
  const queue: BenchEvent[] = [];
  let wake: (() => void) | null = null;
  const listener = (e: BenchEvent) => {
    queue.push(e);
    wake?.();
    wake = null;
  };
  for (const t of topics) emitter.on(t, listener);
  try {
    for (;;) {
      while (queue.length) yield { progressEvents: queue.shift()! };
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    for (const t of topics) emitter.off(t, listener);
  }
}

let wss: WebSocketServer;
let server: ReturnType<typeof useServer>;

runVariant({
  start: () =>
    new Promise((resolve) => {
      wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/graphql' });
      server = useServer({ schema, roots: { subscription: { progressEvents } } }, wss);
      wss.on('listening', () => resolve(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}/graphql`));
    }),
  publish(type, op, seq, ts) {
    emitter.emit(type, makeEvent(type, op, seq, ts));
  },
  stop: async () => {
    await server.dispose();
    await new Promise<void>((r) => wss.close(() => r()));
  },
});
