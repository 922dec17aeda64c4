/**
 * graphql-yoga + graphql-ws as yoga's documentation sets them up: `createSchema`,
 * `createPubSub` with one topic per progress type (topic routing), and graphql-ws's
 * `useServer` running operations through `yoga.getEnveloped`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPubSub, createSchema, createYoga, Repeater } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { BENCH_SDL, BENCH_TYPES, type BenchEvent, makeEvent } from '../lib/shared.js';
import { runVariant } from './harness.js';

const pubsub = createPubSub<{ progress: [type: string, event: BenchEvent] }>();

const yoga = createYoga({
  schema: createSchema({
    typeDefs: BENCH_SDL,
    resolvers: {
      Subscription: {
        progressEvents: {
          subscribe: (_root: unknown, { types }: { types?: string[] | null }) => {
            const topics = types?.length ? types : [...BENCH_TYPES];
            return topics.length === 1
              ? pubsub.subscribe('progress', topics[0]!)
              : Repeater.merge(topics.map((t) => pubsub.subscribe('progress', t)));
          },
          resolve: (event: BenchEvent) => event,
        },
      },
    },
  }),
  graphqlEndpoint: '/graphql',
  logging: false,
});

const httpServer = createServer(yoga);
const wss = new WebSocketServer({ server: httpServer, path: yoga.graphqlEndpoint });
type EnvelopedRoot = { execute: (args: unknown) => unknown; subscribe: (args: unknown) => unknown };
const ws = useServer(
  {
    execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
    subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
    onSubscribe: async (ctx, _id, params) => {
      const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
        ...ctx,
        req: ctx.extra.request,
        socket: ctx.extra.socket,
        params,
      });
      const args = {
        schema,
        operationName: params.operationName,
        document: parse(params.query),
        variableValues: params.variables,
        contextValue: await contextFactory(),
        rootValue: { execute, subscribe },
      };
      const errors = validate(args.schema, args.document);
      if (errors.length) return errors;
      return args;
    },
  },
  wss,
);

runVariant({
  start: () =>
    new Promise((resolve) => {
      httpServer.listen(0, '127.0.0.1', () =>
        resolve(`ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}/graphql`),
      );
    }),
  publish(type, op, seq, ts) {
    pubsub.publish('progress', type, makeEvent(type, op, seq, ts));
  },
  stop: async () => {
    await ws.dispose();
    httpServer.closeAllConnections();
    await new Promise<void>((r) => httpServer.close(() => r()));
  },
});
