import { describe, expect, test } from 'vitest';
import { UpstreamError } from '#shared/errors.ts';
import {
  parseRetryAfter,
  scrubSecrets,
  upstreamConnectionError,
  upstreamHttpError,
  upstreamProtocolError,
  upstreamStreamCutError,
  upstreamTimeoutError,
} from '#shared/providers/upstream-errors.ts';

describe('scrubSecrets', () => {
  test.each([
    {
      name: 'an OpenAI project key',
      message: 'Incorrect API key provided: sk-proj-AbC123_xyz-789. You can find your API key at the dashboard.',
      expected: 'Incorrect API key provided: [redacted]. You can find your API key at the dashboard.',
    },
    {
      name: 'a masked key',
      message: 'Incorrect API key provided: sk-abc*****************wxyz.',
      expected: 'Incorrect API key provided: [redacted].',
    },
    { name: 'an Anthropic key', message: 'key sk-ant-api03-AAAAAA invalid', expected: 'key [redacted] invalid' },
    { name: 'a pk- key', message: 'pk-live-123456 rejected', expected: '[redacted] rejected' },
    {
      name: 'a Bearer token',
      message: 'header was Authorization: Bearer abc.def.ghi',
      expected: 'header was Authorization: [redacted]',
    },
    { name: 'a lowercase bearer token', message: 'got bearer xyz', expected: 'got [redacted]' },
    {
      name: 'an AWS access key id',
      message: 'The security token AKIAIOSFODNN7EXAMPLE is invalid',
      expected: 'The security token [redacted] is invalid',
    },
    {
      name: 'a long opaque token',
      message: `token ${'a1B2'.repeat(10)} expired`,
      expected: 'token [redacted] expired',
    },
  ])('redacts $name', ({ message, expected }) => {
    // Act
    const scrubbed = scrubSecrets(message);

    // Assess
    expect(scrubbed).toBe(expected);
  });

  test('redacts every occurrence of a known secret, whatever it looks like', () => {
    // Prepare
    const secret = 'hunter2!';

    // Act
    const scrubbed = scrubSecrets('password hunter2! and again hunter2!', [undefined, secret]);

    // Assess
    expect(scrubbed).toBe('password [redacted] and again [redacted]');
  });

  test('ignores known secrets shorter than 4 characters, so common words survive', () => {
    // Act
    const scrubbed = scrubSecrets('the model is busy', ['is', '']);

    // Assess
    expect(scrubbed).toBe('the model is busy');
  });

  test.each([
    "This model's maximum context length is 128000 tokens. However, you requested 130512 tokens.",
    "Invalid value for 'temperature': expected a number between 0 and 2.",
    'The model `gpt-4o-mini-2024-07-18` does not exist or you do not have access to it.',
    'Overloaded. Please try again, or see https://docs.anthropic.com/en/api/errors for details.',
    'task-force risk-assessment desk-lamp are ordinary words',
  ])('leaves ordinary text untouched: %s', (message) => {
    // Act
    const scrubbed = scrubSecrets(message);

    // Assess
    expect(scrubbed).toBe(message);
  });

  test('truncates a long message to 500 characters', () => {
    // Prepare
    const message = 'word '.repeat(200);

    // Act
    const scrubbed = scrubSecrets(message);

    // Assess
    expect(scrubbed).toBe(`${message.slice(0, 500)}...`);
  });
});

