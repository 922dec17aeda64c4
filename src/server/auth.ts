import { createHash, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';

/**
 * Longest credential ("Bearer <token>") looked at. Anything longer is refused unparsed: a
 * real token is far shorter, and a credential arrives before authentication (in a header or
 * in connection_init), so its cost must stay tiny whatever a stranger sends.
 */
export const MAX_CREDENTIAL_LENGTH = 1024;

const SCHEME = 'bearer';

/** Space and tab: the whitespace RFC 7235 allows between the scheme and the token. */
function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * The token of a "Bearer <token>" credential, or null. One pass over the string, no regular
 * expression: the check costs time linear in the length, which is itself bounded.
 */
export function bearerToken(authorization: unknown): string | null {
  if (typeof authorization !== 'string' || authorization.length > MAX_CREDENTIAL_LENGTH) return null;
  const value = authorization.trim();
  if (value.length <= SCHEME.length || value.slice(0, SCHEME.length).toLowerCase() !== SCHEME) return null;
  let start = SCHEME.length;
  if (!isBlank(value.charCodeAt(start))) return null;
  while (start < value.length && isBlank(value.charCodeAt(start))) start++;
  const token = value.slice(start);
  // A token is one line: a line break inside is a malformed (or smuggled) credential.
  if (token.length === 0 || token.includes('\n') || token.includes('\r')) return null;
  return token;
}

/** Compares "Bearer <token>" against the configured token in constant time. */
export function createTokenCheck(apiToken: string | null): (authorization: unknown) => boolean {
  if (apiToken === null) return () => true;
  const expected = createHash('sha256').update(apiToken).digest();
  return (authorization) => {
    const token = bearerToken(authorization);
    if (token === null) return false;
    return timingSafeEqual(createHash('sha256').update(token).digest(), expected);
  };
}

export const UNAUTHENTICATED_MESSAGE =
  'Unauthenticated: this service needs its API token, sent as "Authorization: Bearer <token>"';

/** The 401 answer (body and headers), the same for GraphQL requests and /metrics. */
export const UNAUTHENTICATED_BODY = JSON.stringify({
  errors: [{ message: UNAUTHENTICATED_MESSAGE, extensions: { code: 'UNAUTHENTICATED' } }],
});
export const UNAUTHENTICATED_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'www-authenticate': 'Bearer',
} as const;

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
      endResponse(new fetchAPI.Response(UNAUTHENTICATED_BODY, { status: 401, headers: UNAUTHENTICATED_HEADERS }));
    },
  };
}
