import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Largest HTTP request body read (yoga's `maxRequestBodySize`; it answers 413 past it, by
 * Content-Length or while streaming). The same bound as a WebSocket message: a GraphQL
 * request of this service is a few KiB; yoga's own default (25 MB) lets a few clients push
 * the process's memory into gigabytes.
 */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/**
 * The media types a POST body may have. Both need a CORS preflight from a browser, so a page
 * on another origin cannot send one with a plain form or `fetch(..., { mode: 'no-cors' })`;
 * form-encoded, multipart and text bodies can be, and are refused.
 */
export const POST_MEDIA_TYPES: readonly string[] = ['application/json', 'application/graphql+json'];

export const UNSUPPORTED_MEDIA_TYPE_MESSAGE = `POST bodies must be ${POST_MEDIA_TYPES.join(' or ')} (send the "Content-Type" header with it)`;

function mediaTypeOf(request: Request): string | null {
  const header = request.headers.get('content-type');
  if (header === null) return null;
  // As yoga reads it: the first of a (malformed) list, without parameters.
  return header.split(',')[0]!.split(';')[0]!.trim().toLowerCase();
}

/**
 * Refuses POST bodies other than JSON with 415 and a message that says what to send, before
 * yoga's parsers see them; and keeps the request body out of the error for invalid JSON
 * (yoga puts JSON.parse's message, which quotes the body, in `extensions.originalError`).
 */
export function useJsonRequestBodies(): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, endResponse, fetchAPI }) {
      if (request.method !== 'POST') return;
      const type = mediaTypeOf(request);
      if (type === null || !POST_MEDIA_TYPES.includes(type)) {
        endResponse(
          new fetchAPI.Response(
            JSON.stringify({ errors: [{ message: UNSUPPORTED_MEDIA_TYPE_MESSAGE, extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }] }),
            { status: 415, headers: { 'content-type': 'application/json; charset=utf-8', accept: POST_MEDIA_TYPES.join(', ') } },
          ),
        );
        return;
      }
      if (!requestParser) return;
      const parse = requestParser;
      setRequestParser(async (req) => {
        try {
          return await parse(req);
        } catch (err) {
          throw withoutOriginalError(err);
        }
      });
    },
  };
}

/**
 * The same error without `extensions.originalError` (which may quote the request body). Its
 * HTTP status stays 400 for every Accept: yoga answers 200 to `application/json` clients for
 * errors marked `http.spec` unless an originalError is present, so the mark goes with it.
 */
function withoutOriginalError(err: unknown): unknown {
  if (!(err instanceof GraphQLError) || !err.extensions || !('originalError' in err.extensions)) return err;
  const { originalError: _dropped, http, ...extensions } = err.extensions as Record<string, unknown> & {
    http?: { status?: number; headers?: Record<string, string> };
  };
  return new GraphQLError(err.message, {
    extensions: { ...extensions, ...(http ? { http: { status: http.status, headers: http.headers } } : {}) },
  });
}
