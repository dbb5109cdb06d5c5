import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import aws4 from 'aws4';
import { DependencyError } from '../errors.ts';
import { http, https } from '../net/node-http.ts';

// A minimal client for AWS's JSON protocols (DynamoDB, EventBridge): SigV4 by `aws4`, one
// keep-alive connection pool, retries for throttling and 5xx. On the router's hot path it replaces
// the AWS SDK v3, whose middleware stack costs ~0.8 ms of CPU per call (vs ~0.2 ms here) and
// ~60 ms of import at cold start (BENCHMARKS.md). Credentials come from the Lambda environment.

/** No answer within the client's timeout. */
export class AwsTimeoutError extends DependencyError {
  override readonly name = 'AwsTimeoutError';
}

/** The service refused the request itself as malformed: the router sent something it should not have. */
const MALFORMED_REQUEST = new Set(['ValidationException', 'SerializationException']);

/** An error answered by the service: `name` is the AWS error code (e.g. `ConditionalCheckFailedException`). */
export class AwsServiceError extends DependencyError {
  readonly statusCode: number;
  constructor(name: string, message: string, statusCode: number) {
    super(message);
    this.name = name;
    this.statusCode = statusCode;
  }

  override get unavailable(): boolean {
    return !MALFORMED_REQUEST.has(this.name);
  }
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface AwsJsonClientOptions {
  /** SigV4 service name: `dynamodb`, `events`. */
  service: string;
  /** `DynamoDB_20120810`, `AWSEvents`. */
  targetPrefix: string;
  jsonVersion: '1.0' | '1.1';
  region: string;
  /** Defaults to the public regional endpoint. */
  endpoint?: string;
  /** Read on every call: Lambda's environment credentials are fixed per instance, rotated by a new one. */
  credentials?: () => AwsCredentials;
  maxAttempts?: number;
  timeoutMs?: number;
  /** Waits between attempts (injectable so tests need not wait). */
  sleep?: (ms: number) => Promise<unknown>;
}

export interface CallOptions {
  /**
   * May the call be sent again after an outcome that leaves it unknown whether it was applied (a
   * timeout, a reset connection, a 5xx)? True for reads; false for writes such as an `ADD`, which
   * would count twice. Refusals that mean "not applied" (throttling) are retried either way.
   */
  idempotent: boolean;
}

export interface AwsJsonClient {
  call<T>(operation: string, input: unknown, options?: CallOptions): Promise<T>;
  destroy(): void;
}

/** Refused before being applied: safe to send again, whatever the operation. */
const NOT_APPLIED = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TransactionConflictException',
]);
/** The outcome is unknown: only idempotent calls are sent again. */
const UNKNOWN_OUTCOME = new Set(['InternalServerError', 'InternalFailure', 'ServiceUnavailable']);
/** Connection errors raised before the request could reach the service. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
/** A signature refused because the clocks disagree: not applied, and fixed by correcting the time. */
const CLOCK_SKEW = new Set([
  'RequestTimeTooSkewed',
  'RequestExpired',
  'RequestInTheFuture',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'AuthFailure',
]);
/** AWS accepts signatures within 5 minutes of its own time. */
const SKEW_TOLERANCE_MS = 5 * 60_000;

/**
 * The SDK's standard retry policy, where it applies here: throttling waits longer (500 ms base)
 * than other failures (100 ms), both capped at 20 s with full jitter, and a retry budget per client
 * (500 tokens; a retry costs 5, after a timeout 10; a success gives 1 back), so an outage does not
 * turn every request into several.
 */
const THROTTLING_BASE_MS = 500;
const BASE_MS = 100;
const MAX_BACKOFF_MS = 20_000;
const RETRY_BUDGET = 500;
const RETRY_COST = 5;
const TIMEOUT_RETRY_COST = 10;

/** The call failed and certainly changed nothing (throttled, or never sent): any write may be sent again. */
export const certainlyNotApplied = (error: unknown): boolean =>
  (error instanceof AwsServiceError && NOT_APPLIED.has(error.name)) ||
  NOT_SENT.has((error as NodeJS.ErrnoException | undefined)?.code ?? '');

export const environmentCredentials = (): AwsCredentials => {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey)
    throw new Error('No AWS credentials in the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)');
  return { accessKeyId, secretAccessKey, sessionToken: process.env.AWS_SESSION_TOKEN };
};

const readBody = (response: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });

