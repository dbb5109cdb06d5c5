import middy, { type MiddlewareObj } from '@middy/core';
import { executionModeStreamifyResponse } from '@middy/core/StreamifyResponse';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { RouterError } from '#shared/errors.ts';
import { apiGatewayAdapter } from './api-gateway.ts';
import { corsPreflight } from './handlers/cors-preflight.ts';
import type { HttpResponse } from './http/types.ts';
import { runAfterResponse } from './middlewares/after-response.ts';
import { authenticate } from './middlewares/authenticate.ts';
import { cors } from './middlewares/cors.ts';
import { enforceLimits } from './middlewares/enforce-limits.ts';
import { errorHandler } from './middlewares/error-handler.ts';
import { guardInput } from './middlewares/guard-input.ts';
import { logAndMeasure } from './middlewares/log-and-measure.ts';
import { matchRoute } from './middlewares/match-route.ts';
import { parseBody } from './middlewares/parse-body.ts';
import { publishUsage } from './middlewares/publish-usage.ts';
import { requestId } from './middlewares/request-id.ts';
import { responseHeaders } from './middlewares/response-headers.ts';
import { routeModel } from './middlewares/route-model.ts';
import type { RouterContext } from './middlewares/router-context.ts';
import { routes } from './routes.ts';
import type { RouterRuntime } from './runtime.ts';

/** Time kept back before the Lambda timeout to answer 504 instead of being killed mid-request. */
const TIMEOUT_MARGIN_MS = 1_000;

/**
 * The router Lambda: one middy stack in response-streaming mode, so SSE reaches the client token
 * by token and the work after the last byte (usage events) costs the client nothing.
 */
export const createRouterHandler = (runtime: RouterRuntime, extra: { tracing?: MiddlewareObj | undefined } = {}) =>
  middy<APIGatewayProxyEvent, HttpResponse, Error, RouterContext>({
    executionMode: executionModeStreamifyResponse,
    requestEnd: runAfterResponse(runtime.logger),
    timeoutEarlyInMillis: TIMEOUT_MARGIN_MS,
    timeoutEarlyResponse: () => {
      throw new RouterError(504, 'timeout_error', 'The router ran out of time for this request.', { code: 'router_timeout' });
    },
  })
    .use(extra.tracing ? [extra.tracing as MiddlewareObj<APIGatewayProxyEvent, HttpResponse, Error, RouterContext>] : [])
    .use(apiGatewayAdapter())
    // First after the adapter, so its after/onError run last: CORS headers on every response.
    .use(cors(runtime.config.server.cors))
    .use(requestId())
    .use(publishUsage(runtime))
    .use(logAndMeasure(runtime))
    .use(responseHeaders())
    .use(errorHandler(runtime.logger))
    // With CORS on, OPTIONS on a known path is a preflight: answered 204 before methods or keys are checked.
    .use(matchRoute(routes, runtime.config.server.cors ? { preflight: corsPreflight } : {}))
    .use(parseBody(runtime))
    .use(authenticate(runtime))
    .use(routeModel(runtime.models, runtime.config))
    // Guardrails before admission: a capped max_tokens must be what is reserved.
    .use(guardInput(runtime))
    .use(enforceLimits(runtime))
    .handler(async (_event, context, { signal }) => {
      const { state, route } = context;
      if (!route) throw new Error('no route matched');
      const response = await route.handle({ state, runtime, signal });
      if (typeof response.body !== 'string') state.responseBody = response.body;
      return response;
    });
