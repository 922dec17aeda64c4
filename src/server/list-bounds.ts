import { GraphQLError, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Most items a list argument may hold. Lists reach SQL `IN (…)` clauses, filters and loops;
 * a bound keeps each of those small (40,000 types used to hit SQLite's variable limit) and
 * is far above what any real request sends (a page holds 100, enqueueDownloads takes 1,000).
 */
export const MAX_LIST_ITEMS = 1_000;

function refusal(where: string, length: number): GraphQLError {
  return new GraphQLError(`${where} holds ${length} items: a list argument holds at most ${MAX_LIST_ITEMS}`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

/**
 * The refusal for an operation with a list longer than {@link MAX_LIST_ITEMS}, in the
 * document (a list literal) or in its variables (variables only ever feed arguments), or
 * null. Walks without recursion: a deeply nested variable cannot exhaust the stack.
 */
export function listBoundsError(document: DocumentNode, variables: unknown): GraphQLError | null {
  let found: GraphQLError | null = null;
  visit(document, {
    ListValue(node) {
      if (node.values.length > MAX_LIST_ITEMS) {
        found = refusal('a list in the query', node.values.length);
        return false;
      }
      return undefined;
    },
  });
  if (found) return found;
  const stack: Array<[unknown, string]> = [];
  if (variables && typeof variables === 'object') {
    for (const [name, value] of Object.entries(variables)) stack.push([value, `$${name}`]);
  }
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (Array.isArray(value)) {
      if (value.length > MAX_LIST_ITEMS) return refusal(`variable ${path}`, value.length);
      value.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) stack.push([item, `${path}.${key}`]);
    }
  }
  return null;
}

/**
 * Applies {@link listBoundsError} to every operation yoga runs (HTTP, SSE, and WebSocket
 * operations on the envelop path); the WebSocket server checks the fan-out path itself.
 */
export function useListBounds(): Plugin {
  const check = ({ args, setResultAndStopExecution }: {
    args: { document: DocumentNode; variableValues?: unknown };
    setResultAndStopExecution: (result: { errors: GraphQLError[] }) => void;
  }) => {
    const error = listBoundsError(args.document, args.variableValues);
    if (error) setResultAndStopExecution({ errors: [error] });
  };
  return { onExecute: check, onSubscribe: check };
}
