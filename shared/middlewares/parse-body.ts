import type { z } from 'zod';
import { formatPath } from '../config/load-config.ts';
import { InvalidRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors.ts';
import type { RouterMiddleware } from '../http/request-state.ts';
import type { RouterRuntime } from '../runtime.ts';

/** A zod failure as one message that names every field to fix; `param` is the first. */
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

/**
 * Size check, JSON parse and schema validation of the body, for routes that declare a schema.
 * The size is checked before parsing so an oversized body costs nothing to refuse.
 */
export const parseBody = (runtime: RouterRuntime): RouterMiddleware => ({
  before: (request) => {
    const { state } = request.context;
    const route = state.route;
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
    const result = route.body.safeParse(json);
    if (!result.success) throw validationError(result.error);
    state.body = result.data;
    if (route.toChatRequest) state.chat = route.toChatRequest(result.data, runtime);
  },
});
