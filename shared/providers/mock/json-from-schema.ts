import { stringFromPattern } from './string-from-pattern.ts';

// A value that satisfies a JSON schema, made without randomness: the mock model's structured
// output and tool arguments. It covers what clients actually send (OpenAI strict schemas, zod's
// and pydantic's JSON schemas): types, const and enum, properties (all of them, so optional ones
// show too), nested objects and arrays, tuples, `$ref` into the schema, anyOf/oneOf/allOf, string
// formats and lengths, number bounds and multipleOf, item counts, and `pattern` for the usual
// kind of regular expression (string-from-pattern.ts).

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

type Schema = Readonly<Record<string, unknown>>;

export interface JsonFromSchemaOptions {
  /** Goes into the first free-form string (no format, enum or const): the mock puts the prompt there. */
  readonly text?: string;
}

/** Items in an array whose schema does not ask for a count: enough to show it is a list. */
const DEFAULT_ITEMS = 2;
/** Below this depth objects keep only required properties and arrays their minimum: recursive schemas end. */
const SOFT_DEPTH = 8;
/** A required chain of recursive references stops here, with `null`. */
const HARD_DEPTH = 32;
/**
 * What one value may hold at most: `minItems`, `minProperties` and `minLength` come from the
 * client, and nested they multiply. Past these budgets arrays, objects and padding stop growing
 * (the value may then miss a minimum: a mock's answer, not a way to exhaust the router's memory).
 */
const VALUE_BUDGET = 10_000;
const PADDING_BUDGET = 1_000_000;
/** Candidates tested against a schema's `pattern` are at most this long, so a pathological pattern stays cheap. */
const PATTERN_CANDIDATE_MAX = 32;
/** Formats whose values are tried on a `pattern` that comes without its format (zod's `iso.time()`, hand-written ones). */
const PATTERN_SHAPES = ['date-time', 'date', 'time', 'email', 'uuid', 'uri', 'ipv4', 'hostname', 'e164', 'duration'];
/** Then short strings of common character classes. */
const PATTERN_FALLBACKS = ['a', 'A', '0', 'abc', 'ABC', '123', 'a1', 'A1', 'abc123', 'Abc123', 'a-b', 'a_b', 'a.b', ''];

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

interface Slot {
  /** The property name, for labels (`"title"`, `"tags 2"`). */
  key: string;
  /** The position in the nearest array, when the value is an item or inside one: items differ. */
  index?: number | undefined;
}

