import type { EventPattern } from '#shared/events/event-rules.ts';

// Matches an event against an EventBridge pattern, for the local event bus. Supported: exact
// values (strings, numbers, booleans, null), `{"prefix"}`, `{"suffix"}`, `{"anything-but"}`,
// `{"exists"}`, `{"numeric": [op, value, ...]}`, nested objects, and arrays in the event (a
// match on any element), which covers the patterns this project deploys.

type Matcher = Record<string, unknown>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const NUMERIC: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

const matchesOne = (condition: unknown, value: unknown, present: boolean): boolean => {
  if (!isObject(condition)) return present && condition === value;
  const matcher = condition as Matcher;
  if ('exists' in matcher) return matcher.exists === present;
  if (!present) return false;
  if (typeof matcher.prefix === 'string') return typeof value === 'string' && value.startsWith(matcher.prefix);
  if (typeof matcher.suffix === 'string') return typeof value === 'string' && value.endsWith(matcher.suffix);
  if ('anything-but' in matcher) {
    const excluded = matcher['anything-but'];
    if (isObject(excluded)) {
      if (typeof excluded.prefix === 'string') return !(typeof value === 'string' && value.startsWith(excluded.prefix));
      if (typeof excluded.suffix === 'string') return !(typeof value === 'string' && value.endsWith(excluded.suffix));
      throw new Error(`unsupported event pattern matcher: ${JSON.stringify(condition)}`);
    }
    return !(Array.isArray(excluded) ? excluded : [excluded]).includes(value);
  }
  if (Array.isArray(matcher.numeric)) {
    if (typeof value !== 'number') return false;
    const terms = matcher.numeric as unknown[];
    for (let i = 0; i < terms.length; i += 2) {
      const compare = NUMERIC[String(terms[i])];
      if (!compare?.(value, Number(terms[i + 1]))) return false;
    }
    return true;
  }
  throw new Error(`unsupported event pattern matcher: ${JSON.stringify(condition)}`);
};

export const matchesPattern = (pattern: EventPattern, event: Record<string, unknown>): boolean =>
  Object.entries(pattern).every(([field, condition]) => {
    const present = Object.hasOwn(event, field);
    const value = event[field];
    if (Array.isArray(condition)) {
      const values = Array.isArray(value) ? value : [value];
      return condition.some((option) =>
        Array.isArray(value) && value.length === 0
          ? matchesOne(option, undefined, false)
          : values.some((item) => matchesOne(option, item, present)),
      );
    }
    // A nested pattern matches an object, or any object of an array (EventBridge flattens arrays).
    if (Array.isArray(value)) return value.some((item) => isObject(item) && matchesPattern(condition as EventPattern, item));
    return isObject(value) && matchesPattern(condition as EventPattern, value);
  });
