import type { IncomingMessage } from 'node:http';
import { RouterError } from '../errors.ts';
import { http, https } from '../net/node-http.ts';
import type { ModelTarget, ProviderCallOptions } from './types.ts';
import { startUpstreamDeadline } from './upstream-deadline.ts';
import { parseRetryAfter, upstreamConnectionError, upstreamHttpError } from './upstream-errors.ts';

/** An upstream response whose body is still to be read; `close()` must be called when done with it. */
export interface UpstreamCall {
  readonly provider: string;
  readonly modelId: string;
  /** The response body as Node's stream (status was 2xx). */
  readonly body: IncomingMessage;
  /** Aborted on client disconnect, router deadline or the model's total timeout. */
  readonly signal: AbortSignal;
  /** Stops the timers; an unfinished body is dropped (its connection too), a finished one returns to the pool. */
  close(): void;
  /** Converts an error thrown while reading the body into the router's error (timeouts included). */
  readError(error: unknown): unknown;
}

export interface UpstreamRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  /**
   * Which first-byte timeout applies: a non-streamed call's headers usually arrive only once the
   * whole answer is generated, so it gets the longer `nonStreamFirstByteTimeoutMs`.
   */
  readonly stream: boolean;
}

/** Pulls the human-readable message out of a provider's error body (each provider nests it differently). */
export type ErrorMessageExtractor = (body: unknown) => string | undefined;

export const defaultErrorMessage: ErrorMessageExtractor = (body) => {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  const message = (body as { message?: unknown }).message;
  return typeof message === 'string' ? message : undefined;
};

/** OpenAI's `error.param` and `error.code`, which other compatible servers copy; absent elsewhere. */
const errorFields = (body: unknown): { param?: unknown; code?: unknown } => {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  return typeof error === 'object' && error !== null ? (error as { param?: unknown; code?: unknown }) : {};
};

const MAX_ERROR_BODY = 64 * 1024;

// One keep-alive pool per protocol for the life of the instance: upstream connections are reused
// across requests (TLS handshakes are the expensive part of a cold path).
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256 }),
};
const urls = new Map<string, URL>();
const urlOf = (href: string): URL => {
  let url = urls.get(href);
  if (!url) {
    url = new URL(href);
    urls.set(href, url);
  }
  return url;
};

const headerReader = (response: IncomingMessage): Pick<Headers, 'get'> => ({
  get: (name) => {
    const value = response.headers[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  },
});

const readText = async (response: IncomingMessage, limit: number): Promise<string> => {
  let text = '';
  response.setEncoding('utf8');
  for await (const chunk of response) {
    text += chunk as string;
    if (text.length > limit) {
      response.destroy();
      break;
    }
  }
  return text.slice(0, limit);
};

/**
 * POSTs JSON to an upstream with the model's first-byte and total timeouts and the request's
 * cancellation signal linked in. Non-2xx answers become `UpstreamError`s here, so adapters only
 * see successful responses. `node:http` with keep-alive agents rather than `fetch`: a third of the
 * CPU per call on the hot path (BENCHMARKS.md, client costs).
 */
export const postUpstream = async (
  request: UpstreamRequest,
  target: ModelTarget,
  options: ProviderCallOptions,
  extractMessage: ErrorMessageExtractor = defaultErrorMessage,
): Promise<UpstreamCall> => {
  const { provider, id: modelId } = target.config;
  const deadline = startUpstreamDeadline(target, options, request.stream);
  let response: IncomingMessage | undefined;
  const close = (): void => {
    deadline.close();
    if (response && !response.complete) response.destroy();
  };
  const readError = (error: unknown): unknown => {
    if (deadline.signal.aborted) return deadline.signal.reason ?? error;
    if (error instanceof RouterError) return error;
    return upstreamConnectionError(provider, modelId, error);
  };

  const url = urlOf(request.url);
  const body = JSON.stringify(request.body);
  try {
    response = await new Promise<IncomingMessage>((resolve, reject) => {
      const secure = url.protocol === 'https:';
      const outgoing = (secure ? https.request : http.request)(
        url,
        {
          method: 'POST',
          agent: secure ? agents.https : agents.http,
          signal: deadline.signal,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            'content-length': Buffer.byteLength(body),
            ...request.headers,
          },
        },
        resolve,
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  } catch (error) {
    close();
    throw readError(error);
  }
  deadline.firstByteReceived();
  const status = response.statusCode ?? 0;
  if (status < 200 || status >= 300) {
    let message: string | undefined;
    let fields: { param?: unknown; code?: unknown } = {};
    try {
      const text = await readText(response, MAX_ERROR_BODY);
      try {
        const parsed: unknown = JSON.parse(text);
        message = extractMessage(parsed);
        fields = errorFields(parsed);
      } catch {
        message = text.trim() || undefined;
      }
    } catch {
      // The error body is a courtesy; its absence does not change the status.
    } finally {
      close();
    }
    throw upstreamHttpError({
      provider,
      modelId,
      status,
      message,
      code: fields.code,
      param: fields.param,
      sent: request.body,
      retryAfterMs: parseRetryAfter(headerReader(response)),
      secrets: [target.apiKey],
    });
  }
  const opened = response;
  // Without a listener an error after the caller stopped reading would crash the process.
  opened.on('error', () => undefined);
  return { provider, modelId, body: opened, signal: deadline.signal, close, readError };
};

export interface UpstreamEndpoint {
  readonly url: string;
  readonly headers: Record<string, string>;
}

/** An upstream's URL and headers are fixed per target: built on its first request, not on every one. */
export const cachedEndpoints = (
  build: (target: ModelTarget) => UpstreamEndpoint,
): ((target: ModelTarget) => UpstreamEndpoint) => {
  const endpoints = new WeakMap<ModelTarget, UpstreamEndpoint>();
  return (target) => {
    let endpoint = endpoints.get(target);
    if (!endpoint) {
      endpoint = build(target);
      endpoints.set(target, endpoint);
    }
    return endpoint;
  };
};

/** Joins a base URL and a path, keeping the base's own path (`.../v1` + `/chat/completions`) and adding query params. */
export const upstreamUrl = (baseUrl: string, path: string, query: Record<string, string> = {}): string => {
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.toString();
};
