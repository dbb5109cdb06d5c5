import { servedByFallback, servingModel, upstreamCalls } from '../http/request-state.ts';
import type { RouterMiddleware, RouterRequest } from './router-context.ts';

const formatUsageHeader = (usage: {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  estimated: boolean;
}): string =>
  `prompt=${usage.promptTokens}; completion=${usage.completionTokens}; cached=${usage.cachedTokens}; total=${
    usage.promptTokens + usage.completionTokens
  }${usage.estimated ? '; estimated' : ''}`;

/**
 * The router's own response headers, on success and on error: timing, the routing decision,
 * token usage and sizes when known (a stream's usage is not known when its headers go out).
 */
export const responseHeaders = (): RouterMiddleware => {
  const addHeaders = (request: RouterRequest): void => {
    const response = request.response;
    if (!response) return;
    const { state } = request.context;
    const headers = response.headers;
    Object.assign(headers, state.responseHeaders);
    const decision = state.decision;
    const outcome = state.outcome;
    const serving = servingModel(state);
    if (serving) {
      headers['x-router-model'] = serving.id;
      headers['x-router-provider'] = serving.provider;
    }
    if (decision) {
      headers['x-router-tier'] = decision.tier;
      if (decision.score !== null) headers['x-router-score'] = String(decision.score);
      headers['x-router-reason'] = decision.reason;
    }
    const calls = upstreamCalls(state);
    if (calls.length > 0) {
      headers['x-router-attempts'] = String(calls.length);
      headers['x-router-fallback'] = String(servedByFallback(state));
    }
    if (outcome?.usage) headers['x-token-usage'] = formatUsageHeader(outcome.usage);
    headers['x-request-size'] = String(state.requestBytes);
    if (typeof response.body === 'string') {
      const size = Buffer.byteLength(response.body);
      headers['x-response-size'] = String(size);
      if (outcome) outcome.responseBytes = size;
      if (state.http.method === 'HEAD') response.body = '';
    }
    state.statusCode = response.statusCode;
    headers['x-process-time'] = (performance.now() - state.startedAt).toFixed(1);
  };
  return { after: addHeaders, onError: addHeaders };
};
