import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentString } from './generated/graphql.ts';

/** Longest wait between two reconnect attempts after the service went away. */
export const MAX_RETRY_WAIT_MS = 3_000;
/** First wait before reconnecting; doubles per failed attempt up to MAX_RETRY_WAIT_MS. */
export const FIRST_RETRY_WAIT_MS = 250;
/** Ping interval: a silently dead connection (laptop asleep, proxy gone) is noticed this fast. */
export const KEEP_ALIVE_MS = 10_000;
/** graphql-ws close code the service uses for a missing or wrong token. */
const FORBIDDEN = 4403;

/** Where the page keeps the API token (the browser's localStorage). */
const TOKEN_KEY = 'anime-progress:api-token';

export function storedToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null; // storage disabled: the token lives only as long as the page
  }
}

/**
 * A token handed over in the address's fragment (`/#token=…`, never sent to any server): kept
 * like a typed one, and taken out of the address bar and history at once.
 */
export function tokenFromLocation(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!match) return null;
  history.replaceState(null, '', location.pathname + location.search);
  const token = decodeURIComponent(match[1]!);
  storeToken(token);
  return token;
}

export function storeToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage disabled: nothing to keep
  }
}

interface FormattedError {
  message: string;
  extensions?: Record<string, unknown>;
}

/** A GraphQL or transport failure; `code` is the service's extensions.code when it gave one. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static from(errors: readonly FormattedError[]): ApiError {
    const code = errors[0]?.extensions?.code;
    return new ApiError(errors.map((e) => e.message).join('; ') || 'Unknown error', typeof code === 'string' ? code : undefined);
  }
}

export const isAuthError = (err: unknown): boolean => err instanceof ApiError && err.code === 'UNAUTHENTICATED';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'refused';

export interface Sink<R> {
  next(data: R): void;
  error(err: ApiError): void;
}

type Vars<V> = V extends Record<string, never> ? Record<string, never> | undefined : V;

/** The page's one connection to the service: HTTP for queries and mutations, one WebSocket for live data. */
export interface Api {
  request<R, V>(document: TypedDocumentString<R, V>, variables?: Vars<V>): Promise<R>;
  /**
   * A subscription over the page's one socket. `variables` is called each time the
   * subscription is (re)sent, so a reconnect after a restart of the service asks for what
   * happened since the last event shown (`after`), not what the first subscribe asked for.
   */
  subscribe<R, V>(document: TypedDocumentString<R, V>, variables: () => Vars<V>, sink: Sink<R>): () => void;
  /** Called with every change of the socket's state, and once at once with the current one. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
  dispose(): void;
}

export function createApi(token: string | null, origin: URL = new URL(location.href)): Api {
  const httpUrl = new URL('/graphql', origin).href;
  const wsUrl = httpUrl.replace(/^http/, 'ws');
  const authorization = token ? `Bearer ${token}` : null;
  let state: ConnectionState = 'connecting';
  const listeners = new Set<(s: ConnectionState) => void>();
  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const l of listeners) l(state);
  };

  const ws: Client = createClient({
    url: wsUrl,
    connectionParams: () => (authorization ? { authorization } : {}),
    lazy: true,
    keepAlive: KEEP_ALIVE_MS,
    retryAttempts: Infinity,
    // A home server restarts; keep trying. A refused token will not get better by retrying.
    shouldRetry: (e) => (e as { code?: number }).code !== FORBIDDEN,
    retryWait: (retries) =>
      new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RETRY_WAIT_MS, FIRST_RETRY_WAIT_MS * 2 ** retries))),
    on: {
      connected: () => setState('live'),
      closed: (e) => setState((e as { code?: number }).code === FORBIDDEN ? 'refused' : 'reconnecting'),
    },
  });

  return {
    async request(document, variables) {
      let res: Response;
      try {
        res = await fetch(httpUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/graphql-response+json, application/json',
            ...(authorization ? { authorization } : {}),
          },
          body: JSON.stringify({ query: document.toString(), variables }),
        });
      } catch {
        throw new ApiError('The service cannot be reached.', 'NETWORK');
      }
      let body: { data?: unknown; errors?: FormattedError[] };
      try {
        body = (await res.json()) as typeof body;
      } catch {
        throw new ApiError(`The service answered HTTP ${res.status}.`, `HTTP_${res.status}`);
      }
      if (body.errors?.length || !body.data) throw ApiError.from(body.errors ?? []);
      return body.data as never;
    },

    subscribe(document, variables, sink) {
      // graphql-ws serialises this payload each time it (re)subscribes, so the getter is read
      // again on every reconnect: the resubscription carries the newest `after` cursor.
      const payload = {
        query: document.toString(),
        get variables() {
          return variables() as Record<string, unknown> | undefined;
        },
      };
      return ws.subscribe(payload, {
        next: (result) => {
          if (result.errors?.length) sink.error(ApiError.from(result.errors));
          else if (result.data) sink.next(result.data as never);
        },
        error: (err) => {
          if (Array.isArray(err)) sink.error(ApiError.from(err as FormattedError[]));
          else if ((err as { code?: number }).code === FORBIDDEN)
            sink.error(new ApiError('The service refused the token.', 'UNAUTHENTICATED'));
          else sink.error(new ApiError(err instanceof Error ? err.message : 'The connection failed.', 'NETWORK'));
        },
        complete: () => undefined,
      });
    },

    onConnection(listener) {
      listeners.add(listener);
      listener(state);
      return () => listeners.delete(listener);
    },

    dispose() {
      listeners.clear();
      void ws.dispose();
    },
  };
}
