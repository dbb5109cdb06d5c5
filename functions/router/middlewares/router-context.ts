import type { MiddlewareObj, Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { RequestState } from '../http/request-state.ts';
import type { HttpResponse } from '../http/types.ts';
import type { RouteSpec } from '../route-spec.ts';

/** The Lambda context as the router's middlewares see it: the request's state and, once matched, its route. */
export interface RouterContext extends Context {
  state: RequestState;
  route?: RouteSpec;
}

export type RouterRequest = Request<unknown, HttpResponse, Error, RouterContext>;
export type RouterMiddleware = MiddlewareObj<unknown, HttpResponse, Error, RouterContext>;
