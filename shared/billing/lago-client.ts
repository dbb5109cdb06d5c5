import { Client } from 'lago-javascript-client';
import type { LagoEvent } from './lago-event.ts';

export type LagoSendResult =
  | { ok: true }
  | {
      ok: false;
      /** HTTP status, or 0 when Lago could not be reached. */
      status: number;
      /** Lago's 422 details, keyed by the event's index in the batch. */
      errorDetails?: Record<string, Record<string, unknown>>;
      retryAfterMs?: number;
      message: string;
    };

/** Sends one batch (at most 100 events) to Lago's `POST /api/v1/events/batch`. */
export type LagoSender = (events: readonly LagoEvent[]) => Promise<LagoSendResult>;

/** Lago's rate-limit reset header is seconds until the window resets. */
const retryAfterOf = (headers: Headers | undefined): number | undefined => {
  const reset = Number(headers?.get('x-ratelimit-reset') ?? headers?.get('retry-after') ?? Number.NaN);
  return Number.isFinite(reset) && reset >= 0 ? reset * 1000 : undefined;
};

/** The official `lago-javascript-client`; it throws the `Response` (with the parsed `error` body) on non-2xx. */
export const createLagoSender = (options: { baseUrl: string; apiKey: string }): LagoSender => {
  const client = Client(options.apiKey, { baseUrl: `${options.baseUrl.replace(/\/+$/, '')}/api/v1` });
  return async (events) => {
    try {
      await client.events.createBatchEvents({ events: [...events] });
      return { ok: true };
    } catch (thrown) {
      if (thrown instanceof Response) {
        const body = (thrown as Response & { error?: unknown }).error;
        const details =
          typeof body === 'object' && body !== null ? (body as { error_details?: unknown }).error_details : undefined;
        return {
          ok: false,
          status: thrown.status,
          ...(typeof details === 'object' && details !== null
            ? { errorDetails: details as Record<string, Record<string, unknown>> }
            : {}),
          ...(retryAfterOf(thrown.headers) !== undefined ? { retryAfterMs: retryAfterOf(thrown.headers) } : {}),
          message: `Lago answered ${thrown.status}: ${JSON.stringify(body).slice(0, 500)}`,
        };
      }
      return { ok: false, status: 0, message: `Lago unreachable: ${(thrown as Error).message}` };
    }
  };
};
