import type { Logger } from '@aws-lambda-powertools/logger';
import { toOpenAIError, UpstreamError } from '#shared/errors.ts';
import { jsonResponse } from '../http/types.ts';
import type { RouterMiddleware } from './router-context.ts';

/**
 * The one place errors become HTTP: OpenAI's error JSON with the error's status and headers, and
 * the request id in the messages that keep their details back. Those details go to the log:
 * unexpected errors with their stack, upstream failures with the upstream's own (scrubbed) text.
 */
export const errorHandler = (logger: Logger): RouterMiddleware => ({
  onError: (request) => {
    if (request.response !== undefined) return;
    const state = request.context.state;
    const { statusCode, body, headers } = toOpenAIError(request.error, state?.requestId);
    if (statusCode >= 500) logger.error('request failed', { requestId: state?.requestId, error: request.error ?? undefined });
    // A refused request is the client's to fix, but only the log has the upstream's explanation.
    else if (request.error instanceof UpstreamError)
      logger.warn('upstream refused the request', { requestId: state?.requestId, error: request.error });
    const errorBody = request.context.route?.errorBody;
    request.response = jsonResponse(statusCode, errorBody ? errorBody(body, statusCode) : body, headers);
    if (state) state.errorCode = body.error.code ?? body.error.type;
  },
});
