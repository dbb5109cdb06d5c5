// One error hierarchy for the whole router. Every error a client can see is a
// RouterError; `toOpenAIError` (used by the single onError middleware) turns it
// into OpenAI's wire shape, so SDKs raise the matching exception class.

export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'content_policy'
  | 'api_error'
  | 'upstream_error'
  | 'timeout_error';

export interface OpenAIErrorBody {
  error: {
    message: string;
    type: OpenAIErrorType;
    param: string | null;
    code: string | null;
  };
}

export interface RouterErrorOptions {
  code?: string;
  param?: string | null;
  headers?: Record<string, string>;
  cause?: unknown;
  /**
   * What only the operator may read (an upstream's own explanation): added to `message`, which is
   * what logs show, and never to the client's JSON.
   */
  detail?: string | null;
}

export class RouterError extends Error {
  readonly statusCode: number;
  readonly type: OpenAIErrorType;
  readonly code: string | null;
  readonly param: string | null;
  /** Extra response headers (retry-after, allow, ...). */
  readonly headers: Record<string, string>;
  /** The message the client gets; `message` adds the detail for the log. */
  readonly clientMessage: string;

  constructor(statusCode: number, type: OpenAIErrorType, message: string, options: RouterErrorOptions = {}) {
    super(
      options.detail ? `${message} [detail for the operator: ${options.detail}]` : message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = new.target.name;
    this.statusCode = statusCode;
    this.type = type;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
    this.clientMessage = message;
  }

  /** Only client errors explain themselves; a 5xx message is still written for the client, never copied from internals. */
  get expose(): boolean {
    return true;
  }

  toJSON(): OpenAIErrorBody {
    return { error: { message: this.clientMessage, type: this.type, param: this.param, code: this.code } };
  }
}

export class InvalidRequestError extends RouterError {
  constructor(message: string, options: RouterErrorOptions = {}) {
    super(400, 'invalid_request_error', message, { code: 'invalid_request', ...options });
  }
}

export class UnsupportedMediaTypeError extends RouterError {
  constructor(contentType: string) {
    super(415, 'invalid_request_error', `Unsupported content-type '${contentType}'; send application/json.`, {
      code: 'unsupported_media_type',
    });
  }
}

export class PayloadTooLargeError extends RouterError {
  constructor(size: number, limit: number) {
    super(413, 'invalid_request_error', `Request body is ${size} bytes; the limit is ${limit} bytes.`, {
      code: 'request_too_large',
    });
  }
}

export class AuthenticationError extends RouterError {
  constructor(message: string, code = 'invalid_api_key') {
    super(401, 'authentication_error', message, { code });
  }
}

export class PermissionError extends RouterError {
  constructor(message: string, options: RouterErrorOptions = {}) {
    super(403, 'permission_error', message, { code: 'permission_denied', ...options });
  }
}

export class NotFoundError extends RouterError {
  constructor(message: string, options: RouterErrorOptions = {}) {
    super(404, 'not_found_error', message, { code: 'not_found', ...options });
  }
}

export class MethodNotAllowedError extends RouterError {
  constructor(method: string, path: string, allowed: readonly string[]) {
    super(405, 'invalid_request_error', `Method ${method} is not allowed on ${path}; use ${allowed.join(', ')}.`, {
      code: 'method_not_allowed',
      headers: { allow: allowed.join(', ') },
    });
  }
}

export class ConflictError extends RouterError {
  constructor(message: string, options: RouterErrorOptions = {}) {
    super(409, 'invalid_request_error', message, { code: 'conflict', ...options });
  }
}

/** A request the content policy refuses: 400, with the reason code and never the matched text. */
export class ContentPolicyError extends RouterError {
  constructor(reason: string, stage: 'input' | 'output') {
    super(
      400,
      'invalid_request_error',
      `The ${stage === 'input' ? 'request' : 'response'} was blocked by the router's content policy (${reason}).`,
      {
        code: 'content_policy',
        param: reason,
        headers: { 'x-router-guardrail': `block:${reason}` },
      },
    );
  }
}

/** A per-minute limit (RPM/TPM): come back after `retry-after`. */
export class RateLimitError extends RouterError {
  constructor(message: string, headers: Record<string, string>) {
    super(429, 'rate_limit_error', message, { code: 'rate_limit_exceeded', headers });
  }
}

/** A monthly quota (tokens or budget): OpenAI's `insufficient_quota`. */
export class QuotaExceededError extends RouterError {
  constructor(message: string, headers: Record<string, string>) {
    super(429, 'insufficient_quota', message, { code: 'insufficient_quota', headers });
  }
}

/**
 * A provider failed. `retryable` and `retryAfterMs` feed the retry/fallback engine. The message is
 * the router's own words; the upstream's (which can name its organisation, other tenants' usage,
 * internal hosts) goes in `upstreamMessage`, for the log only.
 */
export class UpstreamError extends RouterError {
  readonly provider: string;
  readonly upstreamStatus: number | null;
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;
  /** The upstream's own explanation, scrubbed of credentials: logged, never sent to the client. */
  readonly upstreamMessage: string | null;