export const createAwsJsonClient = (options: AwsJsonClientOptions): AwsJsonClient => {
  const url = new URL(options.endpoint ?? `https://${options.service}.${options.region}.amazonaws.com`);
  const secure = url.protocol === 'https:';
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: 64 })
    : new http.Agent({ keepAlive: true, maxSockets: 64 });
  const send = secure ? https.request : http.request;
  const credentials = options.credentials ?? environmentCredentials;
  const maxAttempts = options.maxAttempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const wait = options.sleep ?? sleep;
  const contentType = `application/x-amz-json-${options.jsonVersion}`;
  let retryTokens = RETRY_BUDGET;
  /** Service time minus local time, learned from responses' `Date` when the clocks disagree. */
  let clockOffsetMs = 0;

  /** Learns the service's clock from a response; true when the offset changed (worth re-signing). */
  const learnClock = (dateHeader: string | undefined): boolean => {
    const serverTime = dateHeader === undefined ? Number.NaN : Date.parse(dateHeader);
    if (Number.isNaN(serverTime) || Math.abs(serverTime - (Date.now() + clockOffsetMs)) < SKEW_TOLERANCE_MS) return false;
    clockOffsetMs = serverTime - Date.now();
    return true;
  };

  const once = (
    operation: string,
    body: string,
  ): Promise<{ status: number; text: string; date: string | undefined; reusedSocket?: boolean }> => {
    const amzDate = new Date(Date.now() + clockOffsetMs).toISOString().replace(/[:-]|\.\d{3}/g, '');
    const signed = aws4.sign(
      {
        host: url.host,
        path: '/',
        method: 'POST',
        service: options.service,
        region: options.region,
        body,
        headers: {
          'content-type': contentType,
          'x-amz-target': `${options.targetPrefix}.${operation}`,
          'X-Amz-Date': amzDate,
        },
      },
      credentials(),
    );
    return new Promise((resolve, reject) => {
      const request = send(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port,
          path: '/',
          method: 'POST',
          headers: signed.headers,
          agent,
          timeout: timeoutMs,
        },
        (response) => {
          readBody(response).then(
            (text) => resolve({ status: response.statusCode ?? 0, text, date: response.headers.date }),
            reject,
          );
        },
      );
      request.on('timeout', () =>
        request.destroy(new AwsTimeoutError(`${options.service} ${operation} timed out after ${timeoutMs} ms`)),
      );
      // A keep-alive socket the service closed while idle fails at once on reuse: say so, so the
      // call goes again on a fresh socket without counting against the retry budget.
      request.on('error', (error) => reject(Object.assign(error, { reusedSocket: request.reusedSocket })));
      request.end(body);
    });
  };

  return {
    async call<T>(operation: string, input: unknown, callOptions: CallOptions = { idempotent: true }): Promise<T> {
      const body = JSON.stringify(input);
      for (let attempt = 1; ; attempt++) {
        let failure: Error;
        let retryable: boolean;
        let throttled = false;
        let cost = RETRY_COST;
        try {
          const { status, text, date } = await once(operation, body);
          const clockChanged = learnClock(date);
          if (status >= 200 && status < 300) {
            retryTokens = Math.min(RETRY_BUDGET, retryTokens + 1);
            return (text ? JSON.parse(text) : {}) as T;
          }
          let parsed: { __type?: string; message?: string; Message?: string } = {};
          try {
            parsed = text ? JSON.parse(text) : {};
          } catch {
            // A proxy's HTML error page: keep the status.
          }
          const name = (parsed.__type ?? `Http${status}`).split('#').at(-1) ?? `Http${status}`;
          failure = new AwsServiceError(
            name,
            parsed.message ?? parsed.Message ?? `${options.service} ${operation} failed with ${status}`,
            status,
          );
          // A signature refused for skew changed nothing: re-signed with the service's time, it goes at once.
          if (CLOCK_SKEW.has(name) && clockChanged && attempt < maxAttempts) continue;
          throttled = NOT_APPLIED.has(name);
          retryable = throttled || ((UNKNOWN_OUTCOME.has(name) || status >= 500) && callOptions.idempotent);
        } catch (error) {
          failure = error as Error;
          const code = (error as NodeJS.ErrnoException).code ?? '';
          const staleSocket =
            (error as { reusedSocket?: boolean }).reusedSocket === true && (code === 'ECONNRESET' || code === 'EPIPE');
          if (staleSocket && callOptions.idempotent && attempt < maxAttempts) continue;
          retryable = NOT_SENT.has(code) || callOptions.idempotent;
          if (error instanceof AwsTimeoutError) cost = TIMEOUT_RETRY_COST;
        }
        if (!retryable || attempt >= maxAttempts || retryTokens < cost) throw failure;
        retryTokens -= cost;
        const base = throttled ? THROTTLING_BASE_MS : BASE_MS;
        await wait(Math.random() * Math.min(MAX_BACKOFF_MS, base * 2 ** (attempt - 1)));
      }
    },
    destroy: () => agent.destroy(),
  };
};
