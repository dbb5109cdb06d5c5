import type { Limits } from '../config/schema.ts';
import { InvalidRequestError, QuotaExceededError, RateLimitError, type RouterError } from '../errors.ts';
import { microsToUsd, usdToMicros } from '../pricing/cost.ts';
import type { LimitsStore, WindowBounds, WindowCounters } from './limits-store.ts';
import type { Reservation } from './reservation.ts';
import type { EffectiveLimits } from './resolve-limits.ts';
import { formatReset, minuteWindow, monthWindow, type Window } from './windows.ts';

export type { Reservation } from './reservation.ts';

export interface AdmittedWindow {
  scope: string;
  window: Window;
  amounts: WindowCounters;
}

export interface Admission {
  windows: AdmittedWindow[];
  reservation: Reservation;
  /** OpenAI's `x-ratelimit-*` headers for the response. */
  headers: Record<string, string>;
  /** Spend / budget of the tightest monthly budget after this request, for budget downgrades. */
  budgetUsed: number | undefined;
}

interface Check {
  scope: string;
  label: string;
  window: Window;
  limits: Limits;
}

const hasMinuteLimits = (limits: Limits): boolean => limits.rpm !== undefined || limits.tpm !== undefined;
const hasMonthLimits = (limits: Limits): boolean => limits.monthlyTokens !== undefined || limits.monthlyBudgetUsd !== undefined;

const boundsFor = (check: Check): WindowBounds =>
  check.window.kind === 'minute'
    ? { requests: check.limits.rpm, tokens: check.limits.tpm }
    : {
        tokens: check.limits.monthlyTokens,
        spendMicros: check.limits.monthlyBudgetUsd === undefined ? undefined : usdToMicros(check.limits.monthlyBudgetUsd),
      };

const amountsFor = (check: Check, reservation: Reservation): WindowCounters =>
  check.window.kind === 'month'
    ? { requests: 1, tokens: reservation.monthly.tokens, spendMicros: reservation.monthly.spendMicros }
    : { requests: 1, tokens: reservation.tokens, spendMicros: 0 };

/** OpenAI-style headers from the per-minute window that applies (the key's, else the tenant's). */
const rateLimitHeaders = (check: Check | undefined, counters: WindowCounters, now: number): Record<string, string> => {
  if (!check) return {};
  const reset = formatReset(check.window.endsAt - now);
  const headers: Record<string, string> = {};
  if (check.limits.rpm !== undefined) {
    headers['x-ratelimit-limit-requests'] = String(check.limits.rpm);
    headers['x-ratelimit-remaining-requests'] = String(Math.max(0, check.limits.rpm - counters.requests));
    headers['x-ratelimit-reset-requests'] = reset;
  }
  if (check.limits.tpm !== undefined) {
    headers['x-ratelimit-limit-tokens'] = String(check.limits.tpm);
    headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, check.limits.tpm - counters.tokens));
    headers['x-ratelimit-reset-tokens'] = reset;
  }
  return headers;
};

/** The 429 for a refused window, naming the limit, its scope and when it resets. */
const refusal = (
  check: Check,
  counters: WindowCounters,
  reservation: Reservation,
  headers: Record<string, string>,
  now: number,
): RouterError => {
  const retryAfter = String(Math.max(1, Math.ceil((check.window.endsAt - now) / 1000)));
  const withRetry = { ...headers, 'retry-after': retryAfter };
  const { limits, label } = check;
  if (check.window.kind === 'minute') {
    if (limits.rpm !== undefined && counters.requests + 1 > limits.rpm) {
      return new RateLimitError(
        `Rate limit reached for ${label}: ${limits.rpm} requests per minute. Retry after ${retryAfter}s.`,
        withRetry,
      );
    }
    return new RateLimitError(
      `Rate limit reached for ${label}: ${limits.tpm} tokens per minute; ${counters.tokens} used, this request needs about ${reservation.tokens}. Retry after ${retryAfter}s.`,
      withRetry,
    );
  }
  const resets = new Date(check.window.endsAt).toISOString();
  if (
    limits.monthlyBudgetUsd !== undefined &&
    counters.spendMicros + reservation.monthly.spendMicros > usdToMicros(limits.monthlyBudgetUsd)
  ) {
    return new QuotaExceededError(
      `Monthly budget of $${limits.monthlyBudgetUsd} reached for ${label}; it resets at ${resets}.`,
      withRetry,
    );
  }
  return new QuotaExceededError(
    `Monthly token quota of ${limits.monthlyTokens} reached for ${label}; it resets at ${resets}.`,
    withRetry,
  );
};

