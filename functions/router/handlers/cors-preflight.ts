import { preflightHeaders } from '../http/cors.ts';
import type { HttpResponse } from '../http/types.ts';
import type { HandlerContext, RouteSpec } from '../route-spec.ts';

/**
 * `OPTIONS` on any known path while CORS is on: a browser's preflight, answered 204 without a key
 * (browsers never send one with it) and before the method is compared. `allow` lists the path's
 * methods for any caller; the `access-control-*` headers only go to an allowed origin.
 */
export const corsPreflight =
  (methods: readonly string[]): RouteSpec['handle'] =>
  async ({ state, runtime }: HandlerContext): Promise<HttpResponse> => {
    const listed = [...new Set([...methods, 'OPTIONS'])];
    const cors = runtime.config.server.cors;
    return {
      statusCode: 204,
      headers: { allow: listed.join(', '), ...(cors ? preflightHeaders(cors, state.http.headers, listed) : {}) },
      body: '',
    };
  };