describe('parseRetryAfter', () => {
  const NOW = Date.parse('2025-01-01T00:00:00Z');

  test.each<{ name: string; headers: Record<string, string>; expected: number | null }>([
    { name: 'seconds', headers: { 'retry-after': '2' }, expected: 2000 },
    { name: 'fractional seconds', headers: { 'retry-after': '1.5' }, expected: 1500 },
    { name: 'zero seconds', headers: { 'retry-after': '0' }, expected: 0 },
    { name: 'negative seconds, clamped', headers: { 'retry-after': '-3' }, expected: 0 },
    { name: 'an HTTP date', headers: { 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }, expected: 30_000 },
    { name: 'an HTTP date in the past, clamped', headers: { 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, expected: 0 },
    { name: 'retry-after-ms', headers: { 'retry-after-ms': '250' }, expected: 250 },
    { name: 'retry-after-ms before retry-after', headers: { 'retry-after-ms': '250', 'retry-after': '9' }, expected: 250 },
    { name: 'garbage retry-after-ms falls back', headers: { 'retry-after-ms': 'soon', 'retry-after': '9' }, expected: 9000 },
    { name: 'garbage', headers: { 'retry-after': 'soon' }, expected: null },
    { name: 'Infinity', headers: { 'retry-after': 'Infinity' }, expected: null },
    { name: 'no header', headers: {}, expected: null },
  ])('$name -> $expected', ({ headers, expected }) => {
    // Act
    const ms = parseRetryAfter(new Headers(headers), NOW);

    // Assess
    expect(ms).toBe(expected);
  });

  // Regression: Number('') is 0, so an empty retry-after header reads as "retry now" instead of "no advice".
  test('an empty retry-after header gives no delay advice', () => {
    // Act
    const ms = parseRetryAfter(new Headers({ 'retry-after': '' }), NOW);

    // Assess
    expect(ms).toBeNull();
  });

  // Regression: an empty retry-after-ms header is read as 0 ms and hides a valid retry-after next to it.
  test('an empty retry-after-ms header falls back to retry-after', () => {
    // Act
    const ms = parseRetryAfter(new Headers({ 'retry-after-ms': '', 'retry-after': '7' }), NOW);

    // Assess
    expect(ms).toBe(7000);
  });
});

describe('upstreamHttpError', () => {
  test.each([
    { status: 400, statusCode: 400, retryable: false, code: 'upstream_invalid_request', type: 'invalid_request_error' },
    { status: 422, statusCode: 400, retryable: false, code: 'upstream_invalid_request', type: 'invalid_request_error' },
    { status: 413, statusCode: 413, retryable: false, code: 'request_too_large', type: 'invalid_request_error' },
    { status: 401, statusCode: 502, retryable: false, code: 'upstream_auth_error', type: 'upstream_error' },
    { status: 403, statusCode: 502, retryable: false, code: 'upstream_auth_error', type: 'upstream_error' },
    { status: 404, statusCode: 502, retryable: false, code: 'upstream_model_not_found', type: 'upstream_error' },
    { status: 408, statusCode: 504, retryable: true, code: 'upstream_timeout', type: 'timeout_error' },
    { status: 504, statusCode: 504, retryable: true, code: 'upstream_timeout', type: 'timeout_error' },
    { status: 409, statusCode: 502, retryable: true, code: 'upstream_error', type: 'upstream_error' },
    { status: 429, statusCode: 429, retryable: true, code: 'upstream_rate_limited', type: 'rate_limit_error' },
    { status: 500, statusCode: 502, retryable: true, code: 'upstream_error', type: 'upstream_error' },
    { status: 502, statusCode: 502, retryable: true, code: 'upstream_error', type: 'upstream_error' },
    { status: 503, statusCode: 503, retryable: true, code: 'upstream_unavailable', type: 'upstream_error' },
    { status: 529, statusCode: 503, retryable: true, code: 'upstream_unavailable', type: 'upstream_error' },
    { status: 402, statusCode: 502, retryable: false, code: 'upstream_error', type: 'upstream_error' },
  ])('upstream HTTP $status -> $statusCode $code (retryable: $retryable)', ({ status, statusCode, retryable, code, type }) => {
    // Act
    const error = upstreamHttpError({ provider: 'openai', modelId: 'gpt-4o', status });

    // Assess
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.statusCode).toBe(statusCode);
    expect(error.retryable).toBe(retryable);
    expect(error.code).toBe(code);
    expect(error.type).toBe(type);
    expect(error.upstreamStatus).toBe(status);
    expect(error.provider).toBe('openai');
    expect(error.headers).toEqual({});
  });

  test('a 429 carries the upstream delay as retry-after', () => {
    // Act
    const error = upstreamHttpError({ provider: 'anthropic', modelId: 'claude', status: 429, retryAfterMs: 2500 });

    // Assess
    expect(error.retryAfterMs).toBe(2500);
    expect(error.headers).toEqual({ 'retry-after': '3' });
  });

  // Regression (issue 14): the upstream's text (project ids, internal URLs) was passed on to the client.
  test('a client-side rejection tells the client it was refused, and keeps the upstream text for the log', () => {
    // Act
    const error = upstreamHttpError({
      provider: 'openai',
      modelId: 'gpt-4o',
      status: 400,
      message: "Invalid 'messages[1].content' in project proj_Q7rT2pLm for key the-upstream-key-123 (see http://10.0.3.7/e)",
      secrets: ['the-upstream-key-123'],
    });

    // Assess
    expect(error.toJSON().error.message).toBe(
      "openai refused the request for model 'gpt-4o' as invalid; its own explanation is in the router's log",
    );
    expect(error.upstreamMessage).toBe(
      "Invalid 'messages[1].content' in project proj_Q7rT2pLm for key [redacted] (see http://10.0.3.7/e)",
    );
    expect(error.message).toContain('proj_Q7rT2pLm');
    expect(error.message).not.toContain('the-upstream-key-123');
  });

  test.each([
    { param: 'logit_bias', expected: 'logit_bias' },
    { param: 'messages[1].content', expected: 'messages[1].content' },
    { param: 'messages.[1].content', expected: 'messages.[1].content' },
    { param: 'tools[0].function.parameters', expected: 'tools[0].function.parameters' },
    { param: 'messages[7].content', expected: null },
    { param: 'proj_Q7rT2pLm', expected: null },
    { param: 'https://10.0.3.7/v1', expected: null },
    { param: 'messages[0].content is wrong', expected: null },
    { param: 42, expected: null },
  ])('the upstream param $param is passed on only when it names a field the client sent', ({ param, expected }) => {
    // Prepare
    const sent = {
      model: 'gpt-4o-2024-08-06',
      logit_bias: { '50256': -100 },
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
    };

    // Act
    const error = upstreamHttpError({ provider: 'openai', modelId: 'gpt-4o', status: 400, param, sent });

    // Assess
    expect(error.param).toBe(expected);
    expect(error.toJSON().error.message).toContain(expected === null ? 'as invalid;' : `as invalid (param '${expected}');`);
  });

  test.each([
    {
      name: 'a known upstream code',
      failure: { code: 'unsupported_parameter', message: 'Unsupported parameter: seed (org-123)' },
      code: 'upstream_invalid_request',
      reason: 'it does not support a parameter of the request',
    },
    {
      name: "OpenAI's context length code",
      failure: { code: 'context_length_exceeded', message: "This model's maximum context length is 128000 tokens." },
      code: 'context_length_exceeded',
      reason: 'the messages and the output cap exceed its context window',
    },
    {
      name: "Anthropic's words for a prompt too long",
      failure: { message: 'invalid_request_error: prompt is too long: 210345 tokens > 200000 maximum' },
      code: 'context_length_exceeded',
      reason: 'the messages and the output cap exceed its context window',
    },
  ])('$name says why in the router’s words', ({ failure, code, reason }) => {
    // Act
    const error = upstreamHttpError({ provider: 'openai', modelId: 'gpt-4o', status: 400, ...failure });

    // Assess
    expect(error.code).toBe(code);
    expect(error.toJSON().error.message).toBe(
      `openai refused the request for model 'gpt-4o' as invalid: ${reason}; its own explanation is in the router's log`,
    );
  });

  test('an unknown upstream code is not repeated', () => {
    // Act
    const error = upstreamHttpError({ provider: 'openai', modelId: 'gpt-4o', status: 400, code: 'tenant_acme_over_quota' });

    // Assess
    expect(JSON.stringify(error)).not.toContain('acme');
    expect(error.code).toBe('upstream_invalid_request');
  });

  test.each([401, 403, 404, 413, 429, 500, 503])('the upstream explanation of a %i stays with the operator', (status) => {
    // Act
    const error = upstreamHttpError({
      provider: 'openai',
      modelId: 'gpt-4o',
      status,
      message: 'internal shard db-7 failed for org-Xy12 (used 29950 of 30000)',
    });

    // Assess
    expect(JSON.stringify(error.toJSON())).not.toMatch(/shard|org-Xy12|29950/);
    expect(error.toJSON().error.message).toContain("'gpt-4o'");
    expect(error.upstreamMessage).toBe('internal shard db-7 failed for org-Xy12 (used 29950 of 30000)');
  });

  test('a 401 tells the client where the operator should look', () => {
    // Act
    const error = upstreamHttpError({ provider: 'anthropic', modelId: 'claude', status: 401 });

    // Assess
    expect(error.message).toMatch(
      /^The router could not authenticate with anthropic for model 'claude'; the operator should check /,
    );
  });
});

