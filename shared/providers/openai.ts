import type { ChatRequest } from '../api/chat-request.ts';
import type { ChatCompletion, ChatCompletionChunk, OpenAIUsage, Usage } from '../api/chat-response.ts';
import { deltaOutputText, messageOutputText, toOpenAIUsage } from '../api/chat-response.ts';
import { estimateUsage } from '../tokens/estimate-tokens.ts';
import { createOpenAITextCompletions } from './openai-completions.ts';
import { createOpenAIEmbed } from './openai-embeddings.ts';
import type { CompletionResult, ModelTarget, Provider, ProviderCallOptions, StreamEvent } from './types.ts';
import { readJsonBody, readSseEvents } from './upstream-body.ts';
import { upstreamHttpError, upstreamProtocolError, upstreamStreamCutError } from './upstream-errors.ts';
import { cachedEndpoints, postUpstream, upstreamUrl } from './upstream-fetch.ts';
import { withholdFields } from './withheld-fields.ts';

// Any OpenAI-compatible upstream: OpenAI, Azure OpenAI, Groq, Together, vLLM, Ollama. The request
// passes through nearly untouched (unknown fields included); only the model name is swapped and
// usage is always requested on streams, so streamed requests are billed from real counts.

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export const toOpenAIRequestBody = (request: ChatRequest, target: ModelTarget, stream: boolean): Record<string, unknown> => {
  const body = withholdFields({ ...request, model: target.config.upstreamModel ?? target.config.id });
  if (stream) {
    body.stream = true;
    body.stream_options = { ...(request.stream_options ?? {}), include_usage: true };
  } else {
    delete body.stream;
    delete body.stream_options;
  }
  return body;
};

const authHeaders = (target: ModelTarget): Record<string, string> => {
  const headers: Record<string, string> = { ...target.config.headers };
  if (target.apiKey !== undefined) {
    if (target.config.authHeader === 'api-key') headers['api-key'] = target.apiKey;
    else headers.authorization = `Bearer ${target.apiKey}`;
  }
  return headers;
};

type UpstreamUsage = Omit<Partial<OpenAIUsage>, 'prompt_tokens_details'> & {
  prompt_tokens_details?: { cached_tokens?: number } | null;
};

export const fromOpenAIUsage = (usage: UpstreamUsage | null | undefined): Usage | undefined => {
  if (!usage || typeof usage.prompt_tokens !== 'number') return undefined;
  return {
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens ?? 0,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    estimated: false,
  };
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

export const createOpenAIProvider = (): Provider => {
  const endpointOf = cachedEndpoints((target) => ({
    url: upstreamUrl(target.config.baseUrl ?? OPENAI_DEFAULT_BASE_URL, '/chat/completions', target.config.query),
    headers: authHeaders(target),
  }));
  const callUpstream = (request: ChatRequest, target: ModelTarget, options: ProviderCallOptions, stream: boolean) =>
    postUpstream({ ...endpointOf(target), body: toOpenAIRequestBody(request, target, stream), stream }, target, options);
  const { completeText, streamText } = createOpenAITextCompletions(OPENAI_DEFAULT_BASE_URL, authHeaders);

  return {
    name: 'openai',
    embed: createOpenAIEmbed(OPENAI_DEFAULT_BASE_URL, authHeaders),
    completeText,
    streamText,

    async complete(request, target, options): Promise<CompletionResult> {
      const call = await callUpstream(request, target, options, false);
      const body = await readJsonBody(call);
      if (!isObject(body) || !Array.isArray(body.choices)) {
        throw upstreamProtocolError('openai', target.config.id, 'no choices in the completion');
      }
      const completion = body as ChatCompletion;
      const text = completion.choices.map((choice) => messageOutputText(choice.message)).join('');
      const usage = fromOpenAIUsage(completion.usage) ?? estimateUsage(request, text);
      return { completion: { ...completion, model: target.config.id, usage: toOpenAIUsage(usage) }, usage };
    },

    async *stream(request, target, options): AsyncGenerator<StreamEvent> {
      const call = await callUpstream(request, target, options, true);
      let usage: Usage | undefined;
      let text = '';
      let finished = false;
      for await (const event of readSseEvents(call)) {
        if (event.data === '[DONE]') {
          finished = true;
          break;
        }
        let chunk: ChatCompletionChunk & { error?: unknown; x_groq?: { usage?: UpstreamUsage } };
        try {
          chunk = JSON.parse(event.data);
        } catch {
          throw upstreamProtocolError('openai', target.config.id, 'a stream event is not JSON');
        }
        if (chunk.error !== undefined) {
          const message = isObject(chunk.error) && typeof chunk.error.message === 'string' ? chunk.error.message : undefined;
          throw upstreamHttpError({
            provider: 'openai',
            modelId: target.config.id,
            status: 502,
            message,
            code: isObject(chunk.error) ? chunk.error.code : undefined,
            secrets: [target.apiKey],
          });
        }
        usage = fromOpenAIUsage(chunk.usage) ?? fromOpenAIUsage(chunk.x_groq?.usage) ?? usage;
        if (!Array.isArray(chunk.choices) || chunk.choices.length === 0) continue;
        for (const choice of chunk.choices) text += choice.delta ? deltaOutputText(choice.delta) : '';
        const { usage: _usage, x_groq: _groq, ...rest } = chunk;
        yield { type: 'chunk', chunk: { ...rest, model: target.config.id } };
      }
      if (!finished) throw upstreamStreamCutError('openai', target.config.id);
      yield {
        type: 'usage',
        usage: usage ?? estimateUsage(request, text),
      };
    },
  };
};