  constructor(
    statusCode: number,
    message: string,
    details: {
      provider: string;
      upstreamStatus?: number | null;
      retryable: boolean;
      retryAfterMs?: number | null;
      code?: string;
      type?: OpenAIErrorType;
      param?: string | null;
      upstreamMessage?: string | null;
      cause?: unknown;
    },
  ) {
    const retryAfter = details.retryAfterMs == null ? undefined : String(Math.ceil(details.retryAfterMs / 1000));
    super(statusCode, details.type ?? (statusCode === 504 ? 'timeout_error' : 'upstream_error'), message, {
      code: details.code ?? 'upstream_error',
      param: details.param ?? null,
      cause: details.cause,
      detail: details.upstreamMessage,
      headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
    });
    this.provider = details.provider;
    this.upstreamStatus = details.upstreamStatus ?? null;
    this.retryable = details.retryable;
    this.retryAfterMs = details.retryAfterMs ?? null;
    this.upstreamMessage = details.upstreamMessage ?? null;
  }
}

export class ServiceUnavailableError extends RouterError {
  constructor(message: string, options: RouterErrorOptions = {}) {
    super(503, 'api_error', message, { code: 'service_unavailable', ...options });
  }
}

/** Raised for bugs and unexpected failures; its message never reaches the client. */
export class InternalError extends RouterError {
  constructor(cause?: unknown) {
    super(500, 'api_error', 'The router failed to process the request.', { code: 'internal_error', cause });
  }

  override get expose(): boolean {
    return false;
  }
}

/**
 * A failure of one of the router's own dependencies (DynamoDB, EventBridge, Secrets Manager): the
 * AWS client raises its service errors and timeouts as subclasses, so they map to 503, not 500.
 */
export class DependencyError extends Error {
  /**
   * False when the dependency answered but refused what the router sent as malformed (DynamoDB's
   * `ValidationException`): a bug or a missing input check of the router's, which a retry or a
   * healthy store would not fix, so it is a 500 rather than "unavailable".
   */
  get unavailable(): boolean {
    return true;
  }
}

/** Network failures on the way to a dependency: unavailable, not a bug. */
const NETWORK_FAILURES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
const isStoreFailure = (error: unknown): boolean =>
  (error instanceof DependencyError && error.unavailable) ||
  (error instanceof Error && NETWORK_FAILURES.has((error as NodeJS.ErrnoException).code ?? ''));

/** Maps anything thrown to a RouterError: known errors pass, store failures are 503, the rest a 500 without internals. */
export const toRouterError = (error: unknown): RouterError => {
  if (error instanceof RouterError) return error;
  if (isStoreFailure(error))
    return new ServiceUnavailableError('A storage service of the router is unavailable; try again shortly.', {
      code: 'store_unavailable',
      cause: error,
    });
  return new InternalError(error);
};

/**
 * The wire form of any error. With a request id, the messages that hold details back on purpose
 * (an upstream's failure, a failure mapped from the router's internals) cite it, so the client can
 * point the operator at the log line that has them. Errors that explain themselves do not.
 */
export const toOpenAIError = (
  error: unknown,
  requestId?: string,
): { statusCode: number; body: OpenAIErrorBody; headers: Record<string, string> } => {
  const routerError = toRouterError(error);
  const body = routerError.toJSON();
  const withheld = routerError instanceof UpstreamError || !routerError.expose || routerError !== error;
  if (requestId !== undefined && withheld) body.error.message = `${body.error.message} (request id ${requestId})`;
  return { statusCode: routerError.statusCode, body, headers: routerError.headers };
};
