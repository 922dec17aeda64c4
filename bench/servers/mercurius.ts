/** fastify + mercurius with `subscription: true` (graphql-transport-ws), one pubsub topic per type. */
import Fastify from 'fastify';
import mercurius from 'mercurius';
import { BENCH_SDL, BENCH_TYPES, type BenchEvent, makeEvent } from '../lib/shared.js';
import { runVariant } from './harness.js';

const app = Fastify({ logger: false });
app.register(mercurius, {
  schema: BENCH_SDL,
  resolvers: {
    Subscription: {
      progressEvents: {
        subscribe: (_root: unknown, { types }: { types?: string[] | null }, { pubsub }: { pubsub: { subscribe(t: string[]): unknown } }) =>
          pubsub.subscribe(types?.length ? types : [...BENCH_TYPES]),
      },
    },
  } as never,
  subscription: true,
});

runVariant({
  start: async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return `ws://127.0.0.1:${port}/graphql`;
  },
  publish(type, op, seq, ts) {
    const event: BenchEvent = makeEvent(type, op, seq, ts);
    void app.graphql.pubsub.publish({ topic: type, payload: { progressEvents: event } });
  },
  stop: () => app.close(),
});
