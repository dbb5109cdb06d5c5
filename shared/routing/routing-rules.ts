import type { RoutingRule, RuleCondition } from '../config/routing-schema.ts';
import type { RequestFeatures } from './features.ts';

/** Everything a rule may look at. */
export interface RuleContext {
  alias: string;
  tier: string;
  score: number;
  features: RequestFeatures;
  tenant?: string | undefined;
  plan?: string | undefined;
  keyMetadata?: Readonly<Record<string, string>> | undefined;
  metadata?: Readonly<Record<string, string>> | undefined;
  /** Lower-cased names. */
  headers: Readonly<Record<string, string | undefined>>;
}

const includes = (list: readonly string[] | undefined, value: string | undefined): boolean =>
  list === undefined || (value !== undefined && list.includes(value));

/** `"*"` matches any present value. */
const matchesValues = (
  wanted: Readonly<Record<string, string>> | undefined,
  actual: (name: string) => string | undefined,
): boolean =>
  wanted === undefined ||
  Object.entries(wanted).every(([name, value]) => {
    const present = actual(name);
    return present !== undefined && (value === '*' || present.trim() === value);
  });

const within = (value: number, min: number | undefined, max: number | undefined): boolean =>
  (min === undefined || value >= min) && (max === undefined || value <= max);

const flag = (wanted: boolean | undefined, actual: boolean): boolean => wanted === undefined || wanted === actual;

/** Every condition present must hold. */
export const ruleMatches = (when: RuleCondition, context: RuleContext): boolean => {
  const { features } = context;
  return (
    includes(when.aliases, context.alias) &&
    includes(when.tiers, context.tier) &&
    within(context.score, when.minScore, when.maxScore) &&
    within(features.promptTokens, when.minPromptTokens, when.maxPromptTokens) &&
    includes(when.tenants, context.tenant) &&
    includes(when.plans, context.plan) &&
    matchesValues(when.keyMetadata, (name) => context.keyMetadata?.[name]) &&
    matchesValues(when.metadata, (name) => context.metadata?.[name]) &&
    matchesValues(when.headers, (name) => context.headers[name.toLowerCase()]) &&
    flag(when.hasTools, features.hasTools) &&
    flag(when.hasImages, features.hasImages) &&
    flag(when.wantsJson, features.wantsJson) &&
    includes(when.languages, features.language)
  );
};

/** The first rule, in config order, whose conditions all hold. */
export const findRule = (rules: readonly RoutingRule[], context: RuleContext): RoutingRule | undefined =>
  rules.find((rule) => ruleMatches(rule.when, context));

/** FNV-1a: a stable, fast hash so one `user` always lands on the same arm of a split. */
export const stableFraction = (value: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 0x1_0000_0000;
};

/** Picks an arm by weight for a point in [0, 1). */
export const pickWeighted = <T extends { weight: number }>(arms: readonly T[], point: number): T => {
  const total = arms.reduce((sum, arm) => sum + arm.weight, 0);
  let at = point * total;
  for (const arm of arms) {
    if (at < arm.weight) return arm;
    at -= arm.weight;
  }
  return arms[arms.length - 1] as T;
};