interface Generation {
  readonly root: Schema;
  text: string | undefined;
  /** Values still allowed (VALUE_BUDGET). */
  budget: number;
  /** Padding characters still allowed for `minLength` (PADDING_BUDGET). */
  padding: number;
}

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** Values for the formats clients use (JSON Schema's, OpenAPI's and zod's); several where patterns differ. */
const formatValues = (format: string, slot: Slot): string[] => {
  const n = slot.index ?? 0;
  const day = pad(1 + (n % 28), 2);
  switch (format) {
    case 'date-time':
      return [`2025-01-${day}T12:00:00Z`, `2025-01-${day}T12:00:00.000Z`, `2025-01-${day}T12:00:00`];
    case 'date':
      return [`2025-01-${day}`];
    case 'time':
      return ['12:00:00Z', '12:00:00', '12:00'];
    case 'duration':
      return [`P${n + 1}D`];
    case 'email':
    case 'idn-email':
      return [n === 0 ? 'user@example.com' : `user${n + 1}@example.com`];
    case 'hostname':
    case 'idn-hostname':
      return [n === 0 ? 'example.com' : `host${n + 1}.example.com`];
    case 'ipv4':
      return [`192.0.2.${n + 1}`];
    case 'ipv6':
      return [`2001:db8::${n + 1}`];
    case 'cidrv4':
      return [`192.0.2.${n}/32`];
    case 'cidrv6':
      return [`2001:db8::${n}/128`];
    case 'uri':
    case 'iri':
    case 'url':
      return [`https://example.com/${encodeURIComponent(slot.key || 'resource')}${n === 0 ? '' : `/${n + 1}`}`];
    case 'uri-reference':
    case 'iri-reference':
    case 'uri-template':
      return [`/${encodeURIComponent(slot.key || 'resource')}`];
    case 'json-pointer':
      return [`/${slot.key || 'value'}`];
    case 'relative-json-pointer':
      return ['0'];
    case 'uuid':
    case 'guid':
      return [`00000000-0000-4000-8000-${pad(n + 1, 12)}`];
    case 'regex':
      return ['^[a-z]+$'];
    case 'byte':
    case 'base64':
      return ['bW9jaw=='];
    case 'base64url':
      return ['bW9jaw'];
    case 'e164':
      return [`+1555555${pad(100 + n, 4)}`];
    case 'ulid':
      return ['01ARZ3NDEKTSV4RRFFQ69G5FAV'];
    case 'cuid':
      return ['cjld2cjxh0000qzrmn831i7rn'];
    case 'cuid2':
      return ['tz4a98xxat96iws9zmbrgj3a'];
    case 'nanoid':
      return ['V1StGXR8_Z5jdHi6B-myT'];
    case 'xid':
      return ['9m4e2mr0ui3e8a215n4g'];
    case 'ksuid':
      return ['0ujtsYcgvSTl8PAuAdqWYSMnLOv'];
    case 'emoji':
      return ['🙂'];
    default:
      return [];
  }
};

const codePoints = (text: string): string[] => Array.from(text);

/** Cut to maxLength, padded to minLength (in code points, as JSON Schema counts). */
const fitLength = (text: string, schema: Schema, generation: Generation): string => {
  let points = codePoints(text);
  if (isNumber(schema.maxLength) && points.length > schema.maxLength) points = points.slice(0, Math.max(0, schema.maxLength));
  if (isNumber(schema.minLength) && points.length < schema.minLength)
    points = [...points, ...Array<string>(Math.min(schema.minLength - points.length, generation.padding)).fill('x')];
  return points.join('');
};

const patternOf = (schema: Schema): RegExp | undefined => {
  if (typeof schema.pattern !== 'string') return undefined;
  try {
    return new RegExp(schema.pattern, 'u');
  } catch {
    return undefined;
  }
};

const stringFrom = (schema: Schema, slot: Slot, generation: Generation): string => {
  const formatted = typeof schema.format === 'string' ? formatValues(schema.format, slot) : [];
  const label = slot.index === undefined ? slot.key || 'text' : `${slot.key || 'item'} ${slot.index + 1}`;
  const freeForm = formatted.length === 0 && generation.text !== undefined;
  const candidates = [...formatted, ...(freeForm ? [generation.text ?? ''] : []), label];
  const settle = (candidate: string, fitted: string): string => {
    if (freeForm && candidate === generation.text) generation.text = undefined;
    generation.padding = Math.max(0, generation.padding - fitted.length);
    return fitted;
  };
  const first = candidates[0] ?? label;
  const pattern = patternOf(schema);
  if (pattern === undefined) return settle(first, fitLength(first, schema, generation));
  const example = stringFromPattern(pattern);
  const shapes = PATTERN_SHAPES.flatMap((format) => formatValues(format, slot));
  for (const candidate of [...candidates, ...shapes, ...(example === undefined ? [] : [example]), ...PATTERN_FALLBACKS]) {
    const fitted = fitLength(candidate, schema, generation);
    if (fitted.length > PATTERN_CANDIDATE_MAX && fitted !== example) continue;
    if (pattern.test(fitted)) return settle(candidate, fitted);
  }
  return settle(first, fitLength(first, schema, generation));
};

const numberFrom = (schema: Schema, integer: boolean, slot: Slot): number => {
  // Draft 4 spells exclusive bounds as booleans beside minimum/maximum.
  const exclusiveMin = isNumber(schema.exclusiveMinimum)
    ? schema.exclusiveMinimum
    : schema.exclusiveMinimum === true && isNumber(schema.minimum)
      ? schema.minimum
      : undefined;
  const exclusiveMax = isNumber(schema.exclusiveMaximum)
    ? schema.exclusiveMaximum
    : schema.exclusiveMaximum === true && isNumber(schema.maximum)
      ? schema.maximum
      : undefined;
  const min = exclusiveMin === undefined && isNumber(schema.minimum) ? schema.minimum : undefined;
  const max = exclusiveMax === undefined && isNumber(schema.maximum) ? schema.maximum : undefined;
  const step = isNumber(schema.multipleOf) && schema.multipleOf > 0 ? schema.multipleOf : undefined;
  const fits = (value: number): boolean =>
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (min === undefined || value >= min) &&
    (max === undefined || value <= max) &&
    (exclusiveMin === undefined || value > exclusiveMin) &&
    (exclusiveMax === undefined || value < exclusiveMax) &&
    (step === undefined || Math.abs(value / step - Math.round(value / step)) < 1e-9);
  const up = (value: number): number =>
    step === undefined ? (integer ? Math.ceil(value) : value) : Math.ceil(value / step) * step;
  const down = (value: number): number =>
    step === undefined ? (integer ? Math.floor(value) : value) : Math.floor(value / step) * step;
  // The nearest values inside the bounds (an exclusive bound moved inwards by one step).
  const inwards = (bound: number, direction: 1 | -1): number =>
    integer && step === undefined
      ? direction === 1
        ? Math.floor(bound) + 1
        : Math.ceil(bound) - 1
      : bound + direction * (step ?? 1);
  const low = min ?? (exclusiveMin === undefined ? undefined : inwards(exclusiveMin, 1));
  const high = max ?? (exclusiveMax === undefined ? undefined : inwards(exclusiveMax, -1));
  const n = slot.index ?? 0;
  // Small, readable values first; items of an array differ (uniqueItems).
  const candidates = [1 + n, n, ...(step === undefined ? [] : [step * (1 + n)])];
  if (low !== undefined) candidates.push(up(low) + (step ?? 1) * n, up(low));
  if (high !== undefined) candidates.push(down(high) - (step ?? 1) * n, down(high));
  if (low !== undefined && high !== undefined) candidates.push(down((low + high) / 2), (low + high) / 2);
  // Between two exclusive bounds closer than 1 (0 < x < 0.5): halfway.
  if (exclusiveMin !== undefined && exclusiveMax !== undefined) candidates.push((exclusiveMin + exclusiveMax) / 2);
  return candidates.find(fits) ?? low ?? high ?? 0;
};

/** Resolves a local `$ref` (`#`, `#/$defs/Name`, `#/definitions/Name`, any JSON pointer into the root). */
const resolveRef = (ref: string, root: Schema): Schema => {
  if (!ref.startsWith('#')) return {};
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    node = isSchema(node) ? node[key] : Array.isArray(node) ? node[Number(key)] : undefined;
  }
  // An unresolvable reference (or `true`) allows anything.
  return isSchema(node) ? node : {};
};

