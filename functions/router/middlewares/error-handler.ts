import type { Logger } from '@aws-lambda-powertools/logger';
import { toOpenAIError } from '#shared/errors.ts';
import { jsonResponse } from '../http/types.ts';
import type { RouterMiddleware } from './router-context.ts';

/**
 * The one place errors become HTTP: OpenAI's error JSON with the error's status and headers.
 * Unexpected errors are logged with their stack and answered with a generic 500.
 */
export const errorHandler = (logger: Logger): RouterMiddleware => ({
  onError: (request) => {
    if (request.response !== undefined) return;
    const { statusCode, body, headers } = toOpenAIError(request.error);
    const state = request.context.state;
    if (statusCode >= 500) logger.error('request failed', { requestId: state?.requestId, error: request.error ?? undefined });
    request.response = jsonResponse(statusCode, body, headers);
    if (state) state.errorCode = body.error.code ?? body.error.type;
  },
});
