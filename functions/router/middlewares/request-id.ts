import type { RouterMiddleware } from './router-context.ts';

/**
 * Puts `x-request-id` on every response, errors included (and the route's own request-id header). The id itself is chosen by the
 * platform adapter (API Gateway's request id), never by the client: it is also the billing
 * transaction id, so a client must not be able to replay or collide it.
 */
export const requestId = (): RouterMiddleware => {
  const setHeader: RouterMiddleware['after'] = (request) => {
    if (!request.response) return;
    const id = request.context.state.requestId;
    request.response.headers['x-request-id'] = id;
    // Anthropic's SDK shows its `request-id` as `_request_id` and in its errors.
    const alias = request.context.route?.requestIdHeader;
    if (alias) request.response.headers[alias] = id;
  };
  return { after: setHeader, onError: setHeader };
};
