import type { IncomingMessage } from 'node:http';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { Logger } from 'pino';
import type { WebSocket, WebSocketServer } from 'ws';

/** What graphql-ws's hooks get as `ctx.extra`, as with graphql-ws's own `useServer`. */
export interface WsExtra {
  readonly socket: WebSocket;
  /** The upgrade request, reduced to its method and URL (see slimRequest). */
  readonly request: IncomingMessage;
}

/** graphql-ws's default connection-init wait, when the options give none. */
const GRAPHQL_WS_INIT_WAIT_MS = 3_000;
/**
 * How often connections are checked for a missing connection_init: one that never sends it
 * is closed (4408) between the wait and the wait plus this.
 */
const MAX_INIT_CHECK_MS = 1_000;
/** ws's readyState OPEN. */
const OPEN = 1;

/**
 * One ws socket as graphql-ws's server sees it. A class, so its methods are shared by every
 * connection rather than closures made for each.
 */
class Connection {
  readonly protocol: string;
  private handle: ((data: string) => Promise<void>) | null = null;

  constructor(
    private readonly socket: WebSocket,
    private readonly logger: Logger,
  ) {
    this.protocol = socket.protocol;
  }

  send(data: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.socket.readyState !== OPEN) return resolve();
      this.socket.send(data, (err) => (err ? reject(err) : resolve()));
    });
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  onMessage(handle: (data: string) => Promise<void>): void {
    this.handle = handle;
    this.socket.on('message', this.receive.bind(this));
  }

  /**
   * The handler of a subscribe message settles when the operation ends: it is waited for
   * without keeping the message's bytes (an async wrapper, as useServer's, would).
   */
  private receive(data: WebSocket.RawData): void {
    this.handle!(String(data)).catch((err: unknown) => {
      this.logger.error({ err }, 'graphql-ws failed on a message: closing the connection');
      this.socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
  }
}

/**
 * The part of an upgrade request kept for a connection's life: its method and URL. graphql-ws
 * keeps `extra` as long as the connection lives, and the whole IncomingMessage (stream state,
 * headers and raw headers: a kilobyte or more from a browser) is read by nothing after the
 * upgrade: Origin and Host are checked before it (verifyClient), and credentials travel in
 * the connection params. Its headers are left empty rather than kept for no reader.
 */
function slimRequest(request: IncomingMessage): IncomingMessage {
  return { method: request.method, url: request.url, headers: NO_HEADERS } as IncomingMessage;
}
const NO_HEADERS = Object.freeze({});

/**
 * graphql-ws's protocol server (`makeServer`) on a `ws` server: what graphql-ws's
 * `useServer` (graphql-ws/use/ws) does, written here for what each idle subscriber costs.
 * Its `useServer` keeps, per connection, the whole upgrade request and an interval with its
 * closures for keep-alive, and per operation an async frame holding the raw subscribe
 * message; makeServer adds a connection-init timeout per connection that it keeps until
 * close. Here the request is reduced, keep-alive is one timer for all sockets
 * (startKeepAlive), the init wait one timer and a Map entry until connection_init, and a
 * message is handed over without a frame that waits on it.
 * Protocol behaviour is makeServer's, unchanged.
 */
export function serveGraphqlWs<P extends Record<string, unknown> | undefined>(
  options: ServerOptions<P, WsExtra>,
  wss: WebSocketServer,
  logger: Logger,
): { dispose(): Promise<void> } {
  // The connection-init wait is kept here, in one Map for all sockets: makeServer's is a
  // setTimeout per connection that it keeps (with its closure) until the connection closes.
  const initWaitMs = options.connectionInitWaitTimeout ?? GRAPHQL_WS_INIT_WAIT_MS;
  const awaitingInit = new Map<WebSocket, number>();
  const server = makeServer<P, WsExtra>({
    ...options,
    connectionInitWaitTimeout: 0,
    onConnect: (ctx) => {
      // makeServer calls this on connection_init, before anything else it does with it.
      awaitingInit.delete(ctx.extra.socket);
      return options.onConnect?.(ctx);
    },
  });
  const initCheck =
    initWaitMs > 0 && Number.isFinite(initWaitMs)
      ? setInterval(() => {
          const now = Date.now();
          // Insertion order is connection order: the first one not yet due ends the pass.
          for (const [socket, deadline] of awaitingInit) {
            if (deadline > now) break;
            awaitingInit.delete(socket);
            socket.close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
          }
        }, Math.min(MAX_INIT_CHECK_MS, initWaitMs)).unref()
      : null;
  wss.options.handleProtocols = handleProtocols;
  wss.once('error', (err) => {
    logger.error({ err }, 'WebSocket server error: closing every connection');
    for (const client of wss.clients) client.close(CloseCode.InternalServerError, 'Internal server error');
  });
  wss.on('connection', (socket, request) => {
    const connection = new Connection(socket, logger);
    if (initCheck) awaitingInit.set(socket, Date.now() + initWaitMs);
    const closed = server.opened(connection, { socket, request: slimRequest(request) });
    socket.once('close', (code, reason) => {
      awaitingInit.delete(socket);
      closed(code, String(reason)).catch((err: unknown) => logger.error({ err }, 'graphql-ws failed closing a connection'));
    });
  });
  return {
    async dispose() {
      if (initCheck) clearInterval(initCheck);
      awaitingInit.clear();
      for (const client of wss.clients) client.close(1001, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
