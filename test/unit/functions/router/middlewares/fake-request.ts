import { expect } from 'vitest';
import { newRequestState, type RequestState } from '#functions/router/http/request-state.ts';
import type { HttpRequest } from '#functions/router/http/types.ts';
import type { RouterMiddleware, RouterRequest } from '#functions/router/middlewares/router-context.ts';
import { RouterError } from '#shared/errors.ts';

// What middy hands a middleware, reduced to what the router's middlewares read.

export const httpRequest = (overrides: Partial<HttpRequest> = {}): HttpRequest => ({
  method: 'GET',
  path: '/',
  headers: {},
  query: {},
  body: undefined,
  ...overrides,
});

export const fakeRequest = (http: HttpRequest, now?: Date): { request: RouterRequest; state: RequestState } => {
  const state = newRequestState(http, 'req-1', now);
  const request = {
    context: { state },
    event: {},
    response: undefined,
    error: undefined,
    internal: {},
  } as unknown as RouterRequest;
  return { request, state };
};

export const runBefore = async (middleware: RouterMiddleware, request: RouterRequest): Promise<void> => {
  if (middleware.before === undefined) throw new Error('the middleware has no before hook');
  await middleware.before(request);
};

/** The RouterError a middleware throws; fails the test if it throws nothing or something else. */
export const routerErrorOf = async (act: () => Promise<unknown>): Promise<RouterError> => {
  try {
    await act();
  } catch (error) {
    expect(error).toBeInstanceOf(RouterError);
    return error as RouterError;
  }
  throw new Error('expected a RouterError, but nothing was thrown');
};
