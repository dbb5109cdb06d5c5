import { RouterError } from '../errors.ts';
import type { ModelTarget, ProviderCallOptions } from './types.ts';
import { parseRetryAfter, upstreamConnectionError, upstreamHttpError, upstreamTimeoutError } from './upstream-errors.ts';

/** An upstream response whose body is still to be read; `close()` must be called when done with it. */
export interface UpstreamCall {
  readonly provider: string;
  readonly modelId: string;
  readonly response: Response;
  /** Aborted on client disconnect, router deadline or the model's total timeout. */
  readonly signal: AbortSignal;
  close(): void;
  /** Converts an error thrown while reading the body into the router's error (timeouts included). */
  readError(error: unknown): unknown;
}

export interface UpstreamRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  /**
   * A streamed call gets the first-byte timeout; a non-streamed one does not, because its headers
   * only arrive once the whole answer is generated (only the total timeout applies).
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

const MAX_ERROR_BODY = 64 * 1024;

/**
 * POSTs JSON to an upstream with the model's first-byte and total timeouts and the request's
 * cancellation signal linked in. Non-2xx answers become `UpstreamError`s here, so adapters only
 * see successful responses. Keep-alive is undici's default, so connections are reused.
 */
export const postUpstream = async (
  request: UpstreamRequest,
  target: ModelTarget,
  options: ProviderCallOptions,
  extractMessage: ErrorMessageExtractor = defaultErrorMessage,
): Promise<UpstreamCall> => {
  const { provider, id: modelId, timeoutMs, firstByteTimeoutMs } = target.config;
  const controller = new AbortController();
  const abortFromParent = (): void => controller.abort(options.signal.reason);
  if (options.signal.aborted) abortFromParent();
  else options.signal.addEventListener('abort', abortFromParent, { once: true });
  const totalTimer = setTimeout(() => controller.abort(upstreamTimeoutError(provider, modelId, 'total', timeoutMs)), timeoutMs);
  const firstByteTimer = request.stream
    ? setTimeout(
        () => controller.abort(upstreamTimeoutError(provider, modelId, 'first byte', firstByteTimeoutMs)),
        firstByteTimeoutMs,
      )
    : undefined;
  const close = (): void => {
    clearTimeout(totalTimer);
    clearTimeout(firstByteTimer);
    options.signal.removeEventListener('abort', abortFromParent);
  };
  const readError = (error: unknown): unknown => {
    if (controller.signal.aborted)
      return controller.signal.reason instanceof RouterError ? controller.signal.reason : (controller.signal.reason ?? error);
    if (error instanceof RouterError) return error;
    return upstreamConnectionError(provider, modelId, error);
  };

  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...request.headers },
      body: JSON.stringify(request.body),
      signal: controller.signal,
    });
  } catch (error) {
    close();
    throw readError(error);
  }
  clearTimeout(firstByteTimer);

  if (!response.ok) {
    let message: string | undefined;
    try {
      const text = (await response.text()).slice(0, MAX_ERROR_BODY);
      try {
        message = extractMessage(JSON.parse(text));
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
      status: response.status,
      message,
      retryAfterMs: parseRetryAfter(response.headers),
      secrets: [target.apiKey],
    });
  }
  return { provider, modelId, response, signal: controller.signal, close, readError };
};

/** Joins a base URL and a path, keeping the base's own path (`.../v1` + `/chat/completions`) and adding query params. */
export const upstreamUrl = (baseUrl: string, path: string, query: Record<string, string> = {}): string => {
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.toString();
};
