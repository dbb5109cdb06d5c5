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
/**
 * Longer texts are estimated from windows spread over the whole text and scaled: cheap for 4 MB
 * bodies, and no prefix (100 KB of spaces) can stand for what follows it.
 */
const SAMPLE_CHARS = 100_000;
const SAMPLE_WINDOWS = 10;
/**
 * The estimate never falls below the text's UTF-8 size over this: however the text is built
 * (whitespace padding, unusual scripts), a client cannot make the router count next to nothing.
 * English prose is about 4.5 bytes per o200k token, code and data fewer; 8 stays well under both.
 */
const BYTES_PER_TOKEN_FLOOR = 8;

/**
 * ASCII punctuation merges into runs; CJK and fullwidth punctuation is about a token each; other
 * symbols and emoji are multi-byte and take 1.5 or more byte-level tokens each (measured against o200k).
 */
const symbolTokens = (run: string): number => {
  let ascii = 0;
  let tokens = 0;
  for (const char of run) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 128) ascii += 1;
    else tokens += (code >= 0x3000 && code <= 0x303f) || (code >= 0xff00 && code <= 0xffef) ? 1 : 1.6;
  }
  return tokens + (ascii > 0 ? 0.6 + 0.4 * (ascii - 1) : 0);
};

const estimatePieces = (text: string): number => {
  let tokens = 0;
  for (const match of text.matchAll(PIECES)) {
    const [, wide, abjad, word, digits, symbols] = match;
    // Characters beyond the BMP (CJK Extension B and later) take about three byte-level tokens each.
    if (wide !== undefined) tokens += wide.length > 1 ? 3 : 0.75;
    else if (abjad !== undefined) tokens += 1 + Math.floor(abjad.length / 3);
    else if (word !== undefined) tokens += 1 + Math.floor(word.length / 8) + 0.5 * (word.match(INNER_CAPITALS)?.length ?? 0);
    else if (digits !== undefined) tokens += Math.ceil(digits.length / 3);
    else if (symbols !== undefined) tokens += symbolTokens(symbols);
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
  const floor = Buffer.byteLength(text) / BYTES_PER_TOKEN_FLOOR;
  if (text.length <= SAMPLE_CHARS) return Math.ceil(Math.max(floor, estimateWithBlobs(text)));
  const window = Math.floor(SAMPLE_CHARS / SAMPLE_WINDOWS);
  const stride = Math.floor((text.length - window) / (SAMPLE_WINDOWS - 1));
  let sampled = 0;
  for (let i = 0; i < SAMPLE_WINDOWS; i++) sampled += estimateWithBlobs(text.slice(i * stride, i * stride + window));
  return Math.ceil(Math.max(floor, (sampled * text.length) / (window * SAMPLE_WINDOWS)));
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

/**
 * What a prompt estimate reads: the messages, and the other fields the upstream reads as prompt
 * (tool definitions, a JSON schema response format, and legacy completions' `suffix`, the text
 * after the insertion point), so none of them can carry a prompt past admission uncounted.
 */
export type PromptParts = Pick<ChatRequest, 'messages' | 'tools' | 'response_format'> & { suffix?: unknown };

export const estimatePromptTokens = (request: PromptParts): number => {
  let tokens = REPLY_PRIMING;
  for (const message of request.messages) tokens += messageTokens(message);
  if (request.tools && request.tools.length > 0) tokens += estimateTextTokens(JSON.stringify(request.tools));
  if (request.response_format?.type === 'json_schema')
    tokens += estimateTextTokens(JSON.stringify(request.response_format.json_schema));
  if (typeof request.suffix === 'string') tokens += estimateTextTokens(request.suffix);
  return tokens;
};

export const estimateUsage = (request: PromptParts, completionText: string): Usage => ({
  promptTokens: estimatePromptTokens(request),
  completionTokens: estimateTextTokens(completionText),
  cachedTokens: 0,
  estimated: true,
});
