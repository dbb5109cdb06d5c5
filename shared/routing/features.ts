import { type ChatRequest, contentText, requestedMaxTokens } from '../api/chat-request.ts';
import type { Language } from '../config/routing-schema.ts';
import type { Capability, ModelConfig } from '../config/schema.ts';
import { estimatePromptTokens, estimateTextTokens } from '../tokens/estimate-tokens.ts';
import { COMPLEX_INTENT, CONTENT_INTENT, SIMPLE_INTENT } from './intent-lexicon.ts';
import { detectLanguage } from './language.ts';

/** What the router knows about a request before choosing a model. Pure data, cheap to compute. */
export interface RequestFeatures {
  promptTokens: number;
  /** The output cap the client asked for, if any. */
  requestedOutputTokens: number | undefined;
  turns: number;
  codeBlocks: number;
  mathSignals: number;
  /** Task words in the last user message (see intent-lexicon.ts). */
  complexIntent: number;
  contentIntent: number;
  simpleIntent: number;
  /** Characters of the task: the last user message outside fenced code, pasted material trimmed. */
  taskChars: number;
  hasTools: boolean;
  hasImages: boolean;
  wantsJson: boolean;
  /** Characters of the last user message, the part most routers look at. */
  lastUserChars: number;
  language: Language;
  /** The API the request came through when it is not chat (see `withTask`); absent for chat. */
  task?: RouterTask;
}

/** Client APIs served through the chat pipeline that routing must tell apart from chat. */
export type RouterTask = 'embeddings' | 'completions';

// A route marks the chat request it builds with its task, and routing reads the mark. The value is
// a symbol: no JSON body can hold one, so a client cannot set it on /v1/chat/completions; it sits
// under a string key, so it survives the guardrails' rewrites (spreads, Object.entries); and
// JSON.stringify drops it, so it never reaches an upstream.
const TASK_KEY = 'router_task';
const TASK_MARKS: Readonly<Record<RouterTask, symbol>> = {
  embeddings: Symbol('router_task: embeddings'),
  completions: Symbol('router_task: completions'),
};

/** The chat request marked as built for `task`, for a route's `toChatRequest`. */
export const withTask = (request: ChatRequest, task: RouterTask): ChatRequest => ({ ...request, [TASK_KEY]: TASK_MARKS[task] });

/** The task a route marked the request with; undefined for chat. */
export const taskOf = (request: ChatRequest): RouterTask | undefined => {
  const mark = request[TASK_KEY];
  if (mark === TASK_MARKS.embeddings) return 'embeddings';
  return mark === TASK_MARKS.completions ? 'completions' : undefined;
};

