import type { z } from 'zod';

// Checks across the config: names that must refer to something. They run even when other fields
// failed to parse (the value may be partial), so every access here is defensive.

type Issue = { path: PropertyKey[]; message: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const array = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const strings = (value: unknown): string[] => array(value).filter((item): item is string => typeof item === 'string');

export const findReferenceProblems = (config: unknown): Issue[] => {
  if (!isRecord(config)) return [];
  const issues: Issue[] = [];
  const models = array(config.models).filter(isRecord);
  const ids = new Set<string>();
  array(config.models).forEach((model, index) => {
    if (!isRecord(model) || typeof model.id !== 'string') return;
    if (ids.has(model.id)) issues.push({ path: ['models', index, 'id'], message: `duplicate model id "${model.id}"` });
    ids.add(model.id);
    if (model.provider === 'mock' && model.apiKey !== undefined) {
      issues.push({ path: ['models', index, 'apiKey'], message: 'the mock provider takes no apiKey' });
    }
  });
  const modelRef = (path: PropertyKey[], id: unknown): void => {
    if (typeof id === 'string' && !ids.has(id)) issues.push({ path, message: `unknown model "${id}"` });
  };
  array(config.models).forEach((model, index) => {
    if (!isRecord(model)) return;
    for (const [at, id] of strings(model.fallbacks).entries()) modelRef(['models', index, 'fallbacks', at], id);
  });

  const aliases = isRecord(config.aliases) ? config.aliases : {};
  for (const [name, alias] of Object.entries(aliases)) {
    if (ids.has(name)) issues.push({ path: ['aliases', name], message: `alias "${name}" has the same name as a model` });
    if (!isRecord(alias)) continue;
    for (const [index, id] of strings(alias.models).entries()) modelRef(['aliases', name, 'models', index], id);
    if (alias.strategy === 'fixed' && alias.target === undefined) {
      issues.push({ path: ['aliases', name, 'target'], message: 'a fixed alias needs a target' });
    }
    if (alias.strategy !== 'fixed' && alias.target !== undefined) {
      issues.push({ path: ['aliases', name, 'target'], message: 'only a fixed alias takes a target' });
    }
    modelRef(['aliases', name, 'target'], alias.target);
    for (const field of ['premiumShare', 'thresholds'] as const) {
      if (alias[field] !== undefined && alias.strategy !== 'complexity')
        issues.push({ path: ['aliases', name, field], message: `only a complexity alias takes ${field}` });
    }
  }

  const tierNames = new Set<string>();
  array(config.tiers).forEach((tier, index) => {
    if (!isRecord(tier) || typeof tier.name !== 'string') return;
    if (tierNames.has(tier.name)) issues.push({ path: ['tiers', index, 'name'], message: `duplicate tier "${tier.name}"` });
    tierNames.add(tier.name);
  });
  const tierRef = (path: PropertyKey[], name: unknown): void => {
    if (typeof name === 'string' && tierNames.size > 0 && !tierNames.has(name)) {
      issues.push({ path, message: `unknown tier "${name}" (tiers: ${[...tierNames].join(', ')})` });
    }
  };
  for (const model of models) tierRef(['models', array(config.models).indexOf(model), 'tier'], model.tier);
  for (const [name, alias] of Object.entries(aliases)) {
    if (!isRecord(alias) || !isRecord(alias.thresholds)) continue;
    for (const tier of Object.keys(alias.thresholds)) tierRef(['aliases', name, 'thresholds', tier], tier);
  }
  // Default bounds exist for the cheapest, middle and strongest of three tiers; other shapes say theirs.
  const tierList = array(config.tiers).filter(isRecord);
  if (tierList.length !== 3 && tierList.length > 1) {
    tierList.forEach((tier, index) => {
      if (tier.maxScore === undefined && index < tierList.length - 1)
        issues.push({
          path: ['tiers', index, 'maxScore'],
          message: 'with other than three tiers, every tier but the last needs a maxScore',
        });
    });
  }

  const plans = isRecord(config.plans) ? config.plans : {};
  const tenants = isRecord(config.tenants) ? config.tenants : {};
  const nameRef = (path: PropertyKey[], name: unknown): void => {
    if (typeof name === 'string' && !ids.has(name) && !Object.hasOwn(aliases, name))
      issues.push({ path, message: `unknown model or alias "${name}"` });
  };
  for (const [section, entries] of [
    ['plans', plans],
    ['tenants', tenants],
  ] as const) {
    for (const [name, entry] of Object.entries(entries)) {
      if (isRecord(entry))
        for (const [index, model] of strings(entry.models).entries()) nameRef([section, name, 'models', index], model);
    }
  }
  const anthropicModels = isRecord(config.anthropicModels) ? config.anthropicModels : {};
  for (const [name, target] of Object.entries(anthropicModels)) nameRef(['anthropicModels', name], target);
  for (const [name, tenant] of Object.entries(tenants)) {
    if (isRecord(tenant) && typeof tenant.plan === 'string' && !Object.hasOwn(plans, tenant.plan)) {
      issues.push({ path: ['tenants', name, 'plan'], message: `unknown plan "${tenant.plan}"` });
    }
  }

  const guardrails = isRecord(config.guardrails) ? config.guardrails : {};
  const policies = isRecord(guardrails.policies) ? guardrails.policies : { default: {} };
  const policyRef = (path: PropertyKey[], name: unknown): void => {
    if (typeof name === 'string' && !Object.hasOwn(policies, name))
      issues.push({ path, message: `unknown guardrail policy "${name}"` });
  };
  policyRef(['guardrails', 'default'], guardrails.default ?? 'default');
  for (const section of ['tenants', 'routes'] as const) {
    const map = isRecord(guardrails[section]) ? (guardrails[section] as Record<string, unknown>) : {};
    for (const [name, policy] of Object.entries(map)) policyRef(['guardrails', section, name], policy);
  }

  const routing = isRecord(config.routing) ? config.routing : {};
  modelRef(['routing', 'premiumModel'], routing.premiumModel);
  array(routing.rules).forEach((rule, index) => {
    if (!isRecord(rule)) return;
    const path = ['routing', 'rules', index];
    const when = isRecord(rule.when) ? rule.when : {};
    strings(when.aliases).forEach((name, at) => {
      if (!Object.hasOwn(aliases, name))
        issues.push({ path: [...path, 'when', 'aliases', at], message: `unknown alias "${name}"` });
    });
    for (const [at, name] of strings(when.tiers).entries()) tierRef([...path, 'when', 'tiers', at], name);
    const target = isRecord(rule.target) ? rule.target : {};
    modelRef([...path, 'target', 'model'], target.model);
    for (const [at, id] of strings(target.chain).entries()) modelRef([...path, 'target', 'chain', at], id);
    array(target.split).forEach((arm, at) => {
      if (isRecord(arm)) modelRef([...path, 'target', 'split', at, 'model'], arm.model);
    });
    tierRef([...path, 'target', 'tier'], target.tier);
  });
  return issues;
};

const finite = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * Models that something falls back from: each must give up in time for what follows it. A hung
 * upstream costs every attempt its first-byte timeout (the longer of the streamed and the
 * non-streamed one, capped by the total timeout), with the retry backoff between attempts; when
 * that reaches `routing.deadlineMs`, the fallbacks never run. Alias orders are left out: they
 * change per request, and a model without a written fallback is served or refused either way.
 */
export const findDeadlineProblems = (config: unknown): Issue[] => {
  if (!isRecord(config)) return [];
  const routing = isRecord(config.routing) ? config.routing : {};
  const retry = isRecord(routing.retry) ? routing.retry : {};
  const deadlineMs = finite(routing.deadlineMs);
  const maxAttempts = finite(retry.maxAttempts);
  const baseDelayMs = finite(retry.baseDelayMs);
  const maxDelayMs = finite(retry.maxDelayMs);
  if (deadlineMs === undefined || maxAttempts === undefined || baseDelayMs === undefined || maxDelayMs === undefined) return [];
  // A timeout carries no retry-after, so each wait is at most the jitter's ceiling (shared/resilience/backoff.ts).
  let backoffMs = 0;
  for (let attempt = 0; attempt < maxAttempts - 1; attempt++) backoffMs += Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);

  const followed = new Set<string>();
  for (const model of array(config.models)) {
    if (isRecord(model) && typeof model.id === 'string' && strings(model.fallbacks).length > 0) followed.add(model.id);
  }
  for (const rule of array(routing.rules)) {
    const target = isRecord(rule) && isRecord(rule.target) ? rule.target : {};
    for (const id of strings(target.chain).slice(0, -1)) followed.add(id);
  }

  const issues: Issue[] = [];
  const reported = new Set<string>();
  array(config.models).forEach((model, index) => {
    if (!isRecord(model) || typeof model.id !== 'string' || !followed.has(model.id) || reported.has(model.id)) return;
    const timeoutMs = finite(model.timeoutMs);
    const firstByteMs = Math.max(finite(model.firstByteTimeoutMs) ?? 0, finite(model.nonStreamFirstByteTimeoutMs) ?? 0);
    if (timeoutMs === undefined || firstByteMs === 0) return;
    const attemptMs = Math.min(timeoutMs, firstByteMs);
    const hungMs = maxAttempts * attemptMs + backoffMs;
    if (hungMs < deadlineMs) return;
    reported.add(model.id);
    issues.push({
      path: ['models', index],
      message:
        `a hung "${model.id}" takes ${hungMs} ms to give up (${maxAttempts} attempts of ${attemptMs} ms and ${backoffMs} ms ` +
        `of backoff), which leaves its fallbacks no time within routing.deadlineMs (${deadlineMs} ms): lower its ` +
        'firstByteTimeoutMs, nonStreamFirstByteTimeoutMs or timeoutMs, or routing.retry.maxAttempts, or raise routing.deadlineMs',
    });
  });
  return issues;
};

export const checkReferences = (config: unknown, ctx: z.core.$RefinementCtx): void => {
  for (const issue of [...findReferenceProblems(config), ...findDeadlineProblems(config)])
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, input: undefined });
};
