import { NotFoundError } from '../errors.ts';
import type { HandlerContext } from '../http/route-spec.ts';
import { type HttpResponse, jsonResponse } from '../http/types.ts';
import { type CreateKeyRequest, listKeysQuerySchema } from '../keys/key-record.ts';
import { validationError } from '../middlewares/parse-body.ts';

/** `POST /admin/keys`: the secret key is in this response and nowhere else, ever. */
export const createKey = async ({ state, runtime }: HandlerContext): Promise<HttpResponse> => {
  const { record, key } = await runtime.keys.create(state.body as CreateKeyRequest, state.receivedAt);
  return jsonResponse(201, { ...record, key });
};

/** `GET /admin/keys?tenant=&limit=&after=`: no secrets, newest first within a tenant. */
export const listKeys = async ({ state, runtime }: HandlerContext): Promise<HttpResponse> => {
  const query = listKeysQuerySchema.safeParse(state.http.query);
  if (!query.success) throw validationError(query.error);
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

/** `DELETE /admin/keys/{id}`: revokes; instances stop accepting it within the key cache TTL. */
export const revokeKey = async ({ state, runtime }: HandlerContext): Promise<HttpResponse> => {
  const record = await runtime.keys.revoke(state.pathParams.id ?? '', state.receivedAt);
  return jsonResponse(200, record);
};
