import { validationError } from '#shared/api/validation.ts';
import { InvalidRequestError, NotFoundError } from '#shared/errors.ts';
import { type CreateKeyRequest, listKeysQuerySchema, type UpdateKeyRequest } from '#shared/keys/key-record.ts';
import { type HttpResponse, jsonResponse } from '../http/types.ts';
import type { HandlerContext } from '../route-spec.ts';

/** A key may only name plans and models the config defines: a typo must not silently mean "no limits". */
const checkReferences = (
  runtime: HandlerContext['runtime'],
  body: { plan?: string | null; models?: string[] | null; guardrailPolicy?: string | null },
): void => {
  if (typeof body.guardrailPolicy === 'string' && !Object.hasOwn(runtime.config.guardrails.policies, body.guardrailPolicy)) {
    throw new InvalidRequestError(
      `Unknown guardrail policy '${body.guardrailPolicy}'. Policies: ${Object.keys(runtime.config.guardrails.policies).join(', ')}.`,
      {
        param: 'guardrailPolicy',
      },
    );
  }
  if (typeof body.plan === 'string' && !Object.hasOwn(runtime.config.plans, body.plan)) {
    const plans = Object.keys(runtime.config.plans);
    throw new InvalidRequestError(
      `Unknown plan '${body.plan}'. Plans: ${plans.length > 0 ? plans.join(', ') : '(none configured)'}.`,
      { param: 'plan' },
    );
  }
  for (const [index, model] of (body.models ?? []).entries()) {
    if (!runtime.models.has(model)) {
      throw new InvalidRequestError(`Unknown model or alias '${model}'. Available: ${runtime.models.names.join(', ')}.`, {
        param: `models[${index}]`,
      });
    }
  }
};

/** `POST /admin/keys`: the secret key is in this response and nowhere else, ever. */
export const createKey = async ({ state, runtime }: HandlerContext): Promise<HttpResponse> => {
  const body = state.body as CreateKeyRequest;
  checkReferences(runtime, body);
  const { record, key } = await runtime.keys.create(body, state.receivedAt);
  return jsonResponse(201, { ...record, key });
};

/** `GET /admin/keys?tenant=&limit=&after=`: no secrets, newest first within a tenant. */
export const listKeys = async ({ state, runtime }: HandlerContext): Promise<HttpResponse> => {
  const query = listKeysQuerySchema.safeParse(state.http.query);
  if (!query.success) throw validationError(query.error, 'query');
  const page = await runtime.keys.list(query.data);
  return jsonResponse(200, {
    object: 'list',
    data: page.keys,
    has_more: page.next !== undefined,
    ...(page.next ? { next: page.next } : {}),
  });
};

export const getKey = async ({ state, runtime }: HandlerContext): Promise<HttpResponse> => {
  const id = state.pathParams.id ?? '';
  const record = await runtime.keys.findById(id);
  if (!record) throw new NotFoundError(`No API key with id '${id}'.`, { code: 'key_not_found' });
  return jsonResponse(200, record);
};

/** `PATCH /admin/keys/{id}`: at once on this instance, within the key cache TTL on the others. */
export const updateKey = async ({ state, runtime }: HandlerContext): Promise<HttpResponse> => {
  const changes = state.body as UpdateKeyRequest;
  checkReferences(runtime, changes);
  const record = await runtime.keys.update(state.pathParams.id ?? '', changes);
  runtime.keyCache.deleteById(record.id);
  return jsonResponse(200, record);
};

/** `DELETE /admin/keys/{id}`: revokes; this instance refuses the key at once, the others within the key cache TTL. */
export const revokeKey = async ({ state, runtime }: HandlerContext): Promise<HttpResponse> => {
  const record = await runtime.keys.revoke(state.pathParams.id ?? '', state.receivedAt);
  runtime.keyCache.deleteById(record.id);
  return jsonResponse(200, record);
};
