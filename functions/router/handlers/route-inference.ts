import type { ChatRequest } from '#shared/api/chat-request.ts';
import { toOpenAIUsage } from '#shared/api/chat-response.ts';
import type { RouteInferenceRequest } from '#shared/api/route-inference-request.ts';
import { type HttpResponse, jsonResponse } from '../http/types.ts';
import type { HandlerContext } from '../route-spec.ts';
import type { RouterRuntime } from '../runtime.ts';
import { dryRun } from './dry-run.ts';
import { completeChat } from './run-inference.ts';

/** The simple API's default model: the `auto` alias when configured, else the first alias or model. */
const defaultModel = (runtime: RouterRuntime): string =>
  'auto' in runtime.config.aliases
    ? 'auto'
    : (runtime.models.names.find((name) => name in runtime.config.aliases) ?? runtime.models.names[0] ?? 'auto');

export const routeInferenceToChat = (body: unknown, runtime: RouterRuntime): ChatRequest => {
  const request = body as RouteInferenceRequest;
  return {
    model: request.model ?? defaultModel(runtime),
    messages: [{ role: 'user', content: request.text }],
    ...(request.max_tokens === undefined ? {} : { max_tokens: request.max_tokens }),
  };
};

/** `POST /route-inference`: `{"text"}` -> `{"response","model"}`, routed by the same engine. */
export const routeInference = async (context: HandlerContext): Promise<HttpResponse> => {
  if (context.state.dryRun) return dryRun(context);
  const { completion, usage } = await completeChat(context);
  const message = completion.choices[0]?.message;
  return jsonResponse(200, {
    response: message?.content ?? '',
    model: completion.model,
    provider: context.state.outcome?.provider,
    usage: toOpenAIUsage(usage),
  });
};
