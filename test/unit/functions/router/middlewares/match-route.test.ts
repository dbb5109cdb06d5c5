import { describe, expect, test } from 'vitest';
import { jsonResponse } from '#functions/router/http/types.ts';
import { matchRoute } from '#functions/router/middlewares/match-route.ts';
import type { RouteSpec } from '#functions/router/route-spec.ts';
import { routes } from '#functions/router/routes.ts';
import { toOpenAIError } from '#shared/errors.ts';
import { fakeRequest, httpRequest, routerErrorOf, runBefore } from './fake-request.ts';

const handle = async () => jsonResponse(200, {});

const table: RouteSpec[] = [
  { method: 'GET', path: '/health', auth: 'none', handle },
  { method: 'GET', path: '/v1/models', auth: 'key', handle },
  { method: 'GET', path: '/v1/models/{model+}', auth: 'key', handle },
  { method: 'POST', path: '/admin/keys', auth: 'admin', handle },
  { method: 'GET', path: '/admin/keys', auth: 'admin', handle },
  { method: 'GET', path: '/admin/keys/{id}', auth: 'admin', handle },
  { method: 'DELETE', path: '/admin/keys/{id}', auth: 'admin', handle },
];

const match = async (method: string, path: string, specs: readonly RouteSpec[] = table) => {
  const { request, state } = fakeRequest(httpRequest({ method, path }));
  await runBefore(matchRoute(specs), request);
  return state;
};

describe('matchRoute', () => {
  test.each([
    { method: 'GET', path: '/health', route: '/health', params: {} },
    { method: 'GET', path: '/v1/models', route: '/v1/models', params: {} },
    { method: 'GET', path: '/v1/models/', route: '/v1/models', params: {} },
    { method: 'GET', path: '/v1/models/gpt-4o', route: '/v1/models/{model+}', params: { model: 'gpt-4o' } },
    {
      method: 'GET',
      path: '/v1/models/openai/gpt-4o-mini',
      route: '/v1/models/{model+}',
      params: { model: 'openai/gpt-4o-mini' },
    },
    {
      method: 'GET',
      path: '/v1/models/meta%2Fllama-3.1%3A8b',
      route: '/v1/models/{model+}',
      params: { model: 'meta/llama-3.1:8b' },
    },
    { method: 'GET', path: '/admin/keys/key_abc', route: '/admin/keys/{id}', params: { id: 'key_abc' } },
    { method: 'DELETE', path: '/admin/keys/key_abc/', route: '/admin/keys/{id}', params: { id: 'key_abc' } },
    { method: 'POST', path: '/admin/keys', route: '/admin/keys', params: {} },
  ])('$method $path -> $route $params', async ({ method, path, route, params }) => {
    // Act
    const state = await match(method, path);

    // Assess
    expect(state.route?.path).toBe(route);
    expect(state.route?.method).toBe(method);
    expect(state.pathParams).toEqual(params);
  });

  test.each(['/nope', '/v1/chat', '/healthz', '/admin/keys/a/b'])(
    'an unknown path %s is a 404 unknown_endpoint',
    async (path) => {
      // Act
      const error = await routerErrorOf(() => match('DELETE', path));

      // Assess
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe('unknown_endpoint');
      expect(error.message).toBe(`Unknown endpoint DELETE ${path}.`);
    },
  );

  test('a path matched with the wrong method is a 405 with an allow header naming every method', async () => {
    // Act
    const error = await routerErrorOf(() => match('PATCH', '/admin/keys/key_abc'));

    // Assess
    expect(error.statusCode).toBe(405);
    expect(error.code).toBe('method_not_allowed');
    expect(error.headers).toEqual({ allow: 'GET, DELETE' });
    expect(error.message).toBe('Method PATCH is not allowed on /admin/keys/key_abc; use GET, DELETE.');
  });

  test('a lowercase method is not the same method', async () => {
    // Act
    const error = await routerErrorOf(() => match('get', '/health'));

    // Assess
    expect(error.statusCode).toBe(405);
    expect(error.headers).toEqual({ allow: 'GET' });
  });

  test.each([
    { method: 'POST', path: '/v1/chat/completions', route: '/v1/chat/completions', params: {} },
    { method: 'POST', path: '/route-inference', route: '/route-inference', params: {} },
    {
      method: 'GET',
      path: '/v1/models/bedrock/anthropic.claude-3',
      route: '/v1/models/{model+}',
      params: { model: 'bedrock/anthropic.claude-3' },
    },
  ])('the router’s own table matches $method $path', async ({ method, path, route, params }) => {
    // Act
    const state = await match(method, path, routes);

    // Assess
    expect(state.route?.path).toBe(route);
    expect(state.pathParams).toEqual(params);
  });

  test('GET on the chat endpoint is a 405 that says to POST', async () => {
    // Act
    const error = await routerErrorOf(() => match('GET', '/v1/chat/completions', routes));

    // Assess
    expect(error.statusCode).toBe(405);
    expect(error.headers).toEqual({ allow: 'POST' });
  });

  // Regression: decodeURIComponent throws a URIError on a malformed escape, which becomes a 500
  // internal_error for what is a client mistake (expected a 400 or 404).
  test('a malformed percent-escape in a path parameter is a client error, not a 500', async () => {
    // Act
    const answer = await match('GET', '/admin/keys/%E0%A4%A').then(
      () => undefined,
      (error: unknown) => toOpenAIError(error),
    );

    // Assess
    expect(answer?.statusCode).toBeGreaterThanOrEqual(400);
    expect(answer?.statusCode).toBeLessThan(500);
  });

  test('with a preflight, OPTIONS on a known path becomes a keyless route served with the path’s methods', async () => {
    // Prepare
    const seen: Array<readonly string[]> = [];
    const preflight = (methods: readonly string[]) => {
      seen.push(methods);
      return handle;
    };
    const { request, state } = fakeRequest(httpRequest({ method: 'OPTIONS', path: '/admin/keys/key_abc' }));

    // Act
    await runBefore(matchRoute(table, { preflight }), request);

    // Assess
    expect(state.route).toMatchObject({ method: 'OPTIONS', path: '/admin/keys/{id}', auth: 'none' });
    expect(request.context.route?.handle).toBe(handle);
    expect(seen).toEqual([['GET', 'DELETE']]);
  });

  test('with a preflight, OPTIONS on an unknown path is still a 404', async () => {
    // Prepare
    const { request } = fakeRequest(httpRequest({ method: 'OPTIONS', path: '/nope' }));

    // Act
    const error = await routerErrorOf(() => runBefore(matchRoute(table, { preflight: () => handle }), request));

    // Assess
    expect(error.statusCode).toBe(404);
  });

  test('without a preflight (CORS off), OPTIONS is a 405 like any other method', async () => {
    // Act
    const error = await routerErrorOf(() => match('OPTIONS', '/v1/models'));

    // Assess
    expect(error.statusCode).toBe(405);
    expect(error.headers).toEqual({ allow: 'GET' });
  });

  // Regression: the greedy `(.+)` also swallows the trailing slash that `/?$` allows everywhere else, so
  // `/v1/models/gpt-4o/` looks up the model 'gpt-4o/' (a 404) while `/admin/keys/key_abc/` works.
  test('a trailing slash after a greedy parameter is not part of the parameter', async () => {
    // Act
    const state = await match('GET', '/v1/models/gpt-4o/');

    // Assess
    expect(state.pathParams).toEqual({ model: 'gpt-4o' });
  });
});
