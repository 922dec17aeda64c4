/**
 * A bare graphql-transport-ws client over `ws`, for protocol-level checks (close codes,
 * refusals, a reader that stops reading) that the typed client hides.
 */
import WebSocket from 'ws';
import { DEFAULT_TIMEOUT_MS, withTimeout } from './wait.js';

export interface WsMessage {
  type: string;
  id?: string;
  payload?: unknown;
}

export interface RawWs {
  socket: WebSocket;
  /** Every message received, parsed, in order. */
  messages: WsMessage[];
  /** Resolves with code and reason once the socket has closed. */
  closed: Promise<{ code: number; reason: string }>;
  send(message: WsMessage): void;
  /** Resolves with the first received message (past or future) matching `predicate`. */
  waitFor(predicate: (m: WsMessage) => boolean, what: string, timeout?: number): Promise<WsMessage>;
  /** Sends connection_init and waits for connection_ack. */
  init(payload?: Record<string, unknown>): Promise<void>;
  subscribe(id: string, query: string, variables?: Record<string, unknown>): void;
  close(): void;
}

/** Opens a socket to `httpUrl` (ws:// derived) with the graphql-transport-ws subprotocol. */
export async function openRawWs(httpUrl: string): Promise<RawWs> {
  const socket = new WebSocket(httpUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const messages: WsMessage[] = [];
  const waiters = new Set<(m: WsMessage) => void>();
  socket.on('message', (data) => {
    const m = JSON.parse(String(data)) as WsMessage;
    messages.push(m);
    for (const w of [...waiters]) w(m);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    }),
    DEFAULT_TIMEOUT_MS,
    'the WebSocket to open',
  );
  const raw: RawWs = {
    socket,
    messages,
    closed,
    send: (message) => socket.send(JSON.stringify(message)),
    waitFor(predicate, what, timeout = DEFAULT_TIMEOUT_MS) {
      const seen = messages.find(predicate);
      if (seen) return Promise.resolve(seen);
      let waiter: ((m: WsMessage) => void) | undefined;
      const found = new Promise<WsMessage>((resolve) => {
        waiter = (m) => {
          if (predicate(m)) resolve(m);
        };
        waiters.add(waiter);
      });
      return withTimeout(found, timeout, what).finally(() => waiters.delete(waiter!));
    },
    async init(payload) {
      raw.send({ type: 'connection_init', payload });
      await raw.waitFor((m) => m.type === 'connection_ack', 'connection_ack');
    },
    subscribe(id, query, variables) {
      raw.send({ type: 'subscribe', id, payload: { query, variables } });
    },
    close: () => socket.close(),
  };
  return raw;
}

/** The `data` of a `next` message. */
export function dataOf<T = Record<string, unknown>>(m: WsMessage): T {
  return (m.payload as { data: T }).data;
}
