/**
 * Raw HTTP requests and WebSocket upgrades with full control of the headers (`Origin`,
 * `Host`, `Content-Type`, chunked bodies), which fetch and the typed client decide for us.
 */
import { request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import { DEFAULT_TIMEOUT_MS, withTimeout } from './wait.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** A string or Buffer is sent with Content-Length; a generator's chunks are sent chunked. */
  body?: string | Buffer | (() => Iterable<Buffer>);
  timeout?: number;
}

/**
 * Sends one request to `url` and resolves with the answer. A server that answers before it
 * has read the whole body (413) may close the connection while the body is still being sent:
 * the answer counts, the write error does not.
 */
export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const { method = 'GET', headers = {}, body, timeout = DEFAULT_TIMEOUT_MS } = options;
  const answer = new Promise<RawResponse>((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    let answered = false;
    req.on('response', () => (answered = true));
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (typeof body === 'function') {
      const chunks = body()[Symbol.iterator]();
      const pump = () => {
        for (;;) {
          if (answered || req.destroyed) return req.end();
          const next = chunks.next();
          if (next.done) return req.end();
          if (!req.write(next.value)) return void req.once('drain', pump);
        }
      };
      pump();
    } else {
      req.end(body);
    }
  });
  return withTimeout(answer, timeout, `the answer to ${method} ${url}`);
}

/** Body of a GraphQL request as JSON. */
export function graphqlBody(query: string, variables?: Record<string, unknown>): string {
  return JSON.stringify({ query, variables });
}

/** The headers a GraphQL-over-HTTP client sends with a JSON body. */
export const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json' } as const;

/**
 * Tries a graphql-transport-ws upgrade with the given headers (`origin`, `host`…); resolves
 * with 101 when it opened (and closes it), or with the HTTP status the server refused it with.
 */
export function tryUpgrade(httpUrl: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const { origin, ...rest } = headers;
  const socket = new WebSocket(httpUrl.replace(/^http/, 'ws'), 'graphql-transport-ws', { origin, headers: rest });
  const outcome = new Promise<{ status: number; body: string }>((resolve, reject) => {
    socket.once('open', () => {
      socket.close();
      resolve({ status: 101, body: '' });
    });
    socket.once('unexpected-response', (_req, res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    socket.once('error', reject);
  });
  return withTimeout(outcome, DEFAULT_TIMEOUT_MS, 'the WebSocket upgrade to be answered');
}
