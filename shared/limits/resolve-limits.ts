import type { Limits, RouterConfig } from '../config/schema.ts';
import type { KeyRecord } from '../keys/key-record.ts';

/** The limits that apply to one request: the key's own, and its tenant's (shared by all its keys). */
export interface EffectiveLimits {
  plan: string | undefined;
  key: Limits;
  tenant: Limits;
  /** Near this fraction of the monthly budget, `auto` requests are routed to cheaper models. */
  downgradeAt: number | undefined;
}

const LIMIT_FIELDS = ['rpm', 'tpm', 'monthlyTokens', 'monthlyBudgetUsd'] as const;

/** Field by field, the first source that sets it wins. */
const firstSet = (...sources: ReadonlyArray<Limits | undefined>): Limits => {
  const limits: Limits = {};
  for (const field of LIMIT_FIELDS) {
    for (const source of sources) {
      const value = source?.[field];
      if (value !== undefined) {
        limits[field] = value;
        break;
      }
    }
  }
  return limits;
};

/**
 * Key limits come from the key record, else its plan, else the config defaults; tenant limits
 * from the tenant's config entry, else its plan's `tenantLimits`. A key's plan is its own, else its
 * tenant's.
 */
export const resolveLimits = (config: RouterConfig, key: KeyRecord): EffectiveLimits => {
  const tenant = Object.hasOwn(config.tenants, key.tenant) ? config.tenants[key.tenant] : undefined;
  const planName = key.plan ?? tenant?.plan;
  const plan = planName !== undefined && Object.hasOwn(config.plans, planName) ? config.plans[planName] : undefined;
  return {
    plan: planName,
    key: firstSet(key.limits, plan?.limits, config.defaults.limits),
    tenant: firstSet(tenant?.limits, plan?.tenantLimits),
    downgradeAt: plan?.downgradeAt,
  };
};
