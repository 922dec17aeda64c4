import type { Server } from 'node:http';
import type { ExecutionArgs } from 'graphql';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { boundedError } from './errors.js';
import { fanoutField, type FanoutTarget, type ProgressFanout } from './fanout.js';
import { listBoundsError } from './list-bounds.js';
import { serveGraphqlWs } from './ws-adapter.js';
import { startKeepAlive } from './ws-keep-alive.js';
import type { RequestGuard } from './request-guard.js';
import type { AppContext } from '../schema/builder.js';
import type { AppMetrics } from './metrics.js';
import type { Yoga } from './yoga.js';

/** Largest WebSocket message accepted; ws's default (100 MiB) invites memory abuse. */
export const WS_MAX_PAYLOAD = 1024 * 1024;
/** WebSocket close code for a server going down (RFC 6455). */
const GOING_AWAY = 1001;
/** A client must send connection_init within this time. */
export const WS_CONNECTION_INIT_TIMEOUT_MS = 5_000;
/**
 * Operations one connection may hold at once (subscriptions, and queries or mutations still
 * running), whichever path serves them. Each costs memory for as long as it lives; a client
 * needs a handful, and a dashboard a few dozen.
 */
export const WS_MAX_OPERATIONS = 100;
/** WebSocket close code for an unexpected server fault (RFC 6455). */
const INTERNAL_ERROR = 1011;

export interface WebSocketOptions {
  server: Server;
  /** The services, as progress subscriptions on the fan-out path see them. */
  appContext: AppContext;
  fanout: ProgressFanout;
  yoga: Yoga;
  checkToken: (authorization: unknown) => boolean;
  /** Origin and Host checks, applied at the upgrade (a refused upgrade gets 403). */
  guard: RequestGuard;
  metrics: AppMetrics;
  logger: Logger;
}

/**
 * The credential in graphql-ws connection params: `authorization` as the contract says, also
 * accepted capitalised or inside a `headers` object, where some clients (GraphiQL's among
 * them, from its Headers tab) put it.
 */
function authorizationOf(params: Record<string, unknown> | undefined): unknown {
  if (!params) return undefined;
  const headers = (typeof params.headers === 'object' && params.headers) || {};
  return (
    params.authorization ??
    params.Authorization ??
    (headers as Record<string, unknown>).authorization ??
    (headers as Record<string, unknown>).Authorization
  );
}

type EnvelopedExecute = { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown };

/**
 * graphql-ws on the same path and port as yoga. Operations run through yoga's envelop, so
 * graphql-armor's limits, error masking and the schema are the same as over HTTP.
 * Auth: the token travels in connection params; without it the socket closes with 4403.
 */
