import type { RouterMiddleware } from './router-context.ts';

/**
 * Puts `x-request-id` on every response, errors included. The id itself is chosen by the
 * platform adapter (API Gateway's request id), never by the client: it is also the billing
 * transaction id, so a client must not be able to replay or collide it.
 */
export const requestId = (): RouterMiddleware => {
  const setHeader: RouterMiddleware['after'] = (request) => {
    if (request.response) request.response.headers['x-request-id'] = request.context.state.requestId;
  };
  return { after: setHeader, onError: setHeader };
};
