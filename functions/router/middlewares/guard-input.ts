import { DEFAULT_GUARDRAIL_POLICY } from '#shared/config/guardrails-schema.ts';
import { ContentPolicyError } from '#shared/errors.ts';
import { compilePolicy } from '#shared/guardrails/compiled-policy.ts';
import { formatActions } from '#shared/guardrails/guardrail-action.ts';
import { guardInput as applyInputPolicy } from '#shared/guardrails/input-guard.ts';
import { selectPolicy } from '#shared/guardrails/select-policy.ts';
import { clientKey } from '../http/request-state.ts';
import type { RouterRuntime } from '../runtime.ts';
import type { RouterMiddleware } from './router-context.ts';

/**
 * Input guardrails for inference routes (the rules are in shared/guardrails/input-guard.ts): picks
 * the policy for the key, tenant or route, applies it, and records what it did as reason codes
 * for the response headers, usage event, logs and metrics; the matched text is never recorded.
 */
export const guardInput = (runtime: Pick<RouterRuntime, 'config'>): RouterMiddleware => {
  // Deny lists, role sets and PII kinds are worked out once per policy, at cold start, not per request.
  const compiledPolicies = new Map(
    Object.entries(runtime.config.guardrails.policies).map(([name, policy]) => [name, compilePolicy(policy)]),
  );
  // selectPolicy's fallback when the config names no usable policy.
  const compiledDefault = compilePolicy(DEFAULT_GUARDRAIL_POLICY);

  return {
    before: (request) => {
      const { state } = request.context;
      const { chat, decision } = state;
      const key = clientKey(state);
      if (!chat || !decision || !key) return;
      const { name, policy } = selectPolicy(runtime.config.guardrails, {
        keyPolicy: key.guardrailPolicy,
        tenant: key.tenant,
        path: state.route?.path ?? '',
      });
      const compiled = compiledPolicies.get(name) ?? compiledDefault;
      state.guardrailPolicy = { name, policy, compiled };
      let result: ReturnType<typeof applyInputPolicy>;
      try {
        result = applyInputPolicy(chat, decision, policy, compiled);
      } catch (error) {
        if (error instanceof ContentPolicyError)
          state.guardrails = [{ action: 'block', stage: 'input', code: error.param ?? 'content_policy' }];
        throw error;
      }
      state.chat = result.chat;
      state.guardrails = result.actions;
      if (result.placeholders) state.placeholders = result.placeholders;
      if (result.cappedMaxTokens !== undefined) state.responseHeaders['x-router-max-tokens'] = String(result.cappedMaxTokens);
      if (result.actions.length > 0) state.responseHeaders['x-router-guardrails'] = formatActions(result.actions).join(', ');
      state.guardrailsPassed = true;
    },
  };
};