export function attachWebSocket({ server, appContext, fanout, yoga, checkToken, guard, metrics, logger }: WebSocketOptions) {
  const log = logger.child({ component: 'websocket' });
  const wss = new WebSocketServer({
    server,
    path: yoga.graphqlEndpoint,
    maxPayload: WS_MAX_PAYLOAD,
    // ws answers a refused upgrade with this status and reason, before any WebSocket exists.
    verifyClient: ({ req }, done) => {
      const refused = guard(req.headers);
      if (refused) done(false, 403, `Forbidden: ${refused}`);
      else done(true);
    },
  });
  // Listeners shared by every socket (`this` is the socket), not closures per connection.
  const connectionClosed = () => metrics.wsConnections.dec();
  wss.on('connection', (socket) => {
    metrics.wsConnections.inc();
    socket.on('close', connectionClosed);
  });
  // Operations running per connection, so the gauge is right however a socket ends: a count,
  // not a set of ids (an idle subscriber's memory), since graphql-ws calls onComplete only for
  // an operation it called onOperation for, and at most once.
  const running = new WeakMap<object, number>();
  const dispose = serveGraphqlWs<Record<string, unknown> | undefined>(
    {
      connectionInitWaitTimeout: WS_CONNECTION_INIT_TIMEOUT_MS,
      execute: (args) => (args.rootValue as EnvelopedExecute).execute(args) as never,
      // Progress subscriptions take the fan-out path; anything else runs through envelop.
      subscribe: (args) => {
        const root = args.rootValue as Partial<EnvelopedExecute> & { fanout: FanoutTarget };
        if (root.subscribe) return root.subscribe(args) as never;
        return (fanout.trySubscribe(args, root.fanout) ?? {
          errors: [new GraphQLError('this operation cannot run on the fan-out path')],
        }) as never;
      },
      // false closes the socket with 4403 Forbidden, as the contract says.
      onConnect: (ctx) => checkToken(authorizationOf(ctx.connectionParams)),
      onSubscribe: async (ctx, id, payload) => {
        // graphql-ws registers the operation before this hook runs: the count includes it.
        if (Object.keys(ctx.subscriptions).length > WS_MAX_OPERATIONS) {
          return [
            new GraphQLError(
              `Too many operations on this connection: at most ${WS_MAX_OPERATIONS} at once; complete one (or open another connection) first`,
              { extensions: { code: 'TOO_MANY_OPERATIONS' } },
            ),
          ];
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
        });
        let document;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [boundedError(err instanceof GraphQLError ? err : new GraphQLError(String(err)))];
        }
        // graphql-armor's rules (depth, aliases, cost…) throw their refusal from validate:
        // answer it as the operation's error, not as an internal error that closes the socket.
        let errors: readonly GraphQLError[];
        try {
          errors = validate(schema, document);
        } catch (err) {
          return [boundedError(err instanceof GraphQLError ? err : new GraphQLError(String(err)))];
        }
        if (errors.length > 0) return errors.map(boundedError);
        // Here, not only in yoga's envelop: the fan-out path runs no envelop hooks.
        const tooLong = listBoundsError(document, payload.variables);
        if (tooLong) return [tooLong];
        const target: FanoutTarget = {
          socket: ctx.extra.socket,
          id,
          // Identical operations with the same credentials share one execution per event.
          groupKey: JSON.stringify([
            payload.query,
            payload.operationName ?? null,
            payload.variables ?? null,
            authorizationOf(ctx.connectionParams) ?? null,
          ]),
        };
        const base = { schema, document, operationName: payload.operationName, variableValues: payload.variables };
        // The fan-out needs no per-operation context or envelop: keep nothing more per subscriber.
        if (fanoutField(schema, document, payload.operationName)) {
          return { ...base, contextValue: appContext, rootValue: { fanout: target } };
        }
        return { ...base, contextValue: await contextFactory(), rootValue: { execute, subscribe, fanout: target } };
      },
      onOperation: (ctx) => {
        running.set(ctx, (running.get(ctx) ?? 0) + 1);
        metrics.wsSubscriptions.inc();
      },
      onComplete: (ctx) => {
        // After onClose the count is 0: the operations' own completions follow it.
        const n = running.get(ctx) ?? 0;
        if (n === 0) return;
        running.set(ctx, n - 1);
        metrics.wsSubscriptions.dec();
      },
      onClose: (ctx) => {
        metrics.wsSubscriptions.dec(running.get(ctx) ?? 0);
        running.set(ctx, 0);
      },
    },
    wss,
    log,
  );
  const keepAlive = startKeepAlive(wss);
  // Most socket errors are a client's bad frame (too large, not UTF-8, bad opcode), which ws
  // answers by closing the socket itself (1009, 1007, 1002). Those get one log line; anything
  // else is a fault, closed with 1011.
  function socketError(this: WebSocket, err: Error & { code?: string }): void {
    if (typeof err.code === 'string' && err.code.startsWith('WS_ERR_')) {
      log.info({ code: err.code, reason: err.message }, 'closed a WebSocket after a bad frame from the client');
      return;
    }
    log.error({ err }, 'WebSocket error');
    this.close(INTERNAL_ERROR, 'Internal server error');
  }
  wss.on('connection', (socket: WebSocket) => socket.on('error', socketError));
  return {
    wss,
    /** Closes every socket with 1001 Going Away and stops the server. */
    async close(): Promise<void> {
      keepAlive.stop();
      for (const client of wss.clients) client.close(GOING_AWAY, 'Server shutting down');
      await dispose.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
