// A cache in front of dynalite's expression parsers (UpdateExpression, ConditionExpression...).
// dynalite parses every expression of every request with a generated PEG parser: most of the CPU
// time of an UpdateItem (the limits admission's update and condition took 2 ms to parse on the
// benchmark's busy 2-core machine), while the router sends the same few expressions all the time. The parser's result depends on the
// expression, the attribute names and the attribute values, which it inlines into the tree it
// returns (and checks by type); it also marks which names and values the expression used. So a
// result is kept per expression, names and value *types*, with the values' places marked, and a hit
// returns a fresh tree with this request's values in those places and marks the same names and
// values as used: what the parser returns for that request. Expressions whose outcome depends on
// a value's content, not only its type (BETWEEN compares its bounds, attribute_type reads its type
// name), and failed parses always go to the parser.

/** The `context` dynalite's validations pass to its parsers (validations/index.js). */
export interface ParseContext {
  attrNames?: Record<string, string> | null;
  attrVals?: Record<string, unknown> | null;
  unusedAttrNames?: Record<string, boolean>;
  unusedAttrVals?: Record<string, boolean>;
  isKeyCondition?: boolean;
  [other: string]: unknown;
}

export interface ExpressionParser {
  parse(expression: string, options: { context: ParseContext }): unknown;
}

/** Where a request's value goes in a cached tree. */
class ValueSlot {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

interface Cached {
  tree: unknown;
  usedNames: string[];
  usedValues: string[];
}

const VALUE_DEPENDENT = /between|attribute_type/i;
const MAX_ENTRIES = 1_000;
const ATTRIBUTE_TYPES = ['S', 'N', 'B', 'NULL', 'BOOL', 'SS', 'NS', 'BS', 'L', 'M'] as const;

/** The types the parser checks: the attribute type of each value (the first key it finds, as it does). */
const valueTypes = (values: Record<string, unknown> | null | undefined): string => {
  if (!values) return '';
  let signature = '';
  for (const name of Object.keys(values)) {
    const value = values[name] as Record<string, unknown> | null;
    const type =
      typeof value === 'object' && value !== null ? (ATTRIBUTE_TYPES.find((candidate) => value[candidate] != null) ?? '?') : '?';
    signature += `${name}=${type};`;
  }
  return signature;
};

/** A copy of `tree` with each value of `values` (found by identity, as the parser inlines them) replaced by its slot. */
const toTemplate = (tree: unknown, slots: Map<unknown, string>): unknown => {
  const slot = slots.get(tree);
  if (slot !== undefined) return new ValueSlot(slot);
  if (Array.isArray(tree)) return tree.map((item) => toTemplate(item, slots));
  if (typeof tree === 'object' && tree !== null) {
    // The parser's trees are plain objects and arrays (some made with Object.create(null)).
    const copy: Record<string, unknown> = Object.getPrototypeOf(tree) === null ? Object.create(null) : {};
    for (const key of Object.keys(tree)) copy[key] = toTemplate((tree as Record<string, unknown>)[key], slots);
    return copy;
  }
  return tree;
};

/** A fresh tree from a template, with this request's values in the slots. */
const instantiate = (template: unknown, values: Record<string, unknown>): unknown => {
  if (Array.isArray(template)) return template.map((item) => instantiate(item, values));
  if (typeof template === 'object' && template !== null) {
    if (template instanceof ValueSlot) return values[template.name];
    const copy: Record<string, unknown> = Object.getPrototypeOf(template) === null ? Object.create(null) : {};
    for (const key of Object.keys(template)) copy[key] = instantiate((template as Record<string, unknown>)[key], values);
    return copy;
  }
  return template;
};

/** A parser with the same results and side effects as `parser`, that parses each distinct expression shape once. */
export const cachingParser = (parser: ExpressionParser, stats = { hits: 0, misses: 0 }): ExpressionParser => {
  const original = parser.parse.bind(parser);
  const cache = new Map<string, Cached>();
  return {
    parse(expression, options) {
      const { context } = options;
      if (VALUE_DEPENDENT.test(expression)) return original(expression, options);
      const key = `${context.isKeyCondition ? 'K' : ''}\u0000${expression}\u0000${JSON.stringify(context.attrNames ?? null)}\u0000${valueTypes(context.attrVals)}`;
      const values = context.attrVals ?? {};
      const cached = cache.get(key);
      if (cached) {
        stats.hits += 1;
        for (const name of cached.usedNames) delete context.unusedAttrNames?.[name];
        for (const name of cached.usedValues) delete context.unusedAttrVals?.[name];
        return instantiate(cached.tree, values);
      }
      stats.misses += 1;
      // Which names and values this expression uses, whatever other expressions of the request used
      // before it: the parser marks them in sets of every name and value, then the request's own
      // sets lose the same ones, as the parser would have done to them.
      const unusedNames = context.unusedAttrNames;
      const unusedValues = context.unusedAttrVals;
      const allNames = Object.keys(context.attrNames ?? {});
      const allValues = Object.keys(values);
      const probeNames: Record<string, boolean> = Object.fromEntries(allNames.map((name) => [name, true]));
      const probeValues: Record<string, boolean> = Object.fromEntries(allValues.map((name) => [name, true]));
      context.unusedAttrNames = probeNames;
      context.unusedAttrVals = probeValues;
      let tree: unknown;
      try {
        // Throws on a syntax error, as the parser does (dynalite turns that into its message).
        tree = original(expression, options);
      } finally {
        context.unusedAttrNames = unusedNames;
        context.unusedAttrVals = unusedValues;
      }
      const usedNames = allNames.filter((name) => !Object.hasOwn(probeNames, name));
      const usedValues = allValues.filter((name) => !Object.hasOwn(probeValues, name));
      for (const name of usedNames) delete unusedNames?.[name];
      for (const name of usedValues) delete unusedValues?.[name];
      // A failed check comes back as a message: not cached, the next request gets it from the parser.
      if (typeof tree === 'string') return tree;
      const slots = new Map<unknown, string>();
      for (const name of Object.keys(values)) {
        // Two names bound to one object cannot be told apart in the tree, and only objects can be
        // found by identity: leave such requests uncached.
        // The parser takes a value's type from an `attrType` property when it has one: no such
        // AttributeValue exists, but such a request is not cached either.
        const value = values[name];
        if (typeof value !== 'object' || value === null || slots.has(value) || Object.hasOwn(value, 'attrType')) return tree;
        slots.set(value, name);
      }
      cache.set(key, { tree: toTemplate(tree, slots), usedNames, usedValues });
      if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
      return tree;
    },
  };
};
