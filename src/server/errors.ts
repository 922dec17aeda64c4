import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError, type YogaServerOptions } from 'graphql-yoga';
import { CoreError } from '../core/errors.js';
import { ServiceError } from '../services/errors.js';
import { StoreUnavailableError } from '../store/errors.js';

type MaskError = NonNullable<Exclude<YogaServerOptions<object, object>['maskedErrors'], boolean | undefined>['maskError']>;

/** An expected domain failure from the services or the core. */
function domainError(error: unknown): { code: string; message: string } | null {
  return error instanceof ServiceError || error instanceof CoreError || error instanceof StoreUnavailableError ? error : null;
}

/**
 * The three tiers: domain failures keep their message and get `extensions.code`; errors of
 * the GraphQL layer itself (syntax, validation) pass as they are; everything else is masked
 * ("Unexpected error.", with details only outside production).
 */
export const maskError: MaskError = (error, message, isDev) => {
  const original = error instanceof GraphQLError ? (error.originalError ?? null) : error;
  const domain = domainError(original);
  if (domain) {
    return new GraphQLError(domain.message, {
      nodes: error instanceof GraphQLError ? error.nodes : undefined,
      path: error instanceof GraphQLError ? error.path : undefined,
      extensions: { code: domain.code },
    });
  }
  return yogaMaskError(error, message, isDev);
};
