import { describe, expect, test } from 'vitest';
import * as z from 'zod';
import { jsonFromSchema } from '#shared/providers/mock/json-from-schema.ts';

type JsonSchema = Parameters<typeof z.fromJSONSchema>[0];

// The value must be valid for the schema a client sent. Zod is the judge: its schemas are turned
// into JSON schemas as SDKs do (`z.toJSONSchema`), and hand-written JSON schemas back into zod.

const RECIPE = z.object({
  name: z.string(),
  servings: z.number().int().min(1).max(12),
  difficulty: z.enum(['easy', 'medium', 'hard']),
  vegetarian: z.boolean(),
  tags: z.array(z.string()).min(3).max(5),
  ingredients: z.array(z.object({ item: z.string(), grams: z.number().positive(), note: z.string().nullable() })),
  author: z.object({ email: z.email(), website: z.url().optional(), id: z.uuid() }),
  published: z.iso.date(),
  updated: z.iso.datetime(),
  prepTime: z.iso.time(),
  rating: z.number().min(0).max(5).multipleOf(0.5),
  code: z.string().regex(/^[A-Z]{3}-\d{3}$/),
  summary: z.string().min(10).max(20),
  origin: z.literal('kitchen'),
  pair: z.tuple([z.string(), z.number()]),
  extras: z.record(z.string(), z.number()),
  either: z.union([z.number(), z.string()]),
});

describe('jsonFromSchema', () => {
  test('a value for a zod schema, as the SDKs send it, passes that zod schema', () => {
    // Prepare
    const schema = z.toJSONSchema(RECIPE);

    // Act
    const value = jsonFromSchema(schema, { text: 'A lasagna recipe' });

    // Assess
    expect(RECIPE.safeParse(value).error).toBeUndefined();
    expect(value).toMatchObject({
      name: 'A lasagna recipe',
      servings: 1,
      difficulty: 'easy',
      vegetarian: true,
      tags: ['tags 1', 'tags 2', 'tags 3'],
      author: { email: 'user@example.com', website: 'https://example.com/website' },
      published: '2025-01-01',
      updated: '2025-01-01T12:00:00Z',
      prepTime: '12:00:00',
      code: 'AAA-000',
      origin: 'kitchen',
    });
  });

  test('the same schema and text always give the same value', () => {
    // Prepare
    const schema = z.toJSONSchema(RECIPE);

    // Act
    const first = jsonFromSchema(schema, { text: 'x' });
    const second = jsonFromSchema(schema, { text: 'x' });

    // Assess
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  test('only the first free-form string gets the text; the others are named after their property', () => {
    // Act
    const value = jsonFromSchema(
      {
        type: 'object',
        properties: { city: { type: 'string' }, country: { type: 'string' }, day: { type: 'string', format: 'date' } },
      },
      { text: 'weather in Paris' },
    );

    // Assess
    expect(value).toEqual({ city: 'weather in Paris', country: 'country', day: '2025-01-01' });
  });

  test.each([
    { name: 'minimum', schema: { type: 'integer', minimum: 10 }, expected: 10 },
    { name: 'maximum below zero', schema: { type: 'integer', maximum: -5 }, expected: -5 },
    { name: 'exclusive bounds', schema: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 0.5 }, expected: 0.25 },
    { name: 'draft 4 exclusive minimum', schema: { type: 'integer', minimum: 1, exclusiveMinimum: true }, expected: 2 },
    { name: 'multipleOf within bounds', schema: { type: 'integer', minimum: 3, multipleOf: 5 }, expected: 5 },
    { name: 'no bounds', schema: { type: 'number' }, expected: 1 },
  ])('numbers: $name', ({ schema, expected }) => {
    // Act
    const value = jsonFromSchema(schema);

    // Assess
    expect(value).toBe(expected);
  });

  test('lengths are kept, in code points', () => {
    // Act
    const short = jsonFromSchema({ type: 'string', maxLength: 4 }, { text: 'héllo wörld' });
    const long = jsonFromSchema({ type: 'string', minLength: 6 }, { text: 'hi' });

    // Assess
    expect(short).toBe('héll');
    expect(long).toBe('hixxxx');
  });

  test('$ref into $defs, recursive schemas included, ends and validates', () => {
    // Prepare
    interface Node {
      name: string;
      children: Node[];
    }
    const node: z.ZodType<Node> = z.object({
      name: z.string(),
      get children() {
        return z.array(node);
      },
    });
    const tree = z.object({ root: node });

    // Act
    const value = jsonFromSchema(z.toJSONSchema(tree), { text: 'root' });

    // Assess
    expect(tree.safeParse(value).error).toBeUndefined();
    expect(value).toMatchObject({ root: { name: 'root', children: [{ name: 'name 1' }, { name: 'name 2' }] } });
  });

  test.each([
    {
      name: 'allOf merges properties and required lists',
      schema: {
        allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { $ref: '#/$defs/b' }],
        $defs: { b: { type: 'object', properties: { b: { type: 'integer', minimum: 2 } }, required: ['b'] } },
      },
      expected: { a: 'a', b: 2 },
    },
    {
      name: 'anyOf takes the first branch that is not null',
      schema: { anyOf: [{ type: 'null' }, { type: 'object', properties: { x: { type: 'boolean' } } }] },
      expected: { x: true },
    },
    {
      name: 'a type list takes its first type that is not null',
      schema: { type: ['null', 'integer'] },
      expected: 1,
    },
    {
      name: 'a draft 4 tuple',
      schema: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }], additionalItems: false },
      expected: ['item 1', 2],
    },
    {
      name: 'enum items differ, so uniqueItems holds',
      schema: { type: 'array', items: { enum: ['red', 'green', 'blue'] }, minItems: 3, uniqueItems: true },
      expected: ['red', 'green', 'blue'],
    },
    { name: 'const', schema: { type: 'string', const: 'v2' }, expected: 'v2' },
    { name: 'default', schema: { type: 'string', default: 'celsius' }, expected: 'celsius' },
    {
      name: 'minProperties on an open object',
      schema: { type: 'object', minProperties: 1, additionalProperties: { type: 'number' } },
      expected: { property_1: 1 },
    },
    { name: 'an empty schema', schema: {}, expected: 'text' },
  ])('$name', ({ schema, expected }) => {
    // Act
    const value = jsonFromSchema(schema);

    // Assess
    expect(value).toEqual(expected);
    expect(z.fromJSONSchema(schema as JsonSchema).safeParse(value).error).toBeUndefined();
  });

  test('a pattern no candidate matches still gives a string, quickly', () => {
    // Prepare: catastrophic backtracking on long input; candidates are short.
    const schema = { type: 'string', pattern: '^(a+)+$' };

    // Act
    const started = performance.now();
    const value = jsonFromSchema(schema, { text: `${'a'.repeat(60)}!` });

    // Assess
    expect(value).toBe('a');
    expect(performance.now() - started).toBeLessThan(100);
  });
});

test('client minimums cannot make the value unbounded', () => {
  // Prepare: a billion arrays of a billion strings of a million characters each.
  const schema = {
    type: 'array',
    minItems: 1e9,
    items: { type: 'array', minItems: 1e9, items: { type: 'string', minLength: 1e6 } },
  };

  // Act
  const value = jsonFromSchema(schema);

  // Assess
  expect(JSON.stringify(value).length).toBeLessThan(2_000_000);
  expect(Array.isArray(value) && value.length).toBeGreaterThan(0);
});
