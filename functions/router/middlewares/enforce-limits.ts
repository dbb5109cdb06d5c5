import type { Limits } from '#shared/config/schema.ts';
import { RateLimitError, RouterError, ServiceUnavailableError } from '#shared/errors.ts';
import { accessLists, servingModels } from '#shared/keys/key-access.ts';
import { type Admission, admit, reconcile } from '#shared/limits/admission.ts';
import { NO_RESERVATION, reservationForCandidates } from '#shared/limits/reservation.ts';
import { resolveLimits } from '#shared/limits/resolve-limits.ts';
import { clientKey } from '../http/request-state.ts';
import type { RouterRuntime } from '../runtime.ts';
import type { RouterMiddleware } from './router-context.ts';

/**
 * Admission for inference routes: reserves the request's estimated tokens and spend in every
 * limited window (key and tenant, minute and month) with conditional writes, then, after the last
 * byte, reconciles the reservation with the real usage (streams included). It runs after routing
 * because spend is reserved at the chosen model's price; near a plan's budget it can downgrade
 * `auto` requests to the cheapest capable model instead of refusing them.
 */
export const enforceLimits = (
  runtime: Pick<RouterRuntime, 'config' | 'models' | 'limits' | 'logger' | 'counters'>,
): RouterMiddleware => ({
  onError: async (request) => {
    // A request refused after authentication (unknown model, not allowed, blocked by a guardrail)
    // never reached admission: it still counts against the key's requests per minute, so refusals
    // cannot be sent at any rate. Once the minute is used up, the refusal itself is a 429.
    const { state } = request.context;
    const key = clientKey(state);
    const error = request.error;
    if (!key || state.admission || !(error instanceof RouterError) || error.statusCode >= 500 || error.statusCode === 429) return;
    if (state.countedRefusal) return;
    state.countedRefusal = true;
    const limits = resolveLimits(runtime.config, key);
    const perMinute = (scope: Limits): Limits => ({
      ...(scope.rpm !== undefined ? { rpm: scope.rpm } : {}),
      ...(scope.tpm !== undefined ? { tpm: scope.tpm } : {}),
    });
    try {
      await admit(
        runtime.limits,
        { ...limits, key: perMinute(limits.key), tenant: perMinute(limits.tenant) },
        { keyId: key.id, tenant: key.tenant },
        NO_RESERVATION,
        state.receivedAt.getTime(),
      );
    } catch (refusal) {
      if (refusal instanceof RateLimitError) {
        runtime.counters.increment('limits.rejected.rate_limit_exceeded');
        request.error = refusal;
        return;
      }
      // The refusal stands; a store error here only means it was not counted.
      runtime.counters.increment('limits.store_error');
      runtime.logger.warn('a refused request could not be counted', { requestId: state.requestId, error: refusal as Error });
    }
  },
  before: async (request) => {
    const { state } = request.context;
    const { chat, decision } = state;
    const key = clientKey(state);
    if (!chat || !decision || !key) return;
    const limits = resolveLimits(runtime.config, key);
    // After the guardrails, so a capped max_tokens is what is reserved; at the dearest of the models
    // that may serve it, fallbacks included, so a fallback cannot overrun a monthly hard cap. A dry
    // run calls no model: it counts as a request (rpm) and reserves no tokens or spend.
    const reservation = state.dryRun
      ? NO_RESERVATION
      : reservationForCandidates(
          chat,
          [decision.model, ...decision.fallbacks],
          decision.features.promptTokens,
          runtime.config.limits.reserveOutputTokens,
        );

    let admission: Admission;
    try {
      admission = await admit(
        runtime.limits,
        limits,
        { keyId: key.id, tenant: key.tenant },
        reservation,
        state.receivedAt.getTime(),
      );
    } catch (error) {
      if (error instanceof RouterError) {
        runtime.counters.increment(error.statusCode === 429 ? `limits.rejected.${error.code}` : 'limits.error');
        throw error;
      }
      runtime.counters.increment('limits.store_error');
      runtime.logger.error('rate-limit store unavailable', {
        requestId: state.requestId,
        failMode: runtime.config.limits.onStoreError,
        error: error as Error,
      });
      if (runtime.config.limits.onStoreError === 'open') return;
      throw new ServiceUnavailableError('Rate limits cannot be checked right now; try again shortly.', {
        code: 'limits_unavailable',
        cause: error,
      });
    }
    state.admission = admission;
    Object.assign(state.responseHeaders, admission.headers);

    if (limits.downgradeAt !== undefined && admission.budgetUsed !== undefined && admission.budgetUsed >= limits.downgradeAt) {
      const alias = runtime.config.aliases[decision.requested];
      if (alias?.strategy === 'complexity' && Object.hasOwn(runtime.config.aliases, decision.requested)) {
        const allowed = servingModels(runtime.config, accessLists(runtime.config, key));
        state.decision = runtime.models.decide({
          request: chat,
          headers: state.http.headers,
          caller: { tenant: key.tenant, plan: limits.plan, metadata: key.metadata },
          budgetUsed: admission.budgetUsed,
          ...(allowed ? { allowed } : {}),
        });
      }
    }

    state.afterResponse.push(async () => {
      const usage = state.outcome?.usage;
      // A request that never got an answer gives its tokens and spend back; the request still counts.
      const actual = usage
        ? { tokens: usage.promptTokens + usage.completionTokens, spendMicros: state.outcome?.costMicros ?? 0 }
        : { tokens: 0, spendMicros: 0 };
      try {
        await reconcile(runtime.limits, admission, actual);
      } catch (error) {
        // The reservation stays in the windows it could not correct: say exactly what, so it can be fixed.
        runtime.counters.increment('limits.reconcile_failed');
        runtime.logger.error('rate-limit reconciliation failed', {
          requestId: state.requestId,
          windows: admission.windows.map((window) => `${window.scope}#${window.window.id}`),
          reserved: admission.reservation,
          actual,
          error: error as Error,
        });
      }
    });
  },
});
