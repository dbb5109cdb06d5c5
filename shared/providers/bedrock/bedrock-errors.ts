import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { RouterError, type UpstreamError } from '../../errors.ts';
import { upstreamConnectionError, upstreamHttpError, upstreamProtocolError, upstreamStreamCutError } from '../upstream-errors.ts';

// Bedrock's exceptions as the router's upstream errors.

export const PROVIDER = 'bedrock';

/**
 * The HTTP status each Bedrock exception stands for. Exceptions inside an event stream arrive
 * without one, and for some the name says more than the wire status does.
 */
const EXCEPTION_STATUS: Partial<Record<string, number>> = {
  throttlingException: 429,
  serviceUnavailableException: 503,
  internalServerException: 500,
  validationException: 400,
  // Documented as 424, but Bedrock asks callers to retry it: 502 keeps it retryable.
  modelStreamErrorException: 502,
  modelTimeoutException: 408,
  // A 400 on the wire, but it is the account's quota, not the client's request: another model may serve it.
  serviceQuotaExceededException: 429,
};

interface SdkErrorFields {
  name?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const lowerFirst = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);

export interface BedrockErrorContext {
  /** Network failures after the stream began are cuts, not connection errors. */
  readonly midStream?: boolean;
  /** Values scrubbed from upstream messages (static credentials). */
  readonly secrets?: readonly (string | undefined)[];
}

/** Maps anything the SDK throws (service exceptions, stream exceptions, network errors) to an `UpstreamError`. */
export const fromBedrockError = (error: unknown, modelId: string, context: BedrockErrorContext = {}): RouterError => {
  if (error instanceof RouterError) return error;
  const fields: SdkErrorFields = typeof error === 'object' && error !== null ? error : {};
  const name = typeof fields.name === 'string' ? fields.name : '';
  const message = typeof fields.message === 'string' ? fields.message : undefined;
  // No usable credentials in the default chain: the operator's to fix, reported like a bad key.
  if (name === 'CredentialsProviderError') return upstreamHttpError({ provider: PROVIDER, modelId, status: 401 });
  const status = EXCEPTION_STATUS[lowerFirst(name)] ?? fields.$metadata?.httpStatusCode;
  if (fields.$fault !== undefined || (status !== undefined && status >= 400)) {
    const httpStatus = status !== undefined && status >= 400 ? status : 502;
    return upstreamHttpError({ provider: PROVIDER, modelId, status: httpStatus, message, secrets: context.secrets });
  }
  // A response arrived but the SDK could not read it.
  if (status !== undefined) return upstreamProtocolError(PROVIDER, modelId, 'the response could not be parsed');
  return context.midStream ? upstreamStreamCutError(PROVIDER, modelId) : upstreamConnectionError(PROVIDER, modelId, error);
};

/** An exception the stream carried as an event member (the SDK usually throws these instead). */
export const streamException = (event: ConverseStreamOutput, modelId: string): UpstreamError | undefined => {
  for (const [member, value] of Object.entries(event)) {
    const status = EXCEPTION_STATUS[member];
    if (status === undefined || typeof value !== 'object' || value === null) continue;
    const message = (value as { message?: unknown }).message;
    return upstreamHttpError({ provider: PROVIDER, modelId, status, message: typeof message === 'string' ? message : undefined });
  }
  return undefined;
};
