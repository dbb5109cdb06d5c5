import type { z } from 'zod';
import { InvalidRequestError } from '../errors.ts';

// How a zod failure reads to a person, for config files and request bodies alike.

/** A zod issue's path as a user writes it: `models[0].pricing`. */
export const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );

/** One line per issue: `models[0].pricing: Required`. */
export const formatIssues = (issues: readonly z.core.$ZodIssue[]): string[] =>
  issues.map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`);

/** A zod failure as one 400 whose message names every field to fix (up to five); `param` is the first. */
export const validationError = (error: z.ZodError, where: 'body' | 'query' = 'body'): InvalidRequestError => {
  const issues = error.issues.slice(0, 5).map((issue) => {
    const path = formatPath(issue.path);
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '';
  const first = error.issues[0];
  return new InvalidRequestError(
    `Invalid request ${where === 'body' ? 'body' : 'query parameters'}. ${issues.join('; ')}${more}`,
    {
      param: first && first.path.length > 0 ? formatPath(first.path) : null,
    },
  );
};
