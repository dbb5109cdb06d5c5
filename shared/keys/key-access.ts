import type { RouterConfig } from '../config/schema.ts';
import { PermissionError } from '../errors.ts';
import type { KeyRecord } from './key-record.ts';

// Which models a caller may ask for and be served by. A key, its tenant and its plan may each
// carry a list of model ids and aliases; every list present applies.

/** May this key ask for this model or alias? Keys without a `models` list may use all. */
export const keyAllows = (models: readonly string[] | undefined, name: string): boolean =>
  models === undefined || models.includes(name);

/** The lists that bind a key: its own, its tenant's and its plan's, where set. */
export const accessLists = (
  config: Pick<RouterConfig, 'tenants' | 'plans'>,
  key: Pick<KeyRecord, 'models' | 'tenant' | 'plan'>,
): string[][] => {
  const tenant = Object.hasOwn(config.tenants, key.tenant) ? config.tenants[key.tenant] : undefined;
  const planName = key.plan ?? tenant?.plan;
  const plan = planName !== undefined && Object.hasOwn(config.plans, planName) ? config.plans[planName] : undefined;
  return [key.models, tenant?.models, plan?.models].filter((list): list is string[] => list !== undefined);
};

/** A name the caller may ask for: in every list that applies. */
export const mayRequest = (lists: readonly (readonly string[])[], name: string): boolean =>
  lists.every((list) => list.includes(name));

/** Throws the 403 for a name the caller may not ask for, naming those it may (of `names`). */
export const assertMayRequest = (lists: readonly (readonly string[])[], name: string, names: readonly string[]): void => {
  if (mayRequest(lists, name)) return;
  const allowed = names.filter((candidate) => mayRequest(lists, candidate));
  throw new PermissionError(`This API key may not use model '${name}'. Allowed: ${allowed.join(', ')}.`, {
    code: 'model_not_allowed',
    param: 'model',
  });
};

/**
 * The models that may serve the caller, whatever it asks for: per list, the model ids it names,
 * or, when it names only aliases, the models those aliases choose from; every list must agree.
 * Undefined when no list applies (all models).
 */
export const servingModels = (
  config: Pick<RouterConfig, 'models' | 'aliases'>,
  lists: readonly (readonly string[])[],
): ReadonlySet<string> | undefined => {
  if (lists.length === 0) return undefined;
  const ids = new Set(config.models.map((model) => model.id));
  const ofList = (list: readonly string[]): Set<string> => {
    const named = list.filter((name) => ids.has(name));
    if (named.length > 0) return new Set(named);
    return new Set(
      list.flatMap((name) => {
        const alias = Object.hasOwn(config.aliases, name) ? config.aliases[name] : undefined;
        return alias ? (alias.models ?? [...ids]) : [];
      }),
    );
  };
  const [first, ...rest] = lists.map(ofList);
  return new Set([...(first ?? [])].filter((id) => rest.every((set) => set.has(id))));
};
