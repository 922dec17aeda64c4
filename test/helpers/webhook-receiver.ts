/**
 * A real HTTP server receiving webhook deliveries, for tests: it records every request (raw
 * body and headers), answers what `answer` says, checks signatures, and can go down and come
 * back on the same port (a receiver that is down across a restart of the service).
 *
 *   const rx = await startWebhookReceiver({ secret: 's3cret', answer: (n) => (n <= 2 ? 500 : 200) });
 *   // addWebhook(url: rx.url, secret: 's3cret') ... await rx.waitFor((r) => r.status === 200)
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  /** 1-based count of requests this receiver has seen. */
  n: number;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  body: { cursor: string; type: string; progress: Record<string, unknown> };
  /** Whether X-Progress-Signature is the HMAC-SHA256 of the raw body with the secret. */
  signatureValid: boolean;
  /** What was answered (0: nothing, the request was left hanging). */
  status: number;
  /** The receiver's clock when it arrived (ms). */
  at: number;
}

export interface WebhookReceiverOptions {
  secret?: string;
  /** Status to answer to the n-th request (1-based); 0 leaves it unanswered. Default 200. */
  answer?: (n: number, delivery: Omit<ReceivedDelivery, 'status'>) => number;
  /** Listen on this port (e.g. the one a receiver had before it went down). Default: a free one. */
  port?: number;
}

export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedDelivery[];
  /** Requests answered with a 2xx. */
  delivered(): ReceivedDelivery[];
  waitFor(match: (all: readonly ReceivedDelivery[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Stops listening and drops open connections: deliveries now fail to connect. */
  close(): Promise<void>;
}

/** The receiver side of the contract: `sha256=` + hex HMAC-SHA256 of the raw body, compared in constant time. */
export function verifySignature(rawBody: string, header: string | undefined, secret: string): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(rawBody).digest('hex'));
  const got = Buffer.from(header.slice('sha256='.length));
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const received: ReceivedDelivery[] = [];
  const waiters = new Set<() => void>();
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: ReceivedDelivery['body'];
      try {
        body = JSON.parse(rawBody) as ReceivedDelivery['body'];
      } catch {
        body = { cursor: '', type: '', progress: {} };
      }
      const sig = req.headers['x-progress-signature'];
      const base = {
        n: received.length + 1,
        headers: req.headers,
        rawBody,
        body,
        signatureValid: options.secret !== undefined && verifySignature(rawBody, typeof sig === 'string' ? sig : undefined, options.secret),
        at: Date.now(),
      };
      const status = options.answer ? options.answer(base.n, base) : 200;
      received.push({ ...base, status });
      if (status === 0) hanging.add(res);
      else res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
      for (const w of waiters) w();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    delivered: () => received.filter((r) => r.status >= 200 && r.status < 300),
    waitFor(match, what, timeoutMs = 5_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!match(received)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out after ${timeoutMs}ms waiting for ${what} (got ${received.length} requests)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
