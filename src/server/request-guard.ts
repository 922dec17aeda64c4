/**
 * Who may talk to the service at all, decided from the request's `Origin` and `Host` headers
 * before anything else runs, for plain HTTP and for the WebSocket upgrade alike.
 *
 * - A browser page on another origin must not drive the service (CSRF, and a page reading
 *   answers through a permissive CORS policy): a request whose `Origin` is neither the
 *   service's own nor listed in ALLOWED_ORIGINS is refused. Requests without `Origin` (CLIs,
 *   scripts, servers) are not browsers acting for a page, and pass.
 * - While bound to loopback, a page on an attacker's domain that resolves to 127.0.0.1 (DNS
 *   rebinding) is "same-origin" with itself, so `Origin` alone does not help: its requests carry
 *   the attacker's name in `Host`, which is refused unless it is a loopback name or listed in
 *   ALLOWED_HOSTS.
 *
 * Neither check is a library's: graphql-yoga's CORS options only shape response headers (they
 * never refuse), and neither yoga nor ws knows the service's own origin or its bind address.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

/** Host names that only reach this machine; accepted with any port while bound to loopback. */
export const LOOPBACK_HOST_NAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface RequestGuardOptions {
  /** Whether the service is bound to a loopback address: only then is `Host` checked. */
  loopback: boolean;
  /** Origins (as URL.origin gives them) allowed besides the service's own. @default [] */
  allowedOrigins?: readonly string[];
  /** Host names (`name` or `name:port`, lower case) allowed besides the loopback names. @default [] */
  allowedHosts?: readonly string[];
}

/** Why a request is refused, or null when it may go on. */
export type RequestGuard = (headers: IncomingHttpHeaders) => string | null;

/**
 * `host` (a Host header value or an ALLOWED_HOSTS entry) as `hostname[:port]` in lower case,
 * with the scheme's default port dropped the way URL does; null when it is not a host.
 */
export function normalizeHost(host: string): string | null {
  const value = host.trim();
  if (value === '' || /[\s/\\?#@]/.test(value)) return null;
  try {
    const url = new URL(`http://${value}`);
    return url.host;
  } catch {
    return null;
  }
}

/** The host name part of a normalized host (`[::1]` keeps its brackets). */
function hostnameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

export function createRequestGuard(options: RequestGuardOptions): RequestGuard {
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const allowedHosts = new Set(options.allowedHosts ?? []);
  const hostAllowed = (host: string) =>
    LOOPBACK_HOST_NAMES.has(hostnameOf(host)) || allowedHosts.has(host) || allowedHosts.has(hostnameOf(host));

  return (headers) => {
    const rawHost = headers.host;
    const host = rawHost === undefined ? null : normalizeHost(rawHost);
    if (rawHost !== undefined && host === null) return `the Host header "${preview(rawHost)}" is not a host name`;
    // No Host at all (HTTP/1.0) is no browser: browsers always send it.
    if (options.loopback && host !== null && !hostAllowed(host)) {
      return `the Host "${preview(host)}" is not a name of this service: it answers to localhost, 127.0.0.1 and [::1] while bound to loopback; add the name to ALLOWED_HOSTS to use another (e.g. behind a reverse proxy)`;
    }
    const origin = headers.origin;
    if (origin === undefined) return null;
    let url: URL | null = null;
    try {
      url = new URL(origin);
    } catch {
      url = null;
    }
    if (url && (url.protocol === 'http:' || url.protocol === 'https:')) {
      if (allowedOrigins.has(url.origin)) return null;
      // Same origin: the page was served by this service under the name the request uses.
      if (host !== null && url.host === host) return null;
    }
    return `requests from the web page origin "${preview(origin)}" are not allowed: add it to ALLOWED_ORIGINS to let that page call this service`;
  };
}

/** A header value as quoted in a refusal: short, one line. */
function preview(value: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = value.replace(/[\u0000-\u001f\u007f]/g, '?');
  return flat.length > 100 ? `${flat.slice(0, 100)}…` : flat;
}

/** The answer to a refused HTTP request: 403 with a GraphQL-style error saying why. */
export function refuseRequest(res: ServerResponse, reason: string): void {
  res
    .writeHead(403, { 'content-type': 'application/json; charset=utf-8', connection: 'close' })
    .end(JSON.stringify({ errors: [{ message: `Forbidden: ${reason}`, extensions: { code: 'FORBIDDEN' } }] }));
}
