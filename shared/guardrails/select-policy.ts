import type { GuardrailPolicy, GuardrailsConfig } from '../config/guardrails-schema.ts';
import { DEFAULT_GUARDRAIL_POLICY } from '../config/guardrails-schema.ts';

/** The policy for a request: the key's own, else its tenant's, else its route's, else the default. */
export const selectPolicy = (
  config: GuardrailsConfig,
  request: { keyPolicy?: string | undefined; tenant?: string | undefined; path: string },
): { name: string; policy: GuardrailPolicy } => {
  const candidates = [
    request.keyPolicy,
    request.tenant !== undefined && Object.hasOwn(config.tenants, request.tenant) ? config.tenants[request.tenant] : undefined,
    Object.hasOwn(config.routes, request.path) ? config.routes[request.path] : undefined,
    config.default,
  ];
  for (const name of candidates) {
    if (name !== undefined && Object.hasOwn(config.policies, name))
      return { name, policy: config.policies[name] as GuardrailPolicy };
  }
  return { name: 'default', policy: DEFAULT_GUARDRAIL_POLICY };
};
