import { type ChatMessage, type ChatRequest, contentText } from '../api/chat-request.ts';
import type { Usage } from '../api/chat-response.ts';

// A calibrated estimate for when an upstream reports no usage, and for admission before a call.
// BPE tokenizers average ~4 characters per token on English prose and code, but one CJK
// character is about one token, so the two are counted apart.

const WIDE_CHARS = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/g;
/** OpenAI's documented per-message framing overhead and reply priming. */
const TOKENS_PER_MESSAGE = 4;
const REPLY_PRIMING = 3;
/** A 512x512 tile costs 170 tokens, plus 85 base; count one tile per image when size is unknown. */
const IMAGE_TOKENS = { low: 85, high: 765 } as const;

export const estimateTextTokens = (text: string): number => {
  if (text.length === 0) return 0;
  const wide = text.match(WIDE_CHARS)?.length ?? 0;
  return wide + Math.ceil((text.length - wide) / 4);
};

const messageTokens = (message: ChatMessage): number => {
  let tokens = TOKENS_PER_MESSAGE;
  if (message.role === 'user' && Array.isArray(message.content)) {
    for (const part of message.content) {
      if (part.type === 'text') tokens += estimateTextTokens(part.text);
      else if (part.type === 'image_url') tokens += part.image_url.detail === 'low' ? IMAGE_TOKENS.low : IMAGE_TOKENS.high;
      else tokens += 200;
    }
  } else {
    tokens += estimateTextTokens(contentText(message.content));
  }
  if (message.role === 'assistant' && message.tool_calls) {
    for (const call of message.tool_calls) tokens += estimateTextTokens(call.function.name + call.function.arguments) + 3;
  }
  return tokens;
};

export const estimatePromptTokens = (request: Pick<ChatRequest, 'messages' | 'tools'>): number => {
  let tokens = REPLY_PRIMING;
  for (const message of request.messages) tokens += messageTokens(message);
  if (request.tools && request.tools.length > 0) tokens += estimateTextTokens(JSON.stringify(request.tools));
  return tokens;
};

export const estimateUsage = (request: Pick<ChatRequest, 'messages' | 'tools'>, completionText: string): Usage => ({
  promptTokens: estimatePromptTokens(request),
  completionTokens: estimateTextTokens(completionText),
  cachedTokens: 0,
  estimated: true,
});