/**
 * Admits a request against every window that has a limit: the key's and the tenant's, per minute
 * and per month. Each window is one conditional write; a refusal undoes the windows already
 * taken (DynamoDB transactions would do this atomically, but the embedded DynamoDB lacks them and
 * a compensating write is exact here: it only subtracts what was just added).
 */
export const admit = async (
  store: LimitsStore,
  limits: EffectiveLimits,
  caller: { keyId: string; tenant: string },
  reservation: Reservation,
  now = Date.now(),
): Promise<Admission> => {
  const date = new Date(now);
  const minute = minuteWindow(date);
  const month = monthWindow(date);
  const keyScope = `key#${caller.keyId}`;
  const tenantScope = `tenant#${caller.tenant}`;
  const checks: Check[] = [];
  if (hasMinuteLimits(limits.key))
    checks.push({ scope: keyScope, label: `key ${caller.keyId}`, window: minute, limits: limits.key });
  if (hasMinuteLimits(limits.tenant))
    checks.push({ scope: tenantScope, label: `tenant ${caller.tenant}`, window: minute, limits: limits.tenant });
  if (hasMonthLimits(limits.key))
    checks.push({ scope: keyScope, label: `key ${caller.keyId}`, window: month, limits: limits.key });
  if (hasMonthLimits(limits.tenant))
    checks.push({ scope: tenantScope, label: `tenant ${caller.tenant}`, window: month, limits: limits.tenant });

  // A request bigger than a whole limit can never be admitted: say so (400), not "retry later".
  for (const check of checks) {
    const bounds = boundsFor(check);
    const amounts = amountsFor(check, reservation);
    if (
      (bounds.tokens !== undefined && amounts.tokens > bounds.tokens) ||
      (bounds.spendMicros !== undefined && amounts.spendMicros > bounds.spendMicros)
    ) {
      const what =
        bounds.tokens !== undefined && amounts.tokens > bounds.tokens
          ? `about ${amounts.tokens} tokens; the ${check.window.kind === 'minute' ? 'per-minute' : 'monthly'} token limit of ${check.label} is ${bounds.tokens}`
          : `about $${microsToUsd(amounts.spendMicros).toFixed(4)} at the dearest model that may serve it (fallbacks included); the monthly budget of ${check.label} is $${check.limits.monthlyBudgetUsd}`;
      throw new InvalidRequestError(`This request needs ${what}. Lower max_tokens (or n) or shorten the prompt.`, {
        code: 'request_exceeds_limit',
        param: 'max_tokens',
      });
    }
  }

  const headerCheck = checks.find((check) => check.window.kind === 'minute');
  const admitted: AdmittedWindow[] = [];
  let headers: Record<string, string> = {};
  let budgetUsed: number | undefined;
  for (const check of checks) {
    const amounts = amountsFor(check, reservation);
    let result: Awaited<ReturnType<LimitsStore['admit']>>;
    try {
      result = await store.admit(check.scope, check.window, amounts, boundsFor(check));
    } catch (error) {
      // A store failure halfway must not leave the earlier windows holding a reservation.
      await release(store, admitted).catch(() => undefined);
      throw error;
    }
    if (check === headerCheck) headers = rateLimitHeaders(check, result.counters, now);
    if (!result.admitted) {
      await release(store, admitted);
      throw refusal(check, result.counters, reservation, headers, now);
    }
    admitted.push({ scope: check.scope, window: check.window, amounts });
    const budget = check.window.kind === 'month' ? check.limits.monthlyBudgetUsd : undefined;
    if (budget !== undefined) budgetUsed = Math.max(budgetUsed ?? 0, microsToUsd(result.counters.spendMicros) / budget);
  }
  return { windows: admitted, reservation, headers, budgetUsed };
};

/** Gives back what admission added (a refusal further down, or a request that never reached a model). */
const release = async (store: LimitsStore, windows: readonly AdmittedWindow[]): Promise<void> => {
  await Promise.all(
    windows.map(({ scope, window, amounts }) =>
      store.adjust(scope, window, {
        requests: 0 - amounts.requests,
        tokens: 0 - amounts.tokens,
        spendMicros: 0 - amounts.spendMicros,
      }),
    ),
  );
};

/**
 * After the response: replaces the reservation with what was really used. The request itself
 * still counts (it was made); tokens and spend are corrected, in both directions.
 */
export const reconcile = async (
  store: LimitsStore,
  admission: Admission,
  actual: { tokens: number; spendMicros: number },
): Promise<void> => {
  await Promise.all(
    admission.windows.map(({ scope, window, amounts }) =>
      store.adjust(scope, window, {
        requests: 0,
        tokens: actual.tokens - amounts.tokens,
        spendMicros: window.kind === 'month' ? actual.spendMicros - amounts.spendMicros : 0,
      }),
    ),
  );
};
