import { anthropicCountTokensRequestSchema, anthropicMessagesRequestSchema } from '#shared/api/anthropic-messages.ts';
import { toAnthropicErrorBody } from '#shared/api/anthropic-response.ts';
import type { ChatRequest } from '#shared/api/chat-request.ts';
import { chatRequestSchema } from '#shared/api/chat-request.ts';
import { completionsRequestSchema } from '#shared/api/completions-request.ts';
import { embeddingsRequestSchema } from '#shared/api/embeddings-request.ts';
import { responsesRequestSchema } from '#shared/api/responses-request.ts';
import { routeInferenceRequestSchema } from '#shared/api/route-inference-request.ts';
import { createKeyRequestSchema, updateKeyRequestSchema } from '#shared/keys/key-record.ts';
import { createKey, getKey, listKeys, revokeKey, updateKey } from './handlers/admin-keys.ts';
import { adminStats } from './handlers/admin-stats.ts';
import { anthropicMessages, anthropicMessagesToChat, countTokens } from './handlers/anthropic-messages.ts';
import { chatCompletions } from './handlers/chat-completions.ts';
import { completions, completionsToChat } from './handlers/completions.ts';
import { serveConsole } from './handlers/console.ts';
import { embeddings, embeddingsToChat } from './handlers/embeddings.ts';
import { health } from './handlers/health.ts';
import { inputFieldErrors } from './handlers/input-field-errors.ts';
import { listModels, retrieveModel } from './handlers/models.ts';
import { responses, responsesToChatRequest } from './handlers/responses.ts';
import { routeInference, routeInferenceToChat } from './handlers/route-inference.ts';
import { adminUsage, tenantUsage } from './handlers/usage.ts';
import type { RouteSpec } from './route-spec.ts';

/** Every endpoint of the router, in one table: the registry the middlewares consult. */
export const routes: readonly RouteSpec[] = [
  { method: 'GET', path: '/health', auth: 'none', handle: health },
  // The operator console's static files; it signs in with a key and calls the API below like any client.
  { method: 'GET', path: '/console', auth: 'none', handle: serveConsole },
  { method: 'GET', path: '/console/{path+}', auth: 'none', handle: serveConsole },
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
  // Inputs and prompts are checked as chat messages: the errors name them as the client sent them.
  {
    method: 'POST',
    path: '/v1/embeddings',
    auth: 'key',
    body: embeddingsRequestSchema,
    toChatRequest: embeddingsToChat,
    handle: embeddings,
    errorBody: inputFieldErrors('input', 'inputs'),
  },
  {
    method: 'POST',
    path: '/v1/completions',
    auth: 'key',
    body: completionsRequestSchema,
    toChatRequest: completionsToChat,
    handle: completions,
    errorBody: inputFieldErrors('prompt', 'prompts'),
  },
  {
    method: 'POST',
    path: '/v1/responses',
    auth: 'key',
    body: responsesRequestSchema,
    toChatRequest: responsesToChatRequest,
    handle: responses,
  },
  {
    method: 'POST',
    path: '/v1/messages',
    auth: 'key',
    body: anthropicMessagesRequestSchema,
    toChatRequest: anthropicMessagesToChat,
    handle: anthropicMessages,
    errorBody: toAnthropicErrorBody,
    requestIdHeader: 'request-id',
  },
  // No chat request: counting is not inference, so nothing is routed, guarded or reserved.
  {
    method: 'POST',
    path: '/v1/messages/count_tokens',
    auth: 'key',
    body: anthropicCountTokensRequestSchema,
    handle: countTokens,
    errorBody: toAnthropicErrorBody,
    requestIdHeader: 'request-id',
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
