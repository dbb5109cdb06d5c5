import type { ChatCompletion, ChatCompletionChunk, FinishReason, Usage } from '../api/chat-response.ts';
import { toOpenAIUsage } from '../api/chat-response.ts';
import { estimateTextTokens } from '../tokens/estimate-tokens.ts';
import type { CompletionResult, ModelTarget, ProviderCallOptions, StreamEvent, TextCompletionBody } from './types.ts';
import { readJsonBody, readSseEvents } from './upstream-body.ts';
import { upstreamHttpError, upstreamProtocolError, upstreamStreamCutError } from './upstream-errors.ts';
import { cachedEndpoints, postUpstream, type UpstreamEndpoint, upstreamUrl } from './upstream-fetch.ts';
import { withholdFields } from './withheld-fields.ts';

// Legacy completions (`POST {baseUrl}/completions`) on an OpenAI-compatible upstream: instruct and
// base models, fill-in-the-middle (`suffix`), `echo`, `logprobs`, `best_of`. The body passes through
// as the client sent it (after the guardrails) but for the model name; the answer is translated
// into the router's chat shape, so the output guardrails, usage bounds and billing apply unchanged,
// and the route translates it back. Usage is always requested on streams, as for chat.

const PROVIDER = 'openai';

interface TextChoice {
  text?: unknown;
  index?: unknown;
  logprobs?: unknown;
  finish_reason?: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const FINISH_REASONS = new Set<string>(['stop', 'length', 'content_filter']);
const finishReason = (value: unknown): FinishReason | null =>
  typeof value === 'string' && FINISH_REASONS.has(value) ? (value as FinishReason) : null;

const usageOf = (usage: unknown): Usage | undefined => {
  if (!isObject(usage) || typeof usage.prompt_tokens !== 'number') return undefined;
  const details = isObject(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  return {
    promptTokens: usage.prompt_tokens,
    completionTokens: typeof usage.completion_tokens === 'number' ? usage.completion_tokens : 0,
    cachedTokens: typeof details.cached_tokens === 'number' ? details.cached_tokens : 0,
    estimated: false,
  };
};

/** The prompt's texts (a string or a list of them), for an estimate when the upstream counts nothing. */
const promptTexts = (body: TextCompletionBody): string[] => {
  const prompt = body.prompt;
  if (typeof prompt === 'string') return [prompt];
  return Array.isArray(prompt) ? prompt.filter((item): item is string => typeof item === 'string') : [];
};

const estimate = (body: TextCompletionBody, completionText: string): Usage => ({
  promptTokens: promptTexts(body).reduce((sum, text) => sum + estimateTextTokens(text), 0),
  completionTokens: estimateTextTokens(completionText),
  cachedTokens: 0,
  estimated: true,
});

const textOf = (choice: TextChoice): string => (typeof choice.text === 'string' ? choice.text : '');

export const createOpenAITextCompletions = (
  baseUrlDefault: string,
  headersOf: (target: ModelTarget) => Record<string, string>,
) => {
  const endpointOf = cachedEndpoints(
    (target): UpstreamEndpoint => ({
      url: upstreamUrl(target.config.baseUrl ?? baseUrlDefault, '/completions', target.config.query),
      headers: headersOf(target),
    }),
  );
  const upstreamBody = (body: TextCompletionBody, target: ModelTarget, stream: boolean): Record<string, unknown> => {
    const sent = withholdFields({ ...body, model: target.config.upstreamModel ?? target.config.id });
    if (stream) {
      sent.stream = true;
      sent.stream_options = { ...(isObject(body.stream_options) ? body.stream_options : {}), include_usage: true };
    } else {
      delete sent.stream;
      delete sent.stream_options;
    }
    return sent;
  };

  return {
    async completeText(body: TextCompletionBody, target: ModelTarget, options: ProviderCallOptions): Promise<CompletionResult> {
      const call = await postUpstream(
        { ...endpointOf(target), body: upstreamBody(body, target, false), stream: false },
        target,
        options,
      );
      const answer = await readJsonBody(call);
      if (!isObject(answer) || !Array.isArray(answer.choices)) {
        throw upstreamProtocolError(PROVIDER, target.config.id, 'no choices in the completion');
      }
      const choices = answer.choices.filter(isObject) as TextChoice[];
      const usage = usageOf(answer.usage) ?? estimate(body, choices.map(textOf).join(''));
      const completion: ChatCompletion = {
        id: typeof answer.id === 'string' ? answer.id : `cmpl-${options.requestId}`,
        object: 'chat.completion',
        created: typeof answer.created === 'number' ? answer.created : Math.floor(Date.now() / 1000),
        model: target.config.id,
        choices: choices.map((choice, position) => ({
          index: typeof choice.index === 'number' ? choice.index : position,
          message: { role: 'assistant', content: textOf(choice) },
          logprobs: choice.logprobs ?? null,
          finish_reason: finishReason(choice.finish_reason),
        })),
        usage: toOpenAIUsage(usage),
        ...(typeof answer.system_fingerprint === 'string' ? { system_fingerprint: answer.system_fingerprint } : {}),
      };
      return { completion, usage };
    },

    async *streamText(body: TextCompletionBody, target: ModelTarget, options: ProviderCallOptions): AsyncGenerator<StreamEvent> {
      const call = await postUpstream(
        { ...endpointOf(target), body: upstreamBody(body, target, true), stream: true },
        target,
        options,
      );
      let usage: Usage | undefined;
      let text = '';
      let finished = false;
      for await (const event of readSseEvents(call)) {
        if (event.data === '[DONE]') {
          finished = true;
          break;
        }
        let chunk: Record<string, unknown>;
        try {
          const parsed: unknown = JSON.parse(event.data);
          if (!isObject(parsed)) throw new Error('not an object');
          chunk = parsed;
        } catch {
          throw upstreamProtocolError(PROVIDER, target.config.id, 'a stream event is not a JSON object');
        }
        if (chunk.error !== undefined) {
          const error = isObject(chunk.error) ? chunk.error : {};
          throw upstreamHttpError({
            provider: PROVIDER,
            modelId: target.config.id,
            status: 502,
            message: typeof error.message === 'string' ? error.message : undefined,
            code: error.code,
            secrets: [target.apiKey],
          });
        }
        usage = usageOf(chunk.usage) ?? usage;
        const choices = Array.isArray(chunk.choices) ? (chunk.choices.filter(isObject) as TextChoice[]) : [];
        if (choices.length === 0) continue;
        for (const choice of choices) text += textOf(choice);
        const translated: ChatCompletionChunk = {
          id: typeof chunk.id === 'string' ? chunk.id : `cmpl-${options.requestId}`,
          object: 'chat.completion.chunk',
          created: typeof chunk.created === 'number' ? chunk.created : Math.floor(Date.now() / 1000),
          model: target.config.id,
          choices: choices.map((choice, position) => ({
            index: typeof choice.index === 'number' ? choice.index : position,
            delta: { content: textOf(choice) },
            logprobs: choice.logprobs ?? null,
            finish_reason: finishReason(choice.finish_reason),
          })),
        };
        yield { type: 'chunk', chunk: translated };
      }
      if (!finished) throw upstreamStreamCutError(PROVIDER, target.config.id);
      yield { type: 'usage', usage: usage ?? estimate(body, text) };
    },
  };
};
