import { describe, expect, test, vi } from 'vitest';
import { z } from 'zod';
import { jsonResponse } from '#functions/router/http/types.ts';
import { MAX_JSON_DEPTH, parseBody } from '#functions/router/middlewares/parse-body.ts';
import type { RouteSpec } from '#functions/router/route-spec.ts';
import type { RouterRuntime } from '#functions/router/runtime.ts';
import type { ChatRequest } from '#shared/api/chat-request.ts';
import { chatRequestSchema } from '#shared/api/chat-request.ts';
import { parseConfig } from '#shared/config/load-config.ts';
import { fakeRequest, httpRequest, routerErrorOf, runBefore } from './fake-request.ts';

const MAX_BODY_BYTES = 200;

const runtime = {
  config: parseConfig({ models: [{ id: 'm', provider: 'mock' }], server: { maxBodyBytes: MAX_BODY_BYTES } }),
} as unknown as RouterRuntime;

const chatRoute: RouteSpec = {
  method: 'POST',
  path: '/v1/chat/completions',
  auth: 'key',
  body: chatRequestSchema,
  toChatRequest: (body) => body as ChatRequest,
  handle: async () => jsonResponse(200, {}),
};

const VALID = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });

/** Room for deeply nested bodies, which the 200-byte limit above would refuse first. */
const roomyRuntime = {
  config: parseConfig({ models: [{ id: 'm', provider: 'mock' }], server: { maxBodyBytes: 1024 * 1024 } }),
} as unknown as RouterRuntime;

const parse = async (
  body: string | undefined,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  route = chatRoute,
  withRuntime = runtime,
) => {
  const { request, state } = fakeRequest(httpRequest({ method: 'POST', path: route.path, headers, body }));
  state.route = route;
  request.context.route = route;
  await runBefore(parseBody(withRuntime), request);
  return state;
};

