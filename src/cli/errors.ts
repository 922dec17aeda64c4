import { GraphQLRequestError } from '../client/index.js';

/** Exit codes of the CLI (see usage text). */
export const EXIT = {
  OK: 0,
  /** The operation ran and failed (GraphQL domain error, failed scan, …). */
  FAILED: 1,
  /** Bad command line. */
  USAGE: 2,
  /** The service cannot be reached, or refused the token. */
  CONNECTION: 3,
} as const;

/** The command line is wrong: exit 2 with the usage text. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** Which command's usage to show; undefined: the general usage. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An operation finished but did not succeed (e.g. a scan that ended FAILED): exit 1. */
export class OperationFailedError extends Error {
  constructor(
    message: string,
    /** An error code like the service's (e.g. NOT_FOUND), shown as "error [CODE]: …". */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'OperationFailedError';
  }
}

/** The service is not there or refused us: exit 3. */
export class ConnectionError extends Error {
  constructor(
    message: string,
    readonly reason: 'unreachable' | 'unauthorized',
  ) {
    super(message);
    this.name = 'ConnectionError';
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function causeCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    // AggregateError (happy eyeballs) carries several
    const errors = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(errors) && errors.length) return causeCode(errors[0]);
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A WebSocket close event (graphql-ws rejects with one when the socket closes). */
function closeCode(err: unknown): number | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'number') {
    return (err as { code: number }).code;
  }
  return undefined;
}

export interface ErrorContext {
  url: string;
  token: string | undefined;
}

function refused(ctx: ErrorContext, detail: string): ConnectionError {
  const hint = ctx.token
    ? 'the token given (--token or API_TOKEN) is not the one it expects'
    : 'it needs an API token: pass --token or set API_TOKEN';
  return new ConnectionError(`The service at ${ctx.url} refused the request: ${hint} (${detail})`, 'unauthorized');
}

function unreachable(ctx: ErrorContext, detail: string): ConnectionError {
  return new ConnectionError(`Cannot reach the service at ${ctx.url}: ${detail}. Is it running? (set --url, or PORT/HOST)`, 'unreachable');
}

/** Something answered at the URL, but not the service's GraphQL endpoint. */
function notGraphQL(ctx: ErrorContext, status: number): ConnectionError {
  let hint = 'is --url the service\'s GraphQL endpoint?';
  try {
    const url = new URL(ctx.url);
    if (!url.pathname.replace(/\/+$/, '').endsWith('/graphql')) {
      hint = `the service's GraphQL endpoint is ${url.origin}/graphql (set --url to it)`;
    }
  } catch {
    // not a URL: main() refuses those before any request
  }
  return new ConnectionError(`${ctx.url} answered HTTP ${status}, not GraphQL: ${hint}`, 'unreachable');
}

/** Turns anything a command threw into the error that decides the exit code. */
export function classifyError(err: unknown, ctx: ErrorContext): Error {
  if (err instanceof UsageError || err instanceof OperationFailedError || err instanceof ConnectionError) return err;
  if (err instanceof GraphQLRequestError) {
    if (err.status === 401 || err.status === 403 || err.code === 'UNAUTHENTICATED' || err.code === 'FORBIDDEN') {
      return refused(ctx, err.status ? `HTTP ${err.status}` : (err.code ?? 'unauthenticated'));
    }
    // An answer that is not GraphQL at all: wrong URL, a proxy error page, …
    if (err.status !== undefined && err.status >= 300 && err.errors.every((e) => !e.extensions?.code)) {
      return notGraphQL(ctx, err.status);
    }
    return err;
  }
  const wsCode = closeCode(err);
  if (wsCode !== undefined) {
    if (wsCode === 4401 || wsCode === 4403) return refused(ctx, `WebSocket closed with ${wsCode}`);
    const reason = (err as { reason?: unknown }).reason;
    return unreachable(ctx, `WebSocket closed with ${wsCode}${typeof reason === 'string' && reason ? ` (${reason})` : ''}`);
  }
  const code = causeCode(err);
  if (code && NETWORK_CODES.has(code)) return unreachable(ctx, code);
  if (err instanceof TypeError && /fetch failed/i.test(err.message)) return unreachable(ctx, code ?? err.message);
  // graphql-ws reports a failed WebSocket connection as an ErrorEvent-like object.
  if (err && typeof err === 'object' && (err as { type?: unknown }).type === 'error') {
    return unreachable(ctx, String((err as { message?: unknown }).message ?? 'WebSocket error'));
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** Exit code and the message for stderr. */
export function describeError(err: Error): { code: number; message: string } {
  if (err instanceof UsageError) return { code: EXIT.USAGE, message: `error: ${err.message}` };
  if (err instanceof ConnectionError) return { code: EXIT.CONNECTION, message: `error: ${err.message}` };
  if (err instanceof GraphQLRequestError) {
    return { code: EXIT.FAILED, message: `error${err.code ? ` [${err.code}]` : ''}: ${err.message}` };
  }
  if (err instanceof OperationFailedError && err.code) return { code: EXIT.FAILED, message: `error [${err.code}]: ${err.message}` };
  return { code: EXIT.FAILED, message: `error: ${err.message}` };
}
