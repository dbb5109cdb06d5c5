import { UpstreamError } from '../errors.ts';

// How an upstream's failure reaches the client: with the right status, retryability for the
// fallback engine, and in the router's own words. An upstream's text can hold its organisation or
// project id, other tenants' usage, internal hostnames and URLs, so it only reaches the log (as
// `upstreamMessage`, scrubbed of credentials); the client learns the status class, the router's
// code, which of the router's models failed, `retry-after`, and for a refused request the field to
// fix when the upstream names one the client sent.

const SECRET_PATTERNS: readonly RegExp[] = [
  /\b(sk|pk|rk)-[A-Za-z0-9_*-]{6,}/g,
  /\bBearer\s+\S+/gi,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\b[A-Za-z0-9+/_-]{40,}\b/g,
];

/** Removes anything that looks like a credential from an upstream message before it is logged. */
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
  /** The upstream's own message, if any: scrubbed, and for the log only. */
  message?: string | undefined;
  /** The upstream's machine-readable reason (OpenAI's `error.code`): told to the client only from a fixed list. */
  code?: unknown;
  /** The field the upstream blames (OpenAI's `error.param`): passed on only when it names a field of `sent`. */
  param?: unknown;
  /** The body the router sent upstream, to check `param` against. */
  sent?: unknown;
  retryAfterMs?: number | null;
  secrets?: readonly (string | undefined)[];
}

/** Why a request was refused, in the router's words, for the upstream codes that say it precisely. */
const REFUSAL_REASONS: Readonly<Record<string, string>> = {
  context_length_exceeded: 'the messages and the output cap exceed its context window',
  string_above_max_length: 'a string is longer than it accepts',
  array_above_max_length: 'an array is longer than it accepts',
  invalid_type: 'a parameter has the wrong type',
  invalid_value: 'a parameter has a value it does not accept',
  missing_required_parameter: 'a required parameter is missing',
  unsupported_parameter: 'it does not support a parameter of the request',
  unsupported_value: 'it does not support a value of the request',
  invalid_image_url: 'it could not read an image of the request',
  image_parse_error: 'it could not read an image of the request',
  content_filter: "its provider's content filter refused the request",
  content_policy_violation: "its provider's content filter refused the request",
};

/**
 * Providers without a code still say when the prompt is too long (Anthropic's "prompt is too long",
 * Bedrock's "Input is too long"): the most common refusal, told in the router's words.
 */
const CONTEXT_LENGTH = /context.{0,20}(length|window)|prompt is too long|input is too long|too many (input )?tokens/i;

const refusalReason = (code: unknown, message: string | undefined): string | undefined => {
  if (typeof code === 'string' && Object.hasOwn(REFUSAL_REASONS, code)) return code;
  return message !== undefined && CONTEXT_LENGTH.test(message) ? 'context_length_exceeded' : undefined;
};

/**
 * The upstream's `param` when it is a path to a field of the body the router sent (`tools[0].function`,
 * `messages.[1].content`): then it only repeats names the client itself chose. Anything else (an id,
 * a URL, a field the router added under another name) is dropped.
 */
export const sentFieldParam = (param: unknown, sent: unknown): string | null => {
  if (typeof param !== 'string' || param.length > 200 || !/^[\w$.[\]-]+$/.test(param)) return null;
  const segments = param.split(/[.[\]]+/).filter((segment) => segment !== '');
  if (segments.length === 0 || segments.length > 32) return null;
  let at: unknown = sent;
  for (const segment of segments) {
    if (Array.isArray(at)) {
      if (!/^\d+$/.test(segment) || Number(segment) >= at.length) return null;
      at = at[Number(segment)];
    } else if (typeof at === 'object' && at !== null && Object.hasOwn(at, segment)) {
      at = (at as Record<string, unknown>)[segment];
    } else {
      return null;
    }
  }
  return param;
};

/**
 * Maps an upstream HTTP status to the router's answer. Request errors (400/413/422) are the
 * client's to fix: the client learns that, why when the upstream's code says it, and the field; the
 * upstream's text stays in the log. Credential and model-name errors are the operator's, so the
 * client gets a 502 that says where to look.
 */
export const upstreamHttpError = (failure: UpstreamFailure): UpstreamError => {
  const { provider, modelId, status } = failure;
  const upstreamMessage = failure.message ? scrubSecrets(failure.message, failure.secrets) : null;
  const base = { provider, upstreamStatus: status, retryAfterMs: failure.retryAfterMs ?? null, upstreamMessage };
  if (status === 400 || status === 422) {
    const reason = refusalReason(failure.code, failure.message);
    const param = sentFieldParam(failure.param, failure.sent);
    const why = reason === undefined ? '' : `: ${REFUSAL_REASONS[reason]}`;
    const where = param === null ? '' : ` (param '${param}')`;
    return new UpstreamError(
      400,
      `${provider} refused the request for model '${modelId}' as invalid${why}${where}; its own explanation is in the router's log`,
      {
        ...base,
        retryable: false,
        // The router's own code for a prompt too long for the model, as when it finds that itself.
        code: reason === 'context_length_exceeded' ? 'context_length_exceeded' : 'upstream_invalid_request',
        type: 'invalid_request_error',
        param,
      },
    );
  }
  if (status === 413) {
    return new UpstreamError(413, `The request is too large for model '${modelId}'`, {
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
    return new UpstreamError(429, `${provider} is rate limiting model '${modelId}'`, {
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
