import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { GraphQLError } from 'graphql';
import { createYoga, type GraphiQLOptions, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { CoreError } from '../core/errors.js';
import { ServiceError } from '../services/errors.js';
import { useBearerAuth } from './auth.js';
import { maskError, useBoundedValidationErrors } from './errors.js';
import { useListBounds } from './list-bounds.js';
import { MAX_REQUEST_BODY_BYTES, useJsonRequestBodies } from './request-body.js';
import { useSubscriptionRootDirectivesRule } from './subscription-root-rule.js';
import type { AppContext } from '../schema/builder.js';
import { schema } from '../schema/index.js';

/** Query limits (graphql-armor), applied to HTTP and WebSocket operations alike. */
export const QUERY_LIMITS = {
  maxDepth: 10,
  maxCost: 5_000,
  maxAliases: 15,
  maxTokens: 2_000,
  maxDirectives: 20,
} as const;

/**
 * What GraphiQL shows first: the live stream, with the next steps in comments. The steps go in
 * another browser tab: a new GraphiQL tab ("+") would stop this one's subscription. The series
 * is the README's (a test keeps both on the demo catalog's real keys and folders).
 */
export const GRAPHIQL_DEFAULT_QUERY = `# Live progress of everything: current state first, then every change.
# Press the run button and leave this tab open. Then, in another browser tab
# (a new GraphiQL tab would stop this subscription), open this page again and run:
#   mutation { addSeries(key: "mushishi") { folder missingCount } }
#   mutation { startScan { id status } }
#   mutation { enqueueMissing { id serieFolder season episode status } }
subscription Live {
  progressEvents(snapshot: true) {
    cursor
    type
    progress { id status title percent current total speed eta message error }
  }
}
`;

export interface YogaOptions {
  context: AppContext;
  logger: Logger;
  checkToken: (authorization: unknown) => boolean;
  production: boolean;
  /**
   * Origins besides the service's own that get CORS headers (requests from any other origin
   * never reach yoga: the request guard refuses them). @default []
   */
  allowedOrigins?: readonly string[];
  /** Renders GraphiQL's page. @default graphql-yoga's renderer, everything inline */
  renderGraphiQL?: (options: GraphiQLOptions) => string;
}

export type Yoga = YogaServerInstance<Record<string, unknown>, AppContext>;

export function createYogaServer({ context, logger, checkToken, production, allowedOrigins = [], ...options }: YogaOptions): Yoga {
  const log = logger.child({ component: 'graphql' });
  const corsOrigins = new Set(allowedOrigins);
  return createYoga<Record<string, unknown>, AppContext>({
    schema,
    graphqlEndpoint: '/graphql',
    context: () => context,
    // The GraphiQL assets ship inside the package: the page works with no internet.
    renderGraphiQL: options.renderGraphiQL ?? renderGraphiQL,
    graphiql: {
      title: 'Anime progress',
      // Subscriptions over SSE: each is a request carrying the Headers tab (the Authorization
      // header with API_TOKEN set); GraphiQL's WebSocket would send no connection params, and a
      // token in the URL would end up in logs and history.
      subscriptionsProtocol: 'SSE',
      defaultQuery: GRAPHIQL_DEFAULT_QUERY,
      // A token put in the Headers tab once reaches every tab, and the next visit.
      shouldPersistHeaders: true,
    },
    landingPage: false,
    maxRequestBodySize: MAX_REQUEST_BODY_BYTES,
    // File uploads are not part of this API, and a multipart body is a form a page can post.
    multipart: false,
    // CORS headers for the ALLOWED_ORIGINS only (yoga's default reflects any origin, with
    // credentials); same-origin pages need none.
    cors: (request) => {
      const origin = request.headers.get('origin');
      return origin !== null && corsOrigins.has(origin) ? { origin: [origin], credentials: true } : false;
    },
    maskedErrors: { maskError, isDev: !production },
    logging: {
      debug: (...args) => log.debug(args.map(String).join(' ')),
      info: (...args) => log.info(args.map(String).join(' ')),
      warn: (...args) => log.warn(args.map(String).join(' ')),
      // Domain failures are answers, not faults: yoga reports them before masking, so demote.
      error: (...args) => {
        const err = args.find((a) => a instanceof Error);
        const original = err instanceof GraphQLError ? err.originalError : err;
        const expected = original instanceof ServiceError || original instanceof CoreError;
        log[expected ? 'debug' : 'error']({ err }, args.map(String).join(' '));
      },
    },
    plugins: [
      useBearerAuth(checkToken),
      useJsonRequestBodies(),
      useSubscriptionRootDirectivesRule(),
      useBoundedValidationErrors(),
      useListBounds(),
      EnvelopArmorPlugin({
        maxDepth: { n: QUERY_LIMITS.maxDepth },
        costLimit: { maxCost: QUERY_LIMITS.maxCost },
        maxAliases: { n: QUERY_LIMITS.maxAliases },
        maxTokens: { n: QUERY_LIMITS.maxTokens },
        maxDirectives: { n: QUERY_LIMITS.maxDirectives },
        blockFieldSuggestion: { enabled: production },
      }),
    ],
  });
}
