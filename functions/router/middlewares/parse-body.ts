import { validationError } from '#shared/api/validation.ts';
import { InvalidRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '#shared/errors.ts';
import type { RouterRuntime } from '../runtime.ts';
import type { RouterMiddleware } from './router-context.ts';

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
    const result = route.body.safeParse(json);
    if (!result.success) throw validationError(result.error);
    state.body = result.data;
    if (route.toChatRequest) state.chat = route.toChatRequest(result.data, runtime);
  },
});
