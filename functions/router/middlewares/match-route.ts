import { InvalidRequestError, MethodNotAllowedError, NotFoundError } from '#shared/errors.ts';
import type { RouteSpec } from '../route-spec.ts';
import type { RouterMiddleware } from './router-context.ts';

interface CompiledRoute {
  spec: RouteSpec;
  pattern: RegExp;
  params: string[];
}

const compile = (spec: RouteSpec): CompiledRoute => {
  const params: string[] = [];
  // `{name}` matches one segment, `{name+}` the rest of the path (model ids may contain `/`).
  const source = spec.path.replace(/\{(\w+)(\+?)\}/g, (_match, name: string, greedy: string) => {
    params.push(name);
    return greedy ? '(.+)' : '([^/]+)';
  });
  return { spec, pattern: new RegExp(`^${source}$`), params };
};

export interface MatchRouteOptions {
  /**
   * Serves `OPTIONS` on every known path, given the path's methods (the CORS preflight, when CORS
   * is on); absent, OPTIONS is a method like any other (405).
   */
  preflight?: (methods: readonly string[]) => RouteSpec['handle'];
}

/** Finds the endpoint for method + path; 404 for unknown paths, 405 (with `allow`) for wrong methods. */
export const matchRoute = (routes: readonly RouteSpec[], options: MatchRouteOptions = {}): RouterMiddleware => {
  const compiled = routes.map(compile);
  return {
    before: (request) => {
      const { state } = request.context;
      // HEAD is GET without the body (load balancers and uptime checks probe /health with it).
      const method = state.http.method === 'HEAD' ? 'GET' : state.http.method;
      // One trailing slash is tolerated everywhere (and never becomes part of a parameter).
      const path = state.http.path.length > 1 ? state.http.path.replace(/\/$/, '') : state.http.path;
      const allowed: string[] = [];
      let known: string | undefined;
      for (const route of compiled) {
        const match = route.pattern.exec(path);
        if (!match) continue;
        known ??= route.spec.path;
        if (route.spec.method !== method) {
          allowed.push(route.spec.method);
          continue;
        }
        // Middlewares read the endpoint from the state; the schema and handler from the context.
        state.route = request.context.route = route.spec;
        route.params.forEach((name, index) => {
          try {
            state.pathParams[name] = decodeURIComponent(match[index + 1] ?? '');
          } catch {
            throw new InvalidRequestError(`The path ${path} has a malformed %-escape.`, { code: 'invalid_path' });
          }
        });
        return;
      }
      // A preflight comes without a key and before the real method: it is served here, as a route of its own.
      if (known !== undefined && method === 'OPTIONS' && options.preflight) {
        const preflight: RouteSpec = { method: 'OPTIONS', path: known, auth: 'none', handle: options.preflight(allowed) };
        state.route = request.context.route = preflight;
        return;
      }
      if (allowed.length > 0) throw new MethodNotAllowedError(state.http.method, path, allowed);
      throw new NotFoundError(`Unknown endpoint ${method} ${path}.`, { code: 'unknown_endpoint' });
    },
  };
};
