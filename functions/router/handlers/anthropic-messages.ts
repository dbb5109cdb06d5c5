import {
  type AnthropicCountTokensRequest,
  type AnthropicMessagesRequest,
  anthropicPromptToChat,
  anthropicToChatRequest,
} from '#shared/api/anthropic-messages.ts';
import { toAnthropicMessage } from '#shared/api/anthropic-response.ts';
import type { ChatRequest } from '#shared/api/chat-request.ts';
import { accessLists, assertMayRequest } from '#shared/keys/key-access.ts';
import { unknownModelError } from '#shared/routing/model-router.ts';
import { estimatePromptTokens } from '#shared/tokens/estimate-tokens.ts';
import { anthropicStream } from '../http/anthropic-stream.ts';
import { SSE_HEADERS } from '../http/event-stream.ts';
import { clientKey } from '../http/request-state.ts';
import { type HttpResponse, jsonResponse } from '../http/types.ts';
import type { HandlerContext } from '../route-spec.ts';
import type { RouterRuntime } from '../runtime.ts';
import { dryRun } from './dry-run.ts';
import { completeChat, openChatStream, prepare } from './run-inference.ts';

/**
 * The name an Anthropic request is served under. Configured models and aliases are served as
 * asked; other names (the Claude ids SDKs and tools hardcode) go through `anthropicModels`, an
 * exact entry first, then the longest matching `prefix*`. A name still unknown gets the router's 404.
 */
export const resolveAnthropicModel = (name: string, runtime: Pick<RouterRuntime, 'models' | 'config'>): string => {
  if (runtime.models.has(name)) return name;
  const map = runtime.config.anthropicModels;
  const exact = Object.hasOwn(map, name) ? map[name] : undefined;
  if (exact !== undefined) return exact;
  let best: { prefix: string; target: string } | undefined;
  for (const [pattern, target] of Object.entries(map)) {
    if (!pattern.endsWith('*')) continue;
    const prefix = pattern.slice(0, -1);
    if (name.startsWith(prefix) && (best === undefined || prefix.length > best.prefix.length)) best = { prefix, target };
  }
  return best?.target ?? name;
};

export const anthropicMessagesToChat = (body: unknown, runtime: RouterRuntime): ChatRequest => {
  const request = body as AnthropicMessagesRequest;
  return anthropicToChatRequest(request, resolveAnthropicModel(request.model, runtime));
};

/** `POST /v1/messages`: Anthropic's message as JSON, or its event stream. */
export const anthropicMessages = async (context: HandlerContext): Promise<HttpResponse> => {
  const { state } = context;
  if (state.dryRun) return dryRun(context);
  const { chat, decision } = prepare(context);
  if (!chat.stream) {
    const { completion, usage } = await completeChat(context);
    return jsonResponse(200, toAnthropicMessage(completion, usage));
  }
  const { first, rest, hooks } = await openChatStream(context, chat);
  const body = anthropicStream(first, rest, {
    model: state.outcome?.modelId ?? decision.model.id,
    inputTokens: decision.features.promptTokens,
    fallbackId: state.requestId,
    // The hooks have bounded the upstream's report by then: the client sees what it is billed for.
    billed: (reported) => state.outcome?.usage ?? reported,
    ...hooks,
  });
  return { statusCode: 200, headers: { ...SSE_HEADERS }, body };
};

/**
 * `POST /v1/messages/count_tokens`: the router's own estimate of the prompt (the same one
 * admission reserves with), so it costs no model call and no limits; the model must still exist,
 * and be one the key may use.
 */
export const countTokens = async ({ state, runtime }: HandlerContext): Promise<HttpResponse> => {
  const request = state.body as AnthropicCountTokensRequest;
  const model = resolveAnthropicModel(request.model, runtime);
  if (!runtime.models.has(model)) throw unknownModelError(request.model, runtime.models.names);
  const key = clientKey(state);
  assertMayRequest(key ? accessLists(runtime.config, key) : [], model, runtime.models.names);
  return jsonResponse(200, { input_tokens: estimatePromptTokens(anthropicPromptToChat(request, model)) });
};
