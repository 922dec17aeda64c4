import { createHash, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';

/** Compares "Bearer <token>" against the configured token in constant time. */
export function createTokenCheck(apiToken: string | null): (authorization: unknown) => boolean {
  if (apiToken === null) return () => true;
  const expected = createHash('sha256').update(apiToken).digest();
  return (authorization) => {
    if (typeof authorization !== 'string') return false;
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (!match) return false;
    return timingSafeEqual(createHash('sha256').update(match[1]!).digest(), expected);
  };
}

export const UNAUTHENTICATED_MESSAGE =
  'Unauthenticated: this service needs its API token, sent as "Authorization: Bearer <token>"';

/**
 * Refuses every GraphQL request over HTTP (queries, mutations, SSE) without the token,
 * before anything runs. The GraphiQL page itself (a browser's GET for HTML) is served, so a
 * person can open it and put the header in its Headers tab.
 */
export function useBearerAuth(check: (authorization: unknown) => boolean): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (check(request.headers.get('authorization'))) return;
      const wantsPage = request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/html');
      if (wantsPage) return;
      endResponse(
        new fetchAPI.Response(
          JSON.stringify({ errors: [{ message: UNAUTHENTICATED_MESSAGE, extensions: { code: 'UNAUTHENTICATED' } }] }),
          {
            status: 401,
            headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer' },
          },
        ),
      );
    },
  };
}
