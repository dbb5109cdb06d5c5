import type { ModelTarget, ProviderCallOptions } from './types.ts';
import { upstreamTimeoutError } from './upstream-errors.ts';

/** The cancellation of one upstream call: the request's signal plus the model's own timeouts. */
export interface UpstreamDeadline {
  /** Aborted on client disconnect, router deadline, or either of the model's timeouts; the reason says which. */
  readonly signal: AbortSignal;
  firstByteReceived(): void;
  /** Aborts the call (without a reason of ours), e.g. when the consumer stops reading early. */
  cancel(): void;
  /** Stops the timers and unlinks the request's signal. */
  close(): void;
}

/**
 * Links the request's signal to a signal of the call's own with the model's total timeout and its
 * first-byte timeout: `firstByteTimeoutMs` for streams, `nonStreamFirstByteTimeoutMs` otherwise
 * (a non-streamed answer's first byte usually comes with the whole answer, so it gets longer). A
 * caller that never reports the first byte (Bedrock's SDK resolves with the whole body) has the
 * first-byte timeout bound the whole call.
 */
export const startUpstreamDeadline = (target: ModelTarget, options: ProviderCallOptions, stream: boolean): UpstreamDeadline => {
  const { provider, id: modelId, timeoutMs } = target.config;
  const firstByteTimeoutMs = stream ? target.config.firstByteTimeoutMs : target.config.nonStreamFirstByteTimeoutMs;
  const controller = new AbortController();
  const abortFromParent = (): void => controller.abort(options.signal.reason);
  if (options.signal.aborted) abortFromParent();
  else options.signal.addEventListener('abort', abortFromParent, { once: true });
  const totalTimer = setTimeout(() => controller.abort(upstreamTimeoutError(provider, modelId, 'total', timeoutMs)), timeoutMs);
  const firstByteTimer = setTimeout(
    () => controller.abort(upstreamTimeoutError(provider, modelId, 'first byte', firstByteTimeoutMs)),
    firstByteTimeoutMs,
  );
  return {
    signal: controller.signal,
    firstByteReceived: () => clearTimeout(firstByteTimer),
    cancel: () => controller.abort(),
    close: () => {
      clearTimeout(totalTimer);
      clearTimeout(firstByteTimer);
      options.signal.removeEventListener('abort', abortFromParent);
    },
  };
};