/** One schema out of `allOf` (properties and required lists merged; later keywords win otherwise). */
const mergeAll = (schema: Schema, root: Schema): Schema => {
  const { allOf, ...rest } = schema;
  if (!Array.isArray(allOf)) return schema;
  let merged: Record<string, unknown> = { ...rest };
  for (const part of allOf) {
    if (!isSchema(part)) continue;
    const { $ref, ...own } = part;
    const flat = mergeAll(typeof $ref === 'string' ? { ...resolveRef($ref, root), ...own } : own, root);
    const properties = {
      ...(isSchema(merged.properties) ? merged.properties : {}),
      ...(isSchema(flat.properties) ? flat.properties : {}),
    };
    const required = [
      ...new Set([
        ...(Array.isArray(merged.required) ? merged.required : []),
        ...(Array.isArray(flat.required) ? flat.required : []),
      ]),
    ];
    merged = {
      ...merged,
      ...flat,
      ...(Object.keys(properties).length > 0 ? { properties } : {}),
      ...(required.length > 0 ? { required } : {}),
    };
  }
  return merged;
};

const isNullSchema = (schema: unknown): boolean => isSchema(schema) && schema.type === 'null';

const typeNames = ['null', 'boolean', 'integer', 'number', 'string', 'array', 'object'] as const;
type TypeName = (typeof typeNames)[number];
const isTypeName = (value: unknown): value is TypeName => typeNames.some((name) => name === value);