describe('parseBody', () => {
  test('parses a valid body into state.body and builds the chat request', async () => {
    // Act
    const state = await parse(VALID);

    // Assess
    expect(state.body).toEqual({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(state.chat).toEqual({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
  });

  test('hands the parsed body and the runtime to the route’s chat conversion', async () => {
    // Prepare
    const toChatRequest = vi.fn(
      (body: unknown): ChatRequest => ({ model: 'auto', messages: [{ role: 'user', content: String(body) }] }),
    );
    const route: RouteSpec = { ...chatRoute, body: z.strictObject({ text: z.string() }), toChatRequest };

    // Act
    const state = await parse('{"text":"hello"}', undefined, route);

    // Assess
    expect(toChatRequest).toHaveBeenCalledWith({ text: 'hello' }, runtime);
    expect(state.chat?.model).toBe('auto');
  });

  test('a route without a body schema ignores the body entirely', async () => {
    // Prepare
    const route: RouteSpec = { method: 'GET', path: '/health', auth: 'none', handle: async () => jsonResponse(200, {}) };

    // Act
    const state = await parse('x'.repeat(MAX_BODY_BYTES * 2), { 'content-type': 'text/plain' }, route);

    // Assess
    expect(state.body).toBeUndefined();
    expect(state.chat).toBeUndefined();
  });

  test.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/vnd.api+json'])(
    'accepts content-type %s',
    async (contentType) => {
      // Act
      const state = await parse(VALID, { 'content-type': contentType });

      // Assess
      expect(state.body).toEqual(JSON.parse(VALID));
    },
  );

  test('accepts a body without a content-type', async () => {
    // Act
    const state = await parse(VALID, {});

    // Assess
    expect(state.chat?.model).toBe('m');
  });

  test('a body over the limit is a 413, refused before it is parsed', async () => {
    // Prepare: not even JSON, so a parse would have failed with a 400.
    const body = `{${'x'.repeat(MAX_BODY_BYTES)}`;

    // Act
    const error = await routerErrorOf(() => parse(body));

    // Assess
    expect(error.statusCode).toBe(413);
    expect(error.code).toBe('request_too_large');
    expect(error.message).toBe(`Request body is ${MAX_BODY_BYTES + 1} bytes; the limit is ${MAX_BODY_BYTES} bytes.`);
  });

  test('the limit counts bytes, not characters', async () => {
    // Prepare: 70 characters of 3 bytes each is 210 bytes.
    const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: '€'.repeat(70) }] });

    // Act
    const error = await routerErrorOf(() => parse(body));

    // Assess
    expect(error.statusCode).toBe(413);
  });

  test.each(['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp'])(
    'content-type %s is a 415',
    async (contentType) => {
      // Act
      const error = await routerErrorOf(() => parse(VALID, { 'content-type': contentType }));

      // Assess
      expect(error.statusCode).toBe(415);
      expect(error.code).toBe('unsupported_media_type');
      expect(error.message).toBe(`Unsupported content-type '${contentType}'; send application/json.`);
    },
  );

  test.each([
    { name: 'no body', body: undefined },
    { name: 'an empty body', body: '' },
    { name: 'a blank body', body: ' \n\t' },
  ])('$name is a 400 asking for a JSON object', async ({ body }) => {
    // Act
    const error = await routerErrorOf(() => parse(body));

    // Assess
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe('The request body is empty; send a JSON object.');
  });

  test('invalid JSON is a 400 invalid_json', async () => {
    // Act
    const error = await routerErrorOf(() => parse('{"model": "m",'));

    // Assess
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('invalid_json');
    expect(error.message).toMatch(/^The request body is not valid JSON: /);
  });

  test.each(['[]', '"hello"', '42', 'null', 'true'])('the JSON value %s is a 400: the body must be an object', async (body) => {
    // Act
    const error = await routerErrorOf(() => parse(body));

    // Assess
    expect(error.statusCode).toBe(400);
    expect(error.message).toBe('The request body must be a JSON object.');
  });

  // Regression (issue 14): JSON.parse takes any depth, but JSON.stringify on the way upstream does
  // not, so 10,000 levels in a field the schema does not look into were a 500.
  test.each([
    { field: 'extra', at: (deep: string) => ({ extra: deep }) },
    { field: 'tools', at: (deep: string) => ({ tools: [{ type: 'function', function: { name: 'f', parameters: deep } }] }) },
  ])('JSON nested 10,000 levels deep in $field is a 400 nesting_too_deep naming it', async ({ field, at }) => {
    // Prepare
    const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...at('DEEP') }).replace(
      '"DEEP"',
      `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
    );

    // Act
    const error = await routerErrorOf(() => parse(body, undefined, chatRoute, roomyRuntime));

    // Assess
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('nesting_too_deep');
    expect(error.param).toBe(field);
    expect(error.message).toBe(
      `${field} is nested more than ${MAX_JSON_DEPTH} levels deep; the router accepts at most ${MAX_JSON_DEPTH} levels of arrays and objects.`,
    );
  });

  test('JSON nested up to the limit is accepted, one level more is not', async () => {
    // Prepare: the body itself is level 0, so `extra` may hold MAX_JSON_DEPTH - 1 levels of arrays.
    const nested = (levels: number) => `{"extra":${'['.repeat(levels)}${']'.repeat(levels)}}`;
    const { toChatRequest: _chat, ...plainRoute } = { ...chatRoute, body: z.looseObject({}) };

    // Act
    const state = await parse(nested(MAX_JSON_DEPTH - 1), undefined, plainRoute, roomyRuntime);
    const error = await routerErrorOf(() => parse(nested(MAX_JSON_DEPTH), undefined, plainRoute, roomyRuntime));

    // Assess
    expect(state.body).toHaveProperty('extra');
    expect(error.code).toBe('nesting_too_deep');
  });

  test('schema errors name every field and set param to the first', async () => {
    // Act
    const error = await routerErrorOf(() => parse(JSON.stringify({ messages: [{ role: 'user' }], temperature: 3 })));

    // Assess
    expect(error.statusCode).toBe(400);
    expect(error.type).toBe('invalid_request_error');
    expect(error.param).toBe('model');
    expect(error.message).toMatch(/^Invalid request body\. /);
    expect(error.message).toContain('model: model is required (a model id or an alias such as "auto")');
    expect(error.message).toContain('messages[0].content: ');
    expect(error.message).toContain('temperature: ');
  });

  test('a nested schema error points param at the nested field', async () => {
    // Act
    const error = await routerErrorOf(() =>
      parse(
        JSON.stringify({
          model: 'm',
          messages: [
            { role: 'user', content: 'hi' },
            { role: 'tool', content: 'x' },
          ],
        }),
      ),
    );

    // Assess
    expect(error.param).toBe('messages[1].tool_call_id');
  });
});
