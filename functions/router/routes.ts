import type { ChatRequest } from '#shared/api/chat-request.ts';
import { chatRequestSchema } from '#shared/api/chat-request.ts';
import { routeInferenceRequestSchema } from '#shared/api/route-inference-request.ts';
import { createKeyRequestSchema, updateKeyRequestSchema } from '#shared/keys/key-record.ts';
import { createKey, getKey, listKeys, revokeKey, updateKey } from './handlers/admin-keys.ts';
import { adminStats } from './handlers/admin-stats.ts';
import { chatCompletions } from './handlers/chat-completions.ts';
import { health } from './handlers/health.ts';
import { listModels, retrieveModel } from './handlers/models.ts';
import { routeInference, routeInferenceToChat } from './handlers/route-inference.ts';
import { adminUsage, tenantUsage } from './handlers/usage.ts';
import type { RouteSpec } from './route-spec.ts';

/** Every endpoint of the router, in one table: the registry the middlewares consult. */
export const routes: readonly RouteSpec[] = [
  { method: 'GET', path: '/health', auth: 'none', handle: health },
  { method: 'GET', path: '/v1/models', auth: 'key', handle: listModels },
  { method: 'GET', path: '/v1/models/{model+}', auth: 'key', handle: retrieveModel },
  {
    method: 'POST',
    path: '/v1/chat/completions',
    auth: 'key',
    body: chatRequestSchema,
    toChatRequest: (body) => body as ChatRequest,
    handle: chatCompletions,
  },
  {
    method: 'POST',
    path: '/route-inference',
    auth: 'key',
    body: routeInferenceRequestSchema,
    toChatRequest: routeInferenceToChat,
    handle: routeInference,
  },
  { method: 'GET', path: '/v1/usage', auth: 'key', handle: tenantUsage },
  { method: 'GET', path: '/admin/usage', auth: 'admin', handle: adminUsage },
  { method: 'GET', path: '/admin/stats', auth: 'admin', handle: adminStats },
  { method: 'POST', path: '/admin/keys', auth: 'admin', body: createKeyRequestSchema, handle: createKey },
  { method: 'GET', path: '/admin/keys', auth: 'admin', handle: listKeys },
  { method: 'GET', path: '/admin/keys/{id}', auth: 'admin', handle: getKey },
  { method: 'PATCH', path: '/admin/keys/{id}', auth: 'admin', body: updateKeyRequestSchema, handle: updateKey },
  { method: 'DELETE', path: '/admin/keys/{id}', auth: 'admin', handle: revokeKey },
];