// Exported for the test that checks the counts against `String.match`.
export const CODE_FENCE = /```/g;
export const FENCED_BLOCK = /```[\s\S]*?```/g;
export const CODE_SIGNS = /\b(function|class|def|return|import|const|SELECT|public static)\b|[{};]\s*$/gm;
export const MATH_SIGNS =
  /(\\frac|\\sum|\\int|\\lim|\\sqrt|[∫∑√≡ℝℕℤ∀∃≤≥]|\b(integral|derivative|theorem|prove|proof|equation|matrix|eigen\w*|lemma|modulo|mod \d+)\b)/gi;

/**
 * How many times the global `pattern` matches `text`, at most `limit`: `text.match(pattern).length`
 * without the array of match strings, which for a hostile body is millions of them (3 MB of "∫":
 * 0.8 s). `test` moves `lastIndex` past each match and allocates nothing. A match can be empty only
 * if `lastIndex` stays put (at the latest on the call after, which finds it again); none of these
 * patterns can match empty, but should one, the count restarts with `exec` and steps over empty
 * matches as `match` does (by a code point in `u`/`v` mode), so the result is always `match`'s.
 */
export const countMatches = (text: string, pattern: RegExp, limit = Number.POSITIVE_INFINITY): number => {
  if (!pattern.global) throw new TypeError(`countMatches needs a global pattern: ${pattern}`);
  let count = 0;
  pattern.lastIndex = 0;
  for (let from = 0; count < limit && pattern.test(text); from = pattern.lastIndex) {
    if (pattern.lastIndex === from) return countWithEmptyMatches(text, pattern, limit);
    count += 1;
  }
  pattern.lastIndex = 0;
  return count;
};

const countWithEmptyMatches = (text: string, pattern: RegExp, limit: number): number => {
  const unicode = pattern.unicode || pattern.unicodeSets;
  let count = 0;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null && ++count < limit; match = pattern.exec(text)) {
    const at = pattern.lastIndex;
    if (match[0] === '') pattern.lastIndex = at + (unicode && (text.codePointAt(at) ?? 0) > 0xffff ? 2 : 1);
  }
  pattern.lastIndex = 0;
  return count;
};

/** Pasted material (an article, a log) is not the task: a long message's task is at its start or end. */
const TASK_EDGE = 500;
/** The message without its fenced code blocks: pasted code is material, not the ask. */
export const withoutFencedBlocks = (text: string): string => text.replace(FENCED_BLOCK, ' ');

export const taskText = (lastUser: string): string => {
  const text = withoutFencedBlocks(lastUser);
  return text.length <= 2.5 * TASK_EDGE ? text : `${text.slice(0, TASK_EDGE)}\n${text.slice(-TASK_EDGE)}`;
};

export const extractFeatures = (request: ChatRequest): RequestFeatures => {
  let lastUser = '';
  let hasImages = false;
  let turns = 0;
  for (const message of request.messages) {
    if (message.role === 'user') {
      turns += 1;
      lastUser = contentText(message.content);
      if (Array.isArray(message.content)) hasImages ||= message.content.some((part) => part.type === 'image_url');
    }
  }
  const format = request.response_format?.type;
  const task = taskText(lastUser);
  const routerTask = taskOf(request);
  return {
    // Embedding inputs are texts, not turns: no message framing or reply priming is billed for them.
    promptTokens:
      routerTask === 'embeddings'
        ? request.messages.reduce((sum, message) => sum + estimateTextTokens(contentText(message.content)), 0)
        : estimatePromptTokens(request),
    requestedOutputTokens: requestedMaxTokens(request),
    turns,
    // Fenced blocks, plus one for unfenced code (signs counted outside the fences only).
    codeBlocks:
      Math.floor(countMatches(lastUser, CODE_FENCE) / 2) +
      (countMatches(lastUser.replace(FENCED_BLOCK, ''), CODE_SIGNS, 3) >= 3 ? 1 : 0),
    mathSignals: countMatches(lastUser, MATH_SIGNS),
    complexIntent: countMatches(task, COMPLEX_INTENT),
    contentIntent: countMatches(task, CONTENT_INTENT),
    simpleIntent: countMatches(task, SIMPLE_INTENT),
    taskChars: task.length,
    hasTools: (request.tools?.length ?? 0) > 0,
    hasImages,
    wantsJson: format === 'json_object' || format === 'json_schema',
    lastUserChars: lastUser.length,
    language: detectLanguage(lastUser),
    ...(routerTask ? { task: routerTask } : {}),
  };
};

/** Capabilities a model must have to serve the request at all. */
export const requiredCapabilities = (features: RequestFeatures): Capability[] => {
  const needs: Capability[] = [];
  if (features.hasTools) needs.push('tools');
  if (features.hasImages) needs.push('vision');
  if (features.wantsJson) needs.push('json');
  if (features.task === 'embeddings') needs.push('embeddings');
  return needs;
};

/**
 * Whether a model serves the request's API at all, beyond its capabilities: an embeddings model
 * serves /v1/embeddings only, and legacy completions are forwarded to OpenAI-compatible upstreams
 * only (the others have no such endpoint).
 */
export const servesTask = (model: Pick<ModelConfig, 'provider' | 'capabilities'>, features: RequestFeatures): boolean => {
  if (features.task === 'embeddings') return true;
  if (model.capabilities.includes('embeddings')) return false;
  return features.task !== 'completions' || model.provider === 'openai';
};

/** Why a model asked for by name cannot serve the request's API, in words that say what to use instead. */
export const taskRefusal = (
  model: Pick<ModelConfig, 'id' | 'provider' | 'capabilities'>,
  features: RequestFeatures,
): string | undefined => {
  if (features.task === 'embeddings') {
    return model.capabilities.includes('embeddings')
      ? undefined
      : `Model '${model.id}' does not create embeddings (it does not declare the 'embeddings' capability); it serves /v1/chat/completions.`;
  }
  if (model.capabilities.includes('embeddings')) {
    return `Model '${model.id}' is an embeddings model; use /v1/embeddings.`;
  }
  if (features.task === 'completions' && model.provider !== 'openai') {
    return `Model '${model.id}' (${model.provider}) has no legacy completions endpoint; use /v1/chat/completions.`;
  }
  return undefined;
};

/** What a request needs of a model, for messages: its capabilities, and for legacy completions an OpenAI-compatible upstream. */
export const requirementLabels = (features: RequestFeatures): string[] => [
  ...requiredCapabilities(features),
  ...(features.task === 'completions' ? ['an OpenAI-compatible upstream (legacy completions)'] : []),
];
