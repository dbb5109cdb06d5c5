import { UpstreamError } from '../errors.ts';

// How an upstream's failure reaches the client: with the right status, retryability for the
// fallback engine, and never the upstream's key or internals.

const SECRET_PATTERNS: readonly RegExp[] = [
  /\b(sk|pk|rk)-[A-Za-z0-9_*-]{6,}/g,
  /\bBearer\s+\S+/gi,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\b[A-Za-z0-9+/_-]{40,}\b/g,
];

/** Removes anything that looks like a credential from an upstream message before a client sees it. */
export const scrubSecrets = (message: string, knownSecrets: readonly (string | undefined)[] = []): string => {
  let out = message;
  for (const secret of knownSecrets) if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, '[redacted]');
  return out.length > 500 ? `${out.slice(0, 500)}...` : out;
};

/** `retry-after` as seconds or an HTTP date, plus OpenAI's `retry-after-ms`. */
export const parseRetryAfter = (headers: Pick<Headers, 'get'>, now = Date.now()): number | null => {
  const ms = headers.get('retry-after-ms')?.trim();
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get('retry-after')?.trim();
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  // Only an HTTP date (IMF-fixdate, `Wed, 21 Oct 2015 07:28:00 GMT`): Date.parse accepts junk.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value)) return null;
  return Math.max(0, Date.parse(value) - now);
};

export interface UpstreamFailure {
  provider: string;
  modelId: string;
  status: number;
  /** The upstream's own error message, if any; scrubbed before use. */
  message?: string | undefined;
  retryAfterMs?: number | null;
  secrets?: readonly (string | undefined)[];
}

/**
 * Maps an upstream HTTP status to the router's answer. Request errors (400/413/422) are the
 * client's to fix and are passed on with the upstream's explanation; credential and model-name
 * errors are the operator's, so the client gets a 502 that says where to look.
 */
export const upstreamHttpError = (failure: UpstreamFailure): UpstreamError => {
  const { provider, modelId, status } = failure;
  const detail = failure.message ? `: ${scrubSecrets(failure.message, failure.secrets)}` : '';
  const base = { provider, upstreamStatus: status, retryAfterMs: failure.retryAfterMs ?? null };
  if (status === 400 || status === 422) {
    return new UpstreamError(400, `${provider} rejected the request for model '${modelId}'${detail}`, {
      ...base,
      retryable: false,
      code: 'upstream_invalid_request',
      type: 'invalid_request_error',
    });
  }
  if (status === 413) {
    return new UpstreamError(413, `The request is too large for model '${modelId}'${detail}`, {
      ...base,
      retryable: false,
      code: 'request_too_large',
      type: 'invalid_request_error',
    });
  }
  if (status === 401 || status === 403) {
    return new UpstreamError(
      502,
      `The router could not authenticate with ${provider} for model '${modelId}'; the operator should check its credentials.`,
      {
        ...base,
        retryable: false,
        code: 'upstream_auth_error',
      },
    );
  }
  if (status === 404) {
    return new UpstreamError(
      502,
      `${provider} does not know the upstream model configured for '${modelId}'; the operator should check upstreamModel and baseUrl.`,
      {
        ...base,
        retryable: false,
        code: 'upstream_model_not_found',
      },
    );
  }
  if (status === 408 || status === 504) {
    return new UpstreamError(504, `${provider} timed out for model '${modelId}'`, {
      ...base,
      retryable: true,
      code: 'upstream_timeout',
    });
  }
  if (status === 429) {
    return new UpstreamError(429, `${provider} is rate limiting model '${modelId}'${detail}`, {
      ...base,
      retryable: true,
      code: 'upstream_rate_limited',
      type: 'rate_limit_error',
    });
  }
  if (status === 503 || status === 529) {
    return new UpstreamError(503, `${provider} is overloaded or unavailable for model '${modelId}'`, {
      ...base,
      retryable: true,
      code: 'upstream_unavailable',
    });
  }
  return new UpstreamError(502, `${provider} failed with HTTP ${status} for model '${modelId}'`, {
    ...base,
    retryable: status >= 500 || status === 409,
    code: 'upstream_error',
  });
};

export const upstreamTimeoutError = (
  provider: string,
  modelId: string,
  phase: 'first byte' | 'total',
  ms: number,
): UpstreamError =>
  new UpstreamError(504, `${provider} did not answer for model '${modelId}' within ${ms} ms (${phase} timeout)`, {
    provider,
    retryable: true,
    code: 'upstream_timeout',
  });

export const upstreamConnectionError = (provider: string, modelId: string, cause: unknown): UpstreamError =>
  new UpstreamError(502, `Could not connect to ${provider} for model '${modelId}'`, {
    provider,
    retryable: true,
    code: 'upstream_connection_error',
    cause,
  });

export const upstreamStreamCutError = (provider: string, modelId: string): UpstreamError =>
  new UpstreamError(502, `${provider} ended the stream for model '${modelId}' before it was complete`, {
    provider,
    retryable: true,
    code: 'upstream_stream_cut',
  });

export const upstreamProtocolError = (provider: string, modelId: string, what: string): UpstreamError =>
  new UpstreamError(502, `${provider} sent an unexpected response for model '${modelId}': ${what}`, {
    provider,
    retryable: true,
    code: 'upstream_bad_response',
  });
