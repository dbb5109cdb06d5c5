import { NotFoundError } from '#shared/errors.ts';
import { accessLists, mayRequest } from '#shared/keys/key-access.ts';
import { clientKey } from '../http/request-state.ts';
import { type HttpResponse, jsonResponse } from '../http/types.ts';
import type { HandlerContext } from '../route-spec.ts';
import type { RouterRuntime } from '../runtime.ts';

/** A fixed `created` so listings are stable (OpenAI's field; the config has no creation dates). */
const CREATED = 1_700_000_000;

const describe = (runtime: RouterRuntime, name: string) => {
  const alias = runtime.config.aliases[name];
  const model = runtime.targets.get(name)?.config;
  return {
    id: name,
    object: 'model' as const,
    created: CREATED,
    owned_by: alias ? 'router' : (model?.provider ?? 'router'),
    ...(alias
      ? { router_alias: { strategy: alias.strategy, ...(alias.description ? { description: alias.description } : {}) } }
      : {}),
    ...(model
      ? { context_window: model.contextWindow, capabilities: model.capabilities, tier: model.tier, pricing: model.pricing }
      : {}),
  };
};

const allowedNames = ({ state, runtime }: HandlerContext): string[] => {
  const key = clientKey(state);
  const lists = key ? accessLists(runtime.config, key) : [];
  return runtime.models.names.filter((name) => mayRequest(lists, name));
};

/** `GET /v1/models`: the model ids and aliases this key may use. */
export const listModels = async (context: HandlerContext): Promise<HttpResponse> =>
  jsonResponse(200, { object: 'list', data: allowedNames(context).map((name) => describe(context.runtime, name)) });

/** `GET /v1/models/{model}`; a model the key may not use is reported as unknown, like OpenAI does. */
export const retrieveModel = async (context: HandlerContext): Promise<HttpResponse> => {
  const name = context.state.pathParams.model ?? '';
  if (!allowedNames(context).includes(name)) {
    throw new NotFoundError(`The model '${name}' does not exist or you do not have access to it.`, {
      code: 'model_not_found',
      param: 'model',
    });
  }
  return jsonResponse(200, describe(context.runtime, name));
};
