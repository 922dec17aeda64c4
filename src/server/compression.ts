import type { IncomingMessage, ServerResponse } from 'node:http';
import compression from 'compression';

/** Responses smaller than this go as they are: compressing them saves less than it costs. */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/**
 * Content types that stream: compressing them would hold events back in the compressor's
 * buffer (SSE, incremental delivery). They always go uncompressed.
 */
const STREAMING_TYPES = ['text/event-stream', 'multipart/mixed'];

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * gzip or brotli for every HTTP response whose client accepts it (the `compression`
 * middleware: negotiation, Vary, thresholds), except event streams. A response that already
 * has a Content-Encoding (the precompressed GraphiQL files) passes untouched.
 */
export function withCompression(handler: Handler): Handler {
  const middleware = compression({
    threshold: COMPRESSION_THRESHOLD_BYTES,
    filter: (req, res) => {
      const type = String(res.getHeader('content-type') ?? '').toLowerCase();
      if (STREAMING_TYPES.some((t) => type.startsWith(t))) return false;
      return compression.filter(req, res);
    },
  });
  type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
  const run = middleware as unknown as Middleware;
  return (req, res) => run(req, res, () => handler(req, res));
}
