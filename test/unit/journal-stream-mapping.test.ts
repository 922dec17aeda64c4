import { getNamedType, isEnumType, isListType, isNonNullType, type GraphQLArgument, type GraphQLInputType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { journalStreamOf } from '../../src/schema/journal-stream.js';

/** Two different values an argument of this type can take (a list: one of its items). */
function samples(type: GraphQLInputType): [unknown, unknown] {
  const inner = isNonNullType(type) ? type.ofType : type;
  const named = getNamedType(inner);
  let pair: [unknown, unknown];
  if (isEnumType(named)) pair = [named.getValues()[0]!.value, named.getValues()[1]!.value];
  else if (named.name === 'Boolean') pair = [true, false];
  else if (named.name === 'Int' || named.name === 'Float') pair = [1, 2];
  else pair = ['a', 'b'];
  return isListType(inner) ? [[pair[0]], [pair[1]]] : pair;
}

const journalFields = Object.values(schema.getSubscriptionType()!.getFields()).filter((f) => journalStreamOf(f));

describe('subscription fields mapped to the journal (the fan-out serves them)', () => {
  it('are the progress subscriptions', () => {
    expect(journalFields.map((f) => f.name).sort()).toEqual(['progressEvents', 'progressUpdated']);
  });

  // A new argument the mapping does not read would be ignored on both paths alike: each
  // argument must change what is streamed.
  for (const field of journalFields) {
    const required = field.args.filter((a) => isNonNullType(a.type));
    const baseline = Object.fromEntries(required.map((a) => [a.name, samples(a.type)[0]]));
    it.each(field.args.map((a): [string, GraphQLArgument] => [a.name, a]))(`${field.name}(%s) changes the StreamOptions`, (_name, arg) => {
      const map = journalStreamOf(field)!;
      const [first, second] = samples(arg.type);
      const value = isNonNullType(arg.type) ? second : first;
      expect(map({ ...baseline, [arg.name]: value })).not.toEqual(map(baseline));
    });
  }
});