/** The declared type (the first that is not `null` in a list), else the one the keywords imply. */
const typeOf = (schema: Schema): TypeName => {
  const declared = Array.isArray(schema.type) ? (schema.type.find((type) => type !== 'null') ?? 'null') : schema.type;
  if (isTypeName(declared)) return declared;
  if ('properties' in schema || 'required' in schema || 'additionalProperties' in schema) return 'object';
  if ('items' in schema || 'prefixItems' in schema || 'minItems' in schema) return 'array';
  if ('minimum' in schema || 'maximum' in schema || 'multipleOf' in schema || 'exclusiveMinimum' in schema) return 'number';
  return 'string';
};

const generate = (input: unknown, slot: Slot, depth: number, generation: Generation): JsonValue => {
  if (depth > HARD_DEPTH) return null;
  generation.budget -= 1;
  if (input === false) return null;
  let schema: Schema = isSchema(input) ? input : {};
  if (typeof schema.$ref === 'string') {
    const { $ref, ...siblings } = schema;
    schema = { ...resolveRef($ref, generation.root), ...siblings };
  }
  schema = mergeAll(schema, generation.root);
  if ('const' in schema) return schema.const as JsonValue;
  if (Array.isArray(schema.enum) && schema.enum.length > 0)
    return schema.enum[(slot.index ?? 0) % schema.enum.length] as JsonValue;
  const branches = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (branches && branches.length > 0) {
    const { anyOf: _anyOf, oneOf: _oneOf, ...siblings } = schema;
    const branch = branches.find((candidate) => !isNullSchema(candidate)) ?? branches[0];
    return generate({ ...siblings, ...(isSchema(branch) ? branch : {}) }, slot, depth + 1, generation);
  }
  if ('default' in schema) return schema.default as JsonValue;
  const deep = depth >= SOFT_DEPTH;
  switch (typeOf(schema)) {
    case 'null':
      return null;
    case 'boolean':
      return (slot.index ?? 0) % 2 === 0;
    case 'integer':
      return numberFrom(schema, true, slot);
    case 'number':
      return numberFrom(schema, false, slot);
    case 'string':
      return stringFrom(schema, slot, generation);
    case 'array': {
      // 2020-12 tuples are `prefixItems` + `items`; draft 4 tuples are `items: [...]` + `additionalItems`.
      const tuple = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : [];
      const rest = Array.isArray(schema.items) ? schema.additionalItems : schema.items;
      const minItems = isNumber(schema.minItems) ? schema.minItems : 0;
      const maxItems = isNumber(schema.maxItems) ? schema.maxItems : Number.POSITIVE_INFINITY;
      const wanted = tuple.length > 0 ? tuple.length : deep ? 0 : DEFAULT_ITEMS;
      const restAllowed = rest !== false;
      const count = Math.min(maxItems, Math.max(minItems, wanted), restAllowed ? Number.POSITIVE_INFINITY : tuple.length);
      const items: JsonValue[] = [];
      for (let index = 0; index < count && generation.budget > 0; index++) {
        items.push(generate(index < tuple.length ? tuple[index] : rest, { key: slot.key, index }, depth + 1, generation));
      }
      return items;
    }
    case 'object': {
      const properties = isSchema(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required.filter((key) => typeof key === 'string') : [];
      const keys = deep ? required : [...new Set([...Object.keys(properties), ...required])];
      const value: Record<string, JsonValue> = {};
      // Properties of an array's item carry its position: the second guest is `name 2`.
      const item = slot.index;
      for (const key of keys) value[key] = generate(properties[key], { key, index: item }, depth + 1, generation);
      const extra = schema.additionalProperties;
      if (isNumber(schema.minProperties) && extra !== false) {
        for (let i = keys.length; i < schema.minProperties && generation.budget > 0; i++) {
          value[`property_${i + 1}`] = generate(extra, { key: `property_${i + 1}`, index: item }, depth + 1, generation);
        }
      }
      return value;
    }
  }
};

/**
 * A value valid against `schema` (for the keywords listed at the top of this file), the same
 * every time for the same schema and options.
 */
export const jsonFromSchema = (schema: unknown, options: JsonFromSchemaOptions = {}): JsonValue => {
  const root = isSchema(schema) ? schema : {};
  return generate(root, { key: '' }, 0, { root, text: options.text, budget: VALUE_BUDGET, padding: PADDING_BUDGET });
};
