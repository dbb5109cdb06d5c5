import { type ChatRequest, contentText } from '#shared/api/chat-request.ts';
import { type EmbeddingsRequest, embeddingInputs } from '#shared/api/embeddings-request.ts';
import { toEmbeddingsResponse } from '#shared/api/embeddings-response.ts';
import { InvalidRequestError } from '#shared/errors.ts';
import type { EmbeddingRequest } from '#shared/providers/types.ts';
import { withTask } from '#shared/routing/features.ts';
import { type HttpResponse, jsonResponse } from '../http/types.ts';
import type { HandlerContext } from '../route-spec.ts';
import { dryRun } from './dry-run.ts';
import { callModels, prepare, upstreamCosts } from './run-inference.ts';

// `POST /v1/embeddings` rides the chat pipeline: each input is a user message, so routing, the
// input guardrails (normalize, deny lists, redaction) and admission treat inputs like prompts.
// The request is marked as embeddings, so routing serves it by models with the `embeddings`
// capability only; it has no output, so admission reserves its input tokens alone, and its
// usage is billed as prompt tokens at the model's input price.

export const embeddingsToChat = (body: unknown): ChatRequest => {
  const request = body as EmbeddingsRequest;
  return withTask(
    {
      model: request.model,
      messages: embeddingInputs(request).map((content) => ({ role: 'user' as const, content })),
      // No output: nothing is reserved for one, and usage bounds admit no completion tokens.
      max_completion_tokens: 0,
      ...(request.user === undefined ? {} : { user: request.user }),
    },
    'embeddings',
  );
};

/** `POST /v1/embeddings`: OpenAI's embeddings list, floats or base64 as asked. */
export const embeddings = async (context: HandlerContext): Promise<HttpResponse> => {
  if (context.state.dryRun) return dryRun(context);
  const { state, signal } = context;
  const { chat } = prepare(context);
  const request = state.body as EmbeddingsRequest;
  const input: EmbeddingRequest = {
    // The inputs as the input guardrails left them: normalized, redacted.
    input: chat.messages.map((message) => contentText(message.content)),
    dimensions: request.dimensions,
    inputType: request.input_type,
    user: chat.user,
  };
  const { result, target, provider } = await callModels(context, signal, (provider, target, attemptSignal) => {
    if (!provider.embed) {
      throw new InvalidRequestError(`Model '${target.config.id}' (${provider.name}) cannot create embeddings.`, {
        code: 'model_not_supported',
        param: 'model',
      });
    }
    return provider.embed(input, target, { signal: attemptSignal, requestId: state.requestId });
  });
  const billed = upstreamCosts(context, target, result.usage);
  state.outcome = { modelId: target.config.id, provider: provider.name, stream: false, ...billed };
  return jsonResponse(
    200,
    toEmbeddingsResponse(result.embeddings, target.config.id, billed.usage, request.encoding_format ?? 'float'),
  );
};
