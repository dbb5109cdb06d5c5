import { type ChatMessage, type ChatRequest, contentText } from '../api/chat-request.ts';
import type { Usage } from '../api/chat-response.ts';

// A calibrated estimate for when an upstream reports no usage, and for admission before a call.
// A real BPE table (o200k) would add megabytes to the Lambda bundle; instead the text is split
// the way BPE pre-tokenizers split it (letters, digits, symbols, CJK characters) and each piece
// is priced by its kind. test/unit/shared/tokens/estimate-calibration.test.ts measures it against o200k.

// The `v` flag allows set subtraction: a Latin word must not swallow the CJK text glued to it.
const PIECES =
  /(\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul})|(\p{Script=Arabic}+|\p{Script=Devanagari}+|\p{Script=Thai}+)|([\p{L}--[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Arabic}\p{Script=Devanagari}\p{Script=Thai}]]+)|(\p{N}+)|([^\s\p{L}\p{N}]+)|(\n+)/gv;
/** Base64 and keys: long unbroken runs with digits and capitals in them, where BPE finds few merges. */
const BLOB = /[A-Za-z0-9+/=]{24,}/g;
const INNER_CAPITALS = /(?<=\p{Ll})\p{Lu}/gu;
/** Longer texts are estimated from a prefix and scaled: the estimate must stay cheap for 4 MB bodies. */
const SAMPLE_CHARS = 100_000;

const estimatePieces = (text: string): number => {
  let tokens = 0;
  for (const match of text.matchAll(PIECES)) {
    const [, wide, abjad, word, digits, symbols] = match;
    if (wide !== undefined) tokens += 0.75;
    else if (abjad !== undefined) tokens += 1 + Math.floor(abjad.length / 3);
    else if (word !== undefined) tokens += 1 + Math.floor(word.length / 8) + 0.5 * (word.match(INNER_CAPITALS)?.length ?? 0);
    else if (digits !== undefined) tokens += Math.ceil(digits.length / 3);
    else if (symbols !== undefined) tokens += 0.6 + 0.4 * (symbols.length - 1);
    else tokens += 1;
  }
  return tokens;
};

const estimateWithBlobs = (text: string): number => {
  let tokens = 0;
  let rest = '';
  let last = 0;
  for (const match of text.matchAll(BLOB)) {
    const blob = match[0];
    if ((blob.match(/\d/g)?.length ?? 0) < 3 || (blob.match(/[A-Z]/g)?.length ?? 0) < 3) continue;
    rest += text.slice(last, match.index);
    last = match.index + blob.length;
    tokens += blob.length / 1.7;
  }
  return tokens + estimatePieces(rest + text.slice(last));
};

/** OpenAI's documented per-message framing overhead and reply priming. */
const TOKENS_PER_MESSAGE = 4;
const REPLY_PRIMING = 3;
/** A 512x512 tile costs 170 tokens, plus 85 base; count one tile per image when size is unknown. */
const IMAGE_TOKENS = { low: 85, high: 765 } as const;

export const estimateTextTokens = (text: string): number => {
  if (text.length === 0) return 0;
  if (text.length <= SAMPLE_CHARS) return Math.ceil(estimateWithBlobs(text));
  return Math.ceil((estimateWithBlobs(text.slice(0, SAMPLE_CHARS)) * text.length) / SAMPLE_CHARS);
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
