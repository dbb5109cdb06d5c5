import { type ChatRequest, contentText } from '#shared/api/chat-request.ts';
import { type CompletionsRequest, completionPrompts } from '#shared/api/completions-request.ts';
import { toTextCompletion } from '#shared/api/completions-response.ts';
import { InvalidRequestError } from '#shared/errors.ts';
import type { ModelTarget, Provider, TextCompletionBody } from '#shared/providers/types.ts';
import { withTask } from '#shared/routing/features.ts';
import { eventStream, SSE_HEADERS } from '../http/event-stream.ts';
import { textCompletionFormat } from '../http/text-completion-stream.ts';
import { type HttpResponse, jsonResponse } from '../http/types.ts';
import type { HandlerContext } from '../route-spec.ts';
import { dryRun } from './dry-run.ts';
import { completeChat, openChatStream, prepare } from './run-inference.ts';

// `POST /v1/completions` is forwarded to the upstream's own /completions, not translated to chat:
// instruct and base models, `suffix`, `echo`, `logprobs` and `best_of` only exist there. The
// request rides the chat pipeline for everything else: each prompt is a user message (routing,
// input guardrails, admission), the request is marked as legacy completions so routing serves it
// by OpenAI-compatible models only (the other providers have no such endpoint, and asking one by
// name is a 400 naming /v1/chat/completions), and the answer comes back through the same fallback,
// billing and output guardrails as a chat answer.

export const completionsToChat = (body: unknown): ChatRequest => {
  const { prompt, n, ...rest } = body as CompletionsRequest;
  const prompts = completionPrompts({ prompt });
  return withTask(
    {
      ...rest,
      messages: prompts.map((content) => ({ role: 'user' as const, content })),
      // Each prompt gets n answers, and the upstream generates (and bills) best_of of each: the
      // reservation and the usage bounds count them all. The upstream gets the client's n.
      n: prompts.length * Math.max(n ?? 1, rest.best_of ?? 1),
    },
    'completions',
  );
};

/** The body the upstream gets: the client's, with the guarded prompts and strings, and its own `n`. */
const upstreamBody = (chat: ChatRequest, original: CompletionsRequest): TextCompletionBody => {
  const { messages, n: _counted, ...rest } = chat;
  const prompts = messages.map((message) => contentText(message.content));
  return {
    ...rest,
    prompt: typeof original.prompt === 'string' ? prompts[0] : prompts,
    ...(original.n == null ? {} : { n: original.n }),
  };
};

/** The provider's legacy completions, or the 400 for one without them (routing already keeps those out). */
const textCompletions = (provider: Provider, target: ModelTarget): Required<Pick<Provider, 'completeText' | 'streamText'>> => {
  const { completeText, streamText } = provider;
  if (!completeText || !streamText) {
    throw new InvalidRequestError(
      `Model '${target.config.id}' (${provider.name}) has no legacy completions endpoint; use /v1/chat/completions.`,
      { code: 'model_not_supported', param: 'model' },
    );
  }
  return { completeText: completeText.bind(provider), streamText: streamText.bind(provider) };
};

/** `POST /v1/completions`, JSON or SSE, in OpenAI's `text_completion` shape. */
export const completions = async (context: HandlerContext): Promise<HttpResponse> => {
  if (context.state.dryRun) return dryRun(context);
  const { chat } = prepare(context);
  const body = upstreamBody(chat, context.state.body as CompletionsRequest);
  if (!chat.stream) {
    const { completion } = await completeChat(context, (provider, _chat, target, options) =>
      textCompletions(provider, target).completeText(body, target, options),
    );
    return jsonResponse(200, toTextCompletion(completion));
  }
  const { first, rest, hooks } = await openChatStream(context, chat, (provider, _chat, target, options) =>
    textCompletions(provider, target).streamText(body, target, options),
  );
  const includeUsage = chat.stream_options?.include_usage === true;
  return {
    statusCode: 200,
    headers: { ...SSE_HEADERS },
    body: eventStream(first, rest, textCompletionFormat(includeUsage), hooks),
  };
};
