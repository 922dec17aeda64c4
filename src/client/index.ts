import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { withRelease } from '../lib/async-iterators.js';
import type { ProgressEventsSubscription, ProgressEventsSubscriptionVariables } from './generated/graphql.js';
import { ProgressEventsDocument } from './operations.js';

/** Delay before the first reconnect of `watch`; doubles up to WATCH_MAX_RETRY_MS. */
export const WATCH_FIRST_RETRY_MS = 250;
/** Longest pause between two reconnect attempts of `watch`. */
export const WATCH_MAX_RETRY_MS = 5_000;

/** graphql-ws close codes that mean "do not retry": bad request, unauthorized, forbidden, bad protocol. */
const FATAL_CLOSE_CODES = new Set([4400, 4401, 4403, 4406]);

export interface ProgressClientOptions {
  /** The service's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql (ws:// is derived). */
  url: string;
  /** The service's API_TOKEN, when it has one. @default undefined */
  token?: string;
}

/** A GraphQL answer with errors: `errors` as the service sent them, `code` of the first. */
export class GraphQLRequestError extends Error {
  readonly code: string | undefined;
  constructor(
    readonly errors: readonly GraphQLFormattedError[],
    readonly status?: number,
  ) {
    super(errors.map((e) => e.message).join('; ') || `HTTP ${status}`);
    this.name = 'GraphQLRequestError';
    this.code = errors[0]?.extensions?.code as string | undefined;
  }
}

export type ProgressEventMessage = ProgressEventsSubscription['progressEvents'];

export interface WatchOptions extends Omit<ProgressEventsSubscriptionVariables, 'after'> {
  /** Resume after this cursor instead of starting from `snapshot`. @default undefined */
  after?: string;
  /** Called when the service drops the connection and the watch reconnects. */
  onReconnect?: (attempt: number, error: unknown) => void;
  /** Called when the cursor expired and the watch started over with a snapshot (a gap). */
  onReset?: () => void;
}

/**
 * The project's typed client: queries and mutations over HTTP, subscriptions over
 * graphql-ws, and `watch`, a progress stream that survives restarts of the service.
 */
export interface ProgressClient {
  request<R, V extends Record<string, unknown>>(document: TypedDocumentNode<R, V>, variables?: V): Promise<R>;
  subscribe<R, V extends Record<string, unknown>>(document: TypedDocumentNode<R, V>, variables?: V): AsyncIterableIterator<R>;
  /**
   * Progress events, forever: it reconnects after a dropped connection and resumes with
   * `after` = the last cursor it delivered, so the caller sees no gap and no duplicate.
   * Break out of the loop (or call return()) to stop.
   */
  watch(options?: WatchOptions): AsyncIterableIterator<ProgressEventMessage>;
  /** The cursor of the last event `watch` delivered. */
  readonly lastCursor: string | undefined;
  close(): Promise<void>;
}

export function createProgressClient(options: ProgressClientOptions): ProgressClient {
  const httpUrl = options.url;
  const wsUrl = httpUrl.replace(/^http/, 'ws');
  const authorization = options.token ? `Bearer ${options.token}` : undefined;
  let ws: Client | null = null;
  let lastCursor: string | undefined;

  const wsClient = () =>
    (ws ??= createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: authorization ? { authorization } : {},
      lazy: true,
      // watch() resubscribes itself with a fresh cursor; graphql-ws would repeat the old one.
      retryAttempts: 0,
    }));

  async function request<R, V extends Record<string, unknown>>(document: TypedDocumentNode<R, V>, variables?: V) {
    const res = await fetch(httpUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(authorization ? { authorization } : {}),
      },
      body: JSON.stringify({ query: print(document), variables }),
    });
    const text = await res.text();
    let body: { data?: R; errors?: GraphQLFormattedError[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new GraphQLRequestError([{ message: `HTTP ${res.status}: ${text.slice(0, 200)}` }], res.status);
    }
    if (body.errors?.length || !body.data) throw new GraphQLRequestError(body.errors ?? [], res.status);
    return body.data;
  }

  function subscribe<R, V extends Record<string, unknown>>(
    document: TypedDocumentNode<R, V>,
    variables?: V,
  ): AsyncIterableIterator<R> {
    const iterator = wsClient().iterate<R>({ query: print(document), variables });
    async function* unwrap() {
      try {
        for await (const result of iterator) {
          if (result.errors?.length || !result.data) throw new GraphQLRequestError(result.errors ?? []);
          yield result.data;
        }
      } catch (err) {
        // graphql-ws rejects with the operation's errors as a plain array.
        if (Array.isArray(err)) throw new GraphQLRequestError(err as GraphQLFormattedError[]);
        throw err;
      }
    }
    // A generator ignores return() while it awaits: end the subscription it waits on too.
    return withRelease(unwrap(), () => void iterator.return?.());
  }

  function watch(watchOptions: WatchOptions = {}): AsyncIterableIterator<ProgressEventMessage> {
    let current: AsyncIterableIterator<unknown> | null = null;
    const stopped = new AbortController();
    // A generator ignores return() while it awaits: end the subscription (or the pause
    // before a reconnect) it waits on too.
    return withRelease(watchLoop(watchOptions, (s) => (current = s), stopped.signal), () => {
      stopped.abort();
      void current?.return?.();
    });
  }

  async function* watchLoop(
    watchOptions: WatchOptions,
    setCurrent: (stream: AsyncIterableIterator<unknown>) => void,
    stopped: AbortSignal,
  ): AsyncGenerator<ProgressEventMessage> {
    const { onReconnect, onReset, after, ...variables } = watchOptions;
    let cursor = after;
    let attempt = 0;
    while (!stopped.aborted) {
      const stream = subscribe(ProgressEventsDocument, {
        ...variables,
        snapshot: cursor === undefined ? variables.snapshot : false,
        after: cursor,
      });
      setCurrent(stream);
      try {
        for await (const { progressEvents } of stream) {
          attempt = 0;
          cursor = progressEvents.cursor;
          lastCursor = cursor;
          yield progressEvents;
        }
        return; // the server completed the subscription, or the caller stopped
      } catch (err) {
        if (err instanceof GraphQLRequestError && err.code === 'CURSOR_EXPIRED') {
          cursor = undefined;
          variables.snapshot = true;
          onReset?.();
          continue;
        }
        // Refused (bad input, bad token): reconnecting will not help.
        if (err instanceof GraphQLRequestError || FATAL_CLOSE_CODES.has((err as { code?: number }).code ?? 0)) throw err;
        attempt++;
        onReconnect?.(attempt, err);
        const delay = Math.min(WATCH_MAX_RETRY_MS, WATCH_FIRST_RETRY_MS * 2 ** (attempt - 1));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          stopped.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
      } finally {
        await stream.return?.();
      }
    }
  }

  return {
    request,
    subscribe,
    watch,
    get lastCursor() {
      return lastCursor;
    },
    async close() {
      await ws?.dispose();
      ws = null;
    },
  };
}
