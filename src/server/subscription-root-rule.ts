import { GraphQLError, Kind, type ASTVisitor, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Refuses `@skip` and `@include` on the root fields of a subscription (directly or through
 * fragments), as the GraphQL spec's "Single root field" rule does since its 2021 edition and
 * graphql-js 17 will: a subscription needs exactly one root field to listen to, and a skipped
 * one leaves none (graphql-js 16 then fails inside execution with a TypeError).
 */
export function SubscriptionRootDirectivesRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      if (node.operation !== 'subscription') return false;
      const name = node.name ? `"${node.name.value}" ` : '';
      const seen = new Set<string>();
      const walk = (selections: typeof node.selectionSet.selections): void => {
        for (const selection of selections) {
          if (selection.directives?.some((d) => d.name.value === 'skip' || d.name.value === 'include')) {
            context.reportError(
              new GraphQLError(`Subscription ${name}must not use @skip or @include on its root field: a subscription listens to exactly one field`, {
                nodes: selection,
              }),
            );
            return;
          }
          if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet.selections);
          if (selection.kind === Kind.FRAGMENT_SPREAD && !seen.has(selection.name.value)) {
            seen.add(selection.name.value);
            const fragment = context.getFragment(selection.name.value);
            if (fragment) walk(fragment.selectionSet.selections);
          }
        }
      };
      walk(node.selectionSet.selections);
      return false;
    },
  };
}

/** Adds {@link SubscriptionRootDirectivesRule} to yoga's validation (HTTP, SSE and WebSocket). */
export function useSubscriptionRootDirectivesRule(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(SubscriptionRootDirectivesRule);
    },
  };
}
