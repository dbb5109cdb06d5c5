import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import aws4 from 'aws4';
import { DependencyError } from '../errors.ts';

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
  const agent = secure ? new HttpsAgent({ keepAlive: true, maxSockets: 64 }) : new HttpAgent({ keepAlive: true, maxSockets: 64 });
  const send = secure ? httpsRequest : httpRequest;
  const credentials = options.credentials ?? environmentCredentials;
  const maxAttempts = options.maxAttempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const contentType = `application/x-amz-json-${options.jsonVersion}`;

  const once = (operation: string, body: string): Promise<{ status: number; text: string }> => {
    const signed = aws4.sign(
      {
        host: url.host,
        path: '/',
        method: 'POST',
        service: options.service,
        region: options.region,
        body,
        headers: { 'content-type': contentType, 'x-amz-target': `${options.targetPrefix}.${operation}` },
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
          readBody(response).then((text) => resolve({ status: response.statusCode ?? 0, text }), reject);
        },
      );
      request.on('timeout', () =>
        request.destroy(new AwsTimeoutError(`${options.service} ${operation} timed out after ${timeoutMs} ms`)),
      );
      request.on('error', reject);
      request.end(body);
    });
  };

  return {
    async call<T>(operation: string, input: unknown, callOptions: CallOptions = { idempotent: true }): Promise<T> {
      const body = JSON.stringify(input);
      for (let attempt = 1; ; attempt++) {
        let failure: Error;
        let retryable: boolean;
        try {
          const { status, text } = await once(operation, body);
          if (status >= 200 && status < 300) return (text ? JSON.parse(text) : {}) as T;
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
          retryable = NOT_APPLIED.has(name) || ((UNKNOWN_OUTCOME.has(name) || status >= 500) && callOptions.idempotent);
        } catch (error) {
          failure = error as Error;
          retryable = NOT_SENT.has((error as NodeJS.ErrnoException).code ?? '') || callOptions.idempotent;
        }
        if (!retryable || attempt >= maxAttempts) throw failure;
        // Full jitter, 25 ms base: AWS's own guidance for throttled retries.
        await sleep(Math.random() * 25 * 2 ** attempt);
      }
    },
    destroy: () => agent.destroy(),
  };
};
