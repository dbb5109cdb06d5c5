import { requestedMaxTokens } from '#shared/api/chat-request.ts';
import { RouterError, ServiceUnavailableError } from '#shared/errors.ts';
import { type Admission, admit, reconcile } from '#shared/limits/admission.ts';
import { resolveLimits } from '#shared/limits/resolve-limits.ts';
import { costMicros } from '#shared/pricing/cost.ts';
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
  before: async (request) => {
    const { state } = request.context;
    const { chat, decision } = state;
    const key = clientKey(state);
    if (!chat || !decision || !key) return;
    const limits = resolveLimits(runtime.config, key);
    // After the guardrails: `max_tokens` may have been capped. Each of `n` choices can use it all.
    const outputReserve = (requestedMaxTokens(chat) ?? runtime.config.limits.reserveOutputTokens) * (chat.n ?? 1);
    // A dry run calls no model: it counts as a request (rpm) and reserves no tokens or spend.
    const reservation = state.dryRun
      ? { tokens: 0, spendMicros: 0 }
      : {
          tokens: decision.features.promptTokens + outputReserve,
          spendMicros: costMicros(decision.model.pricing, {
            promptTokens: decision.features.promptTokens,
            completionTokens: outputReserve,
            cachedTokens: 0,
          }),
        };

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
        state.decision = runtime.models.decide({
          request: chat,
          headers: state.http.headers,
          caller: { tenant: key.tenant, plan: limits.plan, metadata: key.metadata },
          budgetUsed: admission.budgetUsed,
        });
      }
    }

    state.afterResponse.push(async () => {
      const usage = state.outcome?.usage;
      // A request that never got an answer gives its tokens and spend back; the request still counts.
      const actual = usage
        ? { tokens: usage.promptTokens + usage.completionTokens, spendMicros: state.outcome?.costMicros ?? 0 }
        : { tokens: 0, spendMicros: 0 };
      await reconcile(runtime.limits, admission, actual);
    });
  },
});
