import { validationError } from '#shared/api/validation.ts';
import { InvalidRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '#shared/errors.ts';
import type { RouterRuntime } from '../runtime.ts';
import type { RouterMiddleware } from './router-context.ts';

/**
 * Arrays and objects nested deeper than this are refused. JSON.parse takes any depth, but
 * JSON.stringify on the way upstream and the recursive walks after parsing (schema, guardrails,
 * token estimates) overflow the stack a few thousand levels down: a 500 for a client's mistake.
 * The guardrails' walk has the same limit, so what passes here passes there.
 */
export const MAX_JSON_DEPTH = 128;

/** The top-level field under which `body` nests deeper than `limit`, if any; iterative, so depth costs no stack. */
const fieldNestedTooDeep = (body: object, limit: number): string | undefined => {
  const pending: Array<{ value: unknown; depth: number; field: string }> = [{ value: body, depth: 0, field: '' }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, depth, field } = next;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= limit) return field;
    for (const [name, child] of Object.entries(value)) pending.push({ value: child, depth: depth + 1, field: field || name });
  }
  return undefined;
};

/**
 * Size check, JSON parse and schema validation of the body, for routes that declare a schema.
 * The size is checked before parsing so an oversized body costs nothing to refuse.
 */
export const parseBody = (runtime: RouterRuntime): RouterMiddleware => ({
  before: (request) => {
    const { state } = request.context;
    const route = request.context.route;
    if (route?.body === undefined) return;
    if (state.requestBytes > runtime.config.server.maxBodyBytes)
      throw new PayloadTooLargeError(state.requestBytes, runtime.config.server.maxBodyBytes);
    const contentType = state.http.headers['content-type'];
    if (contentType !== undefined && !/^application\/(.+\+)?json\b/i.test(contentType))
      throw new UnsupportedMediaTypeError(contentType);
    const text = state.http.body;
    if (text === undefined || text.trim() === '') throw new InvalidRequestError('The request body is empty; send a JSON object.');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new InvalidRequestError(`The request body is not valid JSON: ${(error as Error).message}`, { code: 'invalid_json' });
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new InvalidRequestError('The request body must be a JSON object.');
    }
    const deepField = fieldNestedTooDeep(json, MAX_JSON_DEPTH);
    if (deepField !== undefined)
      throw new InvalidRequestError(
        `${deepField || 'The request body'} is nested more than ${MAX_JSON_DEPTH} levels deep; the router accepts at most ${MAX_JSON_DEPTH} levels of arrays and objects.`,
        { code: 'nesting_too_deep', param: deepField || null },
      );
    const result = route.body.safeParse(json);
    if (!result.success) throw validationError(result.error);
    state.body = result.data;
    if (route.toChatRequest) state.chat = route.toChatRequest(result.data, runtime);
  },
});
