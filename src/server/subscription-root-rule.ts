import {
  GraphQLError,
  Kind,
  SingleFieldSubscriptionsRule,
  type ASTVisitor,
  type OperationDefinitionNode,
  type SelectionNode,
  type ValidationContext,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Whether `@skip` or `@include` sits on the root selections of `operation` (through fragments too). */
function rootUsesSkipOrInclude(operation: OperationDefinitionNode, context: ValidationContext): boolean {
  const seen = new Set<string>();
  const walk = (selections: readonly SelectionNode[]): boolean =>
    selections.some((selection) => {
      if (selection.directives?.some((d) => d.name.value === 'skip' || d.name.value === 'include')) return true;
      if (selection.kind === Kind.INLINE_FRAGMENT) return walk(selection.selectionSet.selections);
      if (selection.kind === Kind.FRAGMENT_SPREAD && !seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = context.getFragment(selection.name.value);
        return fragment ? walk(fragment.selectionSet.selections) : false;
      }
      return false;
    });
  return walk(operation.selectionSet.selections);
}

/**
 * graphql-js 16's SingleFieldSubscriptionsRule, plus the check the GraphQL spec added to it in
 * its 2021 edition (and graphql-js 17 has): no `@skip` or `@include` on the root field of a
 * subscription. A subscription listens to exactly one root field; a skipped one leaves none
 * (graphql-js 16 then fails inside execution with a TypeError, "Unexpected error"), and
 * `@include(if: $var)` makes graphql-js 16's own rule throw instead of reporting.
 */
export function SubscriptionRootDirectivesRule(context: ValidationContext): ASTVisitor {
  const singleField = SingleFieldSubscriptionsRule(context) as { OperationDefinition?: (node: OperationDefinitionNode) => unknown };
  return {
    OperationDefinition(node) {
      if (node.operation !== 'subscription') return undefined;
      if (rootUsesSkipOrInclude(node, context)) {
        const name = node.name ? `"${node.name.value}" ` : '';
        context.reportError(
          new GraphQLError(`Subscription ${name}must not use @skip or @include on its root field: a subscription listens to exactly one field`, {
            nodes: node,
          }),
        );
        return false;
      }
      singleField.OperationDefinition?.(node);
      return undefined;
    },
  };
}

/**
 * Puts {@link SubscriptionRootDirectivesRule} in place of graphql-js's SingleFieldSubscriptionsRule
 * in yoga's validation (HTTP, SSE and WebSocket).
 */
export function useSubscriptionRootDirectivesRule(): Plugin {
  return {
    onValidate({ params, addValidationRule }) {
      const index = params.rules?.indexOf(SingleFieldSubscriptionsRule) ?? -1;
      if (index >= 0) (params.rules as unknown[])[index] = SubscriptionRootDirectivesRule;
      else addValidationRule(SubscriptionRootDirectivesRule);
    },
  };
}
