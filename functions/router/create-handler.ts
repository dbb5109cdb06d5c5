import middy, { type MiddlewareObj } from '@middy/core';
import { executionModeStreamifyResponse } from '@middy/core/StreamifyResponse';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { RouterError } from '#shared/errors.ts';
import type { RouterContext } from '#shared/http/request-state.ts';
import { routes } from '#shared/http/routes.ts';
import type { HttpResponse } from '#shared/http/types.ts';
import { runAfterResponse } from '#shared/middlewares/after-response.ts';
import { authenticate } from '#shared/middlewares/authenticate.ts';
import { enforceLimits } from '#shared/middlewares/enforce-limits.ts';
import { errorHandler } from '#shared/middlewares/error-handler.ts';
import { guardInput } from '#shared/middlewares/guard-input.ts';
import { matchRoute } from '#shared/middlewares/match-route.ts';
import { observe } from '#shared/middlewares/observe.ts';
import { parseBody } from '#shared/middlewares/parse-body.ts';
import { publishUsage } from '#shared/middlewares/publish-usage.ts';
import { requestId } from '#shared/middlewares/request-id.ts';
import { responseHeaders } from '#shared/middlewares/response-headers.ts';
import { routeModel } from '#shared/middlewares/route-model.ts';
import type { RouterRuntime } from '#shared/runtime.ts';
import { apiGatewayAdapter } from './api-gateway.ts';

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
    .use(requestId())
    .use(publishUsage(runtime))
    .use(observe(runtime))
    .use(responseHeaders())
    .use(errorHandler(runtime.logger))
    .use(matchRoute(routes))
    .use(parseBody(runtime))
    .use(authenticate(runtime))
    .use(routeModel(runtime.models))
    // Guardrails before admission: a capped max_tokens must be what is reserved.
    .use(guardInput(runtime))
    .use(enforceLimits(runtime))
    .handler(async (_event, context, { signal }) => {
      const { state } = context;
      if (!state.route) throw new Error('no route matched');
      return state.route.handle({ state, runtime, signal });
    });
