import type { CorsConfig } from '#shared/config/schema.ts';
import { corsHeaders } from '../http/cors.ts';
import type { RouterMiddleware, RouterRequest } from './router-context.ts';

/**
 * CORS headers on every response, errors and SSE streams included (a stream's headers leave with
 * its first byte, after this runs), so a browser page can read answers and the router's headers.
 * Registered right after the adapter: its `after` and `onError` run last, when every other header
 * is set. Off (no headers at all) without `server.cors`; preflights are served by match-route.
 */
export const cors = (config: CorsConfig | undefined): RouterMiddleware => {
  const addHeaders = (request: RouterRequest): void => {
    const response = request.response;
    if (config === undefined || !response || request.context.state === undefined) return;
    Object.assign(response.headers, corsHeaders(config, request.context.state.http.headers, response.headers));
  };
  return { after: addHeaders, onError: addHeaders };
};
