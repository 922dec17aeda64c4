import { parse, SingleFieldSubscriptionsRule, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { SubscriptionRootDirectivesRule } from '../../src/server/subscription-root-rule.js';

/** graphql-js's rules, with ours in place of SingleFieldSubscriptionsRule (as the yoga plugin does). */
const rules = specifiedRules.map((rule) => (rule === SingleFieldSubscriptionsRule ? SubscriptionRootDirectivesRule : rule));
const check = (query: string) => validate(schema, parse(query), rules).map((e) => e.message);

describe('SubscriptionRootDirectivesRule', () => {
  it.each([
    ['@skip on the root field', 'subscription { progressEvents @skip(if: true) { cursor } }'],
    ['@include on the root field', 'subscription S($on: Boolean!) { progressEvents @include(if: $on) { cursor } }'],
    ['inside an inline fragment', 'subscription { ... on Subscription { progressEvents @skip(if: false) { cursor } } }'],
    ['inside a named fragment', 'subscription { ...F } fragment F on Subscription { progressEvents @skip(if: true) { cursor } }'],
    ['on an inline fragment at the root', 'subscription { ... @skip(if: true) { progressEvents { cursor } } }'],
  ])('refuses %s', (_name, query) => {
    expect(check(query)).toEqual([expect.stringMatching(/must not use @skip or @include on its root field/)]);
  });

  it('still refuses two root fields, as graphql-js does', () => {
    expect(check('subscription { progressEvents { cursor } queueUpdated { isRunning } }')).toEqual([
      expect.stringMatching(/must select only one top level field/),
    ]);
  });

  it('lets directives below the root field, and queries, pass', () => {
    expect(check('subscription { progressEvents { cursor progress @skip(if: true) { id } } }')).toEqual([]);
    expect(check('query { activeProgress @skip(if: true) { id } }')).toEqual([]);
  });
});
