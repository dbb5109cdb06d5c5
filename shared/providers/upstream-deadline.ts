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
 * Links the request's signal to a signal of the call's own with the model's total timeout and, for
 * streams, its first-byte timeout. Non-streamed calls get no first-byte timeout: their first byte
 * comes with the whole answer.
 */
export const startUpstreamDeadline = (target: ModelTarget, options: ProviderCallOptions, stream: boolean): UpstreamDeadline => {
  const { provider, id: modelId, timeoutMs, firstByteTimeoutMs } = target.config;
  const controller = new AbortController();
  const abortFromParent = (): void => controller.abort(options.signal.reason);
  if (options.signal.aborted) abortFromParent();
  else options.signal.addEventListener('abort', abortFromParent, { once: true });
  const totalTimer = setTimeout(() => controller.abort(upstreamTimeoutError(provider, modelId, 'total', timeoutMs)), timeoutMs);
  const firstByteTimer = stream
    ? setTimeout(
        () => controller.abort(upstreamTimeoutError(provider, modelId, 'first byte', firstByteTimeoutMs)),
        firstByteTimeoutMs,
      )
    : undefined;
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
