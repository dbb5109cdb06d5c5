import { describe, expect, test } from 'vitest';
import { AwsServiceError, AwsTimeoutError } from '#shared/aws/aws-json-client.ts';
import {
  AuthenticationError,
  ConflictError,
  InternalError,
  InvalidRequestError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionError,
  RouterError,
  ServiceUnavailableError,
  toOpenAIError,
  toRouterError,
  UnsupportedMediaTypeError,
  UpstreamError,
} from '#shared/errors.ts';

describe('toOpenAIError', () => {
  test.each([
    {
      name: 'InvalidRequestError',
      error: new InvalidRequestError('temperature must be at most 2', { param: 'temperature' }),
      statusCode: 400,
      body: {
        message: 'temperature must be at most 2',
        type: 'invalid_request_error',
        param: 'temperature',
        code: 'invalid_request',
      },
      headers: {},
    },
    {
      name: 'InvalidRequestError with its own code',
      error: new InvalidRequestError('bad json', { code: 'invalid_json' }),
      statusCode: 400,
      body: { message: 'bad json', type: 'invalid_request_error', param: null, code: 'invalid_json' },
      headers: {},
    },
    {
      name: 'UnsupportedMediaTypeError',
      error: new UnsupportedMediaTypeError('text/plain'),
      statusCode: 415,
      body: {
        message: "Unsupported content-type 'text/plain'; send application/json.",
        type: 'invalid_request_error',
        param: null,
        code: 'unsupported_media_type',
      },
      headers: {},
    },
    {
      name: 'PayloadTooLargeError',
      error: new PayloadTooLargeError(2048, 1024),
      statusCode: 413,
      body: {
        message: 'Request body is 2048 bytes; the limit is 1024 bytes.',
        type: 'invalid_request_error',
        param: null,
        code: 'request_too_large',
      },
      headers: {},
    },
    {
      name: 'AuthenticationError',
      error: new AuthenticationError('Invalid API key.'),
      statusCode: 401,
      body: { message: 'Invalid API key.', type: 'authentication_error', param: null, code: 'invalid_api_key' },
      headers: {},
    },
    {
      name: 'AuthenticationError with its own code',
      error: new AuthenticationError('Revoked.', 'api_key_revoked'),
      statusCode: 401,
      body: { message: 'Revoked.', type: 'authentication_error', param: null, code: 'api_key_revoked' },
      headers: {},
    },
    {
      name: 'PermissionError',
      error: new PermissionError('no', { code: 'model_not_allowed', param: 'model' }),
      statusCode: 403,
      body: { message: 'no', type: 'permission_error', param: 'model', code: 'model_not_allowed' },
      headers: {},
    },
    {
      name: 'NotFoundError',
      error: new NotFoundError('gone'),
      statusCode: 404,
      body: { message: 'gone', type: 'not_found_error', param: null, code: 'not_found' },
      headers: {},
    },
    {
      name: 'MethodNotAllowedError',
      error: new MethodNotAllowedError('PUT', '/admin/keys', ['GET', 'POST']),
      statusCode: 405,
      body: {
        message: 'Method PUT is not allowed on /admin/keys; use GET, POST.',
        type: 'invalid_request_error',
        param: null,
        code: 'method_not_allowed',
      },
      headers: { allow: 'GET, POST' },
    },
    {
      name: 'ConflictError',
      error: new ConflictError('key collision'),
      statusCode: 409,
      body: { message: 'key collision', type: 'invalid_request_error', param: null, code: 'conflict' },
      headers: {},
    },
    {
      name: 'UpstreamError with a retry delay',
      error: new UpstreamError(429, 'slow down', {
        provider: 'openai',
        retryable: true,
        retryAfterMs: 1500,
        type: 'rate_limit_error',
      }),
      statusCode: 429,
      body: { message: 'slow down', type: 'rate_limit_error', param: null, code: 'upstream_error' },
      headers: { 'retry-after': '2' },
    },
    {
      name: 'UpstreamError 504',
      error: new UpstreamError(504, 'timed out', { provider: 'anthropic', retryable: true, code: 'upstream_timeout' }),
      statusCode: 504,
      body: { message: 'timed out', type: 'timeout_error', param: null, code: 'upstream_timeout' },
      headers: {},
    },
    {
      name: 'UpstreamError 502',
      error: new UpstreamError(502, 'bad gateway', { provider: 'bedrock', retryable: true }),
      statusCode: 502,
      body: { message: 'bad gateway', type: 'upstream_error', param: null, code: 'upstream_error' },
      headers: {},
    },
    {
      name: 'ServiceUnavailableError',
      error: new ServiceUnavailableError('draining', { headers: { 'retry-after': '5' } }),
      statusCode: 503,
      body: { message: 'draining', type: 'api_error', param: null, code: 'service_unavailable' },
      headers: { 'retry-after': '5' },
    },
    {
      name: 'InternalError',
      error: new InternalError(new Error('boom')),
      statusCode: 500,
      body: { message: 'The router failed to process the request.', type: 'api_error', param: null, code: 'internal_error' },
      headers: {},
    },
  ])('$name keeps its status, type, code, param and headers', ({ error, statusCode, body, headers }) => {
    // Act
    const result = toOpenAIError(error);

    // Assess
    expect(result).toEqual({ statusCode, body: { error: body }, headers });
  });

  test.each([
    { retryAfterMs: 0, header: '0' },
    { retryAfterMs: 1, header: '1' },
    { retryAfterMs: 1000, header: '1' },
    { retryAfterMs: 1001, header: '2' },
  ])('an upstream retry delay of $retryAfterMs ms is sent as retry-after: $header', ({ retryAfterMs, header }) => {
    // Act
    const error = new UpstreamError(503, 'busy', { provider: 'openai', retryable: true, retryAfterMs });

    // Assess
    expect(error.headers).toEqual({ 'retry-after': header });
    expect(error.retryAfterMs).toBe(retryAfterMs);
  });

  test.each([
    { name: 'an Error with a secret in its message', thrown: new Error('db password is hunter2') },
    { name: 'a TypeError', thrown: new TypeError('hunter2 is not a function') },
    { name: 'a string', thrown: 'hunter2' },
    { name: 'a plain object', thrown: { message: 'hunter2' } },
    { name: 'undefined', thrown: undefined },
  ])('$name becomes a generic 500 that reveals nothing', ({ thrown }) => {
    // Act
    const result = toOpenAIError(thrown);

    // Assess
    expect(result).toEqual({
      statusCode: 500,
      body: {
        error: { message: 'The router failed to process the request.', type: 'api_error', param: null, code: 'internal_error' },
      },
      headers: {},
    });
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });
});

