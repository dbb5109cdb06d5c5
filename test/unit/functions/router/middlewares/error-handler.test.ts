import type { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, test, vi } from 'vitest';
import { errorHandler } from '#functions/router/middlewares/error-handler.ts';
import { InvalidRequestError } from '#shared/errors.ts';
import { upstreamHttpError } from '#shared/providers/upstream-errors.ts';
import { fakeRequest, httpRequest } from './fake-request.ts';

const fakeLogger = () => {
  const logger = { error: vi.fn(), warn: vi.fn() };
  return { logger, asLogger: logger as unknown as Logger };
};

/** Runs the error handler on `error` and returns the response body and what was logged. */
const handle = async (error: unknown) => {
  const { logger, asLogger } = fakeLogger();
  const { request, state } = fakeRequest(httpRequest({ method: 'POST', path: '/v1/chat/completions' }));
  request.error = error as Error;
  await errorHandler(asLogger).onError?.(request);
  const response = request.response as { statusCode: number; body: string } | undefined;
  return { response, body: JSON.parse(response?.body ?? '{}') as { error: Record<string, unknown> }, logger, state };
};

const rateLimited = () =>
  upstreamHttpError({
    provider: 'openai',
    modelId: 'gpt-fake',
    status: 429,
    message: 'Rate limit reached in organization org-Xy12AbCd on TPM: Limit 30000, Used 29950. Host gw-3.internal.corp',
  });

describe('errorHandler', () => {
  // Regression (issue 14): the upstream's text went to the client and nowhere else.
  test("an upstream failure reaches the client in the router's words with the request id; its text reaches the log", async () => {
    // Prepare
    const upstream = upstreamHttpError({
      provider: 'openai',
      modelId: 'gpt-fake',
      status: 400,
      message: "Invalid value for 'logit_bias' in project proj_Q7rT2pLm",
    });

    // Act
    const { response, body, logger } = await handle(upstream);

    // Assess
    expect(response?.statusCode).toBe(400);
    expect(body.error).toMatchObject({ code: 'upstream_invalid_request', param: null });
    expect(body.error.message).toMatch(/^openai refused the request for model 'gpt-fake' as invalid.* \(request id req-1\)$/);
    expect(JSON.stringify(body)).not.toContain('proj_Q7rT2pLm');
    expect(logger.warn).toHaveBeenCalledWith('upstream refused the request', { requestId: 'req-1', error: upstream });
    expect(upstream.upstreamMessage).toContain('proj_Q7rT2pLm');
  });

  test('an upstream 5xx is logged as a failure, with its own text', async () => {
    // Act
    const { body, logger } = await handle(
      upstreamHttpError({ provider: 'openai', modelId: 'gpt-fake', status: 500, message: 'shard db-7 down' }),
    );

    // Assess
    expect(body.error.message).toBe("openai failed with HTTP 500 for model 'gpt-fake' (request id req-1)");
    expect(logger.error).toHaveBeenCalledWith('request failed', {
      requestId: 'req-1',
      error: expect.objectContaining({ upstreamMessage: 'shard db-7 down' }),
    });
  });

  test("a rate-limited upstream's organisation, usage and hosts stay out of the response", async () => {
    // Act
    const { body, state } = await handle(rateLimited());

    // Assess
    expect(body.error.message).toBe("openai is rate limiting model 'gpt-fake' (request id req-1)");
    expect(state.errorCode).toBe('upstream_rate_limited');
  });

  test("the router's own client errors are answered as they are and not logged", async () => {
    // Act
    const { body, logger } = await handle(new InvalidRequestError('temperature must be at most 2', { param: 'temperature' }));

    // Assess
    expect(body.error).toEqual({
      message: 'temperature must be at most 2',
      type: 'invalid_request_error',
      param: 'temperature',
      code: 'invalid_request',
    });
    expect(logger.warn).not.toHaveBeenCalled();
    expect(logger.error).not.toHaveBeenCalled();
  });
});