describe('other upstream failures', () => {
  test.each([
    {
      name: 'a timeout',
      error: upstreamTimeoutError('openai', 'gpt-4o', 'first byte', 30_000),
      statusCode: 504,
      code: 'upstream_timeout',
      message: "openai did not answer for model 'gpt-4o' within 30000 ms (first byte timeout)",
    },
    {
      name: 'a connection failure',
      error: upstreamConnectionError('openai', 'gpt-4o', new Error('ECONNREFUSED')),
      statusCode: 502,
      code: 'upstream_connection_error',
      message: "Could not connect to openai for model 'gpt-4o'",
    },
    {
      name: 'a cut stream',
      error: upstreamStreamCutError('openai', 'gpt-4o'),
      statusCode: 502,
      code: 'upstream_stream_cut',
      message: "openai ended the stream for model 'gpt-4o' before it was complete",
    },
    {
      name: 'a protocol error',
      error: upstreamProtocolError('openai', 'gpt-4o', 'no choices'),
      statusCode: 502,
      code: 'upstream_bad_response',
      message: "openai sent an unexpected response for model 'gpt-4o': no choices",
    },
  ])('$name is a retryable $statusCode $code', ({ error, statusCode, code, message }) => {
    // Assess
    expect(error.statusCode).toBe(statusCode);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(message);
  });
});
