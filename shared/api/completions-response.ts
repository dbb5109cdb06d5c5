import type { ChatCompletion, ChatCompletionChunk, FinishReason, OpenAIUsage } from './chat-response.ts';

// OpenAI's legacy `text_completion` shapes, from the router's chat shape: providers answer legacy
// completions as chat (each choice's text as its message content, its logprobs kept as they came).

export interface TextCompletionChoice {
  text: string;
  index: number;
  logprobs: unknown;
  finish_reason: FinishReason | null;
}

export interface TextCompletion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: TextCompletionChoice[];
  usage?: OpenAIUsage | null;
  system_fingerprint?: string | null;
}

/** A chat choice as a text completion's: its text, the rest as is. */
const textChoice = (
  text: string | null | undefined,
  choice: { index: number; logprobs?: unknown; finish_reason: TextCompletionChoice['finish_reason'] },
): TextCompletionChoice => ({
  text: text ?? '',
  index: choice.index,
  logprobs: choice.logprobs ?? null,
  finish_reason: choice.finish_reason,
});

export const toTextCompletion = (completion: ChatCompletion): TextCompletion => ({
  id: completion.id,
  object: 'text_completion',
  created: completion.created,
  model: completion.model,
  choices: completion.choices.map((choice) => textChoice(choice.message.content, choice)),
  ...(completion.usage ? { usage: completion.usage } : {}),
  ...(completion.system_fingerprint ? { system_fingerprint: completion.system_fingerprint } : {}),
});

export const toTextCompletionChunk = (chunk: ChatCompletionChunk): TextCompletion => ({
  id: chunk.id,
  object: 'text_completion',
  created: chunk.created,
  model: chunk.model,
  choices: chunk.choices.map((choice) => textChoice(choice.delta.content, choice)),
});
