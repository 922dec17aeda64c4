import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError, type Plugin, type YogaServerOptions } from 'graphql-yoga';
import { CoreError } from '../core/errors.js';
import { ServiceError } from '../services/errors.js';
import { StoreUnavailableError } from '../store/errors.js';

type MaskError = NonNullable<Exclude<YogaServerOptions<object, object>['maskedErrors'], boolean | undefined>['maskError']>;

/** An expected domain failure from the services or the core. */
function domainError(error: unknown): { code: string; message: string } | null {
  return error instanceof ServiceError || error instanceof CoreError || error instanceof StoreUnavailableError ? error : null;
}

/**
 * Longest error message sent. graphql-js quotes invalid values whole (a 10 KB variable comes
 * back twice, as 20 KB), and a message may hold any text a client sent: past this, it is cut.
 */
export const MAX_ERROR_MESSAGE_LENGTH = 1_000;

/** The error, its message cut to {@link MAX_ERROR_MESSAGE_LENGTH} characters if longer. */
export function boundedError<T>(error: T): T {
  if (!(error instanceof GraphQLError) || error.message.length <= MAX_ERROR_MESSAGE_LENGTH) return error;
  return new GraphQLError(
    `${error.message.slice(0, MAX_ERROR_MESSAGE_LENGTH)}… (cut: the message held ${error.message.length} characters)`,
    {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: error.originalError,
      extensions: error.extensions,
    },
  ) as T;
}

/**
 * The three tiers: domain failures keep their message and get `extensions.code`; errors of
 * the GraphQL layer itself (syntax, validation) pass as they are; everything else is masked
 * ("Unexpected error.", with details only outside production). Every message is bounded.
 */
export const maskError: MaskError = (error, message, isDev) => {
  const original = error instanceof GraphQLError ? (error.originalError ?? null) : error;
  const domain = domainError(original);
  if (domain) {
    return boundedError(
      new GraphQLError(domain.message, {
        nodes: error instanceof GraphQLError ? error.nodes : undefined,
        path: error instanceof GraphQLError ? error.path : undefined,
        extensions: { code: domain.code },
      }),
    );
  }
  return boundedError(yogaMaskError(error, message, isDev));
};

/**
 * Bounds the messages of validation errors too: yoga answers them as they are, without
 * passing them through {@link maskError} ("Cannot query field" quotes the field name whole).
 */
export function useBoundedValidationErrors(): Plugin {
  return {
    onValidate() {
      return ({ valid, result, setResult }) => {
        if (!valid) setResult(result.map(boundedError));
      };
    },
  };
}