describe('toOpenAIError with a request id', () => {
  test.each([
    {
      name: 'an upstream failure',
      error: new UpstreamError(503, 'openai is overloaded', { provider: 'openai', retryable: true }),
    },
    { name: 'a refused upstream request', error: new UpstreamError(400, 'refused', { provider: 'openai', retryable: false }) },
    { name: 'an internal error', error: new InternalError(new Error('boom')) },
    { name: 'an unavailable store', error: new AwsTimeoutError('dynamodb GetItem timed out') },
  ])('$name cites it, so the client can point the operator at the log', ({ error }) => {
    // Act
    const { body } = toOpenAIError(error, 'req-42');

    // Assess
    expect(body.error.message).toMatch(/ \(request id req-42\)$/);
  });

  test.each([
    { name: 'a client error', error: new InvalidRequestError('temperature must be at most 2') },
    { name: 'a 503 the router words itself', error: new ServiceUnavailableError('Rate limits cannot be checked right now.') },
  ])('$name explains itself without it', ({ error }) => {
    // Act
    const { body } = toOpenAIError(error, 'req-42');

    // Assess
    expect(body.error.message).toBe(error.message);
  });

  test("an upstream's own words are in the error's message, for the log, and never in the client's JSON", () => {
    // Prepare
    const error = new UpstreamError(429, "openai is rate limiting model 'm'", {
      provider: 'openai',
      retryable: true,
      upstreamMessage: 'org-Xy12 used 29950 of 30000 TPM',
    });

    // Act
    const { body } = toOpenAIError(error, 'req-42');

    // Assess
    expect(body.error.message).toBe("openai is rate limiting model 'm' (request id req-42)");
    expect(error.message).toContain('org-Xy12 used 29950 of 30000 TPM');
    expect(error.upstreamMessage).toBe('org-Xy12 used 29950 of 30000 TPM');
  });
});

describe('toRouterError', () => {
  test('passes router errors through and wraps anything else, keeping it as the cause', () => {
    // Prepare
    const known = new NotFoundError('gone');
    const unknown = new Error('db password is hunter2');

    // Act
    const passed = toRouterError(known);
    const wrapped = toRouterError(unknown);

    // Assess
    expect(passed).toBe(known);
    expect(wrapped).toBeInstanceOf(InternalError);
    expect(wrapped.cause).toBe(unknown);
    expect(wrapped.expose).toBe(false);
    expect(passed.expose).toBe(true);
  });

  test('router errors carry their class name', () => {
    // Act
    const error = new PermissionError('no');

    // Assess
    expect(error).toBeInstanceOf(RouterError);
    expect(error.name).toBe('PermissionError');
  });

  test.each([
    { name: 'an AWS service error', error: new AwsServiceError('ProvisionedThroughputExceededException', 'slow down', 400) },
    { name: 'an AWS client timeout', error: new AwsTimeoutError('dynamodb GetItem timed out after 50 ms') },
    { name: 'a refused connection', error: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) },
  ])('$name of a store is a 503 store_unavailable, not a bug', ({ error }) => {
    // Act
    const mapped = toRouterError(error);

    // Assess
    expect(mapped.statusCode).toBe(503);
    expect(mapped.code).toBe('store_unavailable');
    expect(mapped.cause).toBe(error);
  });

  // Regression (issue 14): DynamoDB refusing what the router sent was reported as the store being down.
  test.each(['ValidationException', 'SerializationException'])(
    'a %s is the router sending something malformed: a 500, not store_unavailable',
    (name) => {
      // Prepare
      const error = new AwsServiceError(
        name,
        'Number overflow. Attempted to store a number with magnitude larger than supported range',
        400,
      );

      // Act
      const mapped = toRouterError(error);

      // Assess
      expect(mapped.statusCode).toBe(500);
      expect(mapped.code).toBe('internal_error');
      expect(mapped.cause).toBe(error);
      expect(JSON.stringify(mapped)).not.toContain('Number overflow');
    },
  );

  test('an error that merely says it timed out is still a 500: only the typed errors are dependency failures', () => {
    // Act
    const mapped = toRouterError(new Error('parser timed out after 5 ms'));

    // Assess
    expect(mapped.statusCode).toBe(500);
  });
});
