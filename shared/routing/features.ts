import { type ChatRequest, contentText, requestedMaxTokens } from '../api/chat-request.ts';
import type { Language } from '../config/routing-schema.ts';
import type { Capability } from '../config/schema.ts';
import { estimatePromptTokens } from '../tokens/estimate-tokens.ts';
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
}

const CODE_FENCE = /```/g;
const FENCED_BLOCK = /```[\s\S]*?```/g;
const CODE_SIGNS = /\b(function|class|def|return|import|const|SELECT|public static)\b|[{};]\s*$/gm;
const MATH_SIGNS =
  /(\\frac|\\sum|\\int|\\lim|\\sqrt|[∫∑√≡ℝℕℤ∀∃≤≥]|\b(integral|derivative|theorem|prove|proof|equation|matrix|eigen\w*|lemma|modulo|mod \d+)\b)/gi;

const count = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

/** Pasted material (an article, a log) is not the task: a long message's task is at its start or end. */
const TASK_EDGE = 500;
export const taskText = (lastUser: string): string => {
  const text = lastUser.replace(FENCED_BLOCK, ' ');
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
  return {
    promptTokens: estimatePromptTokens(request),
    requestedOutputTokens: requestedMaxTokens(request),
    turns,
    // Fenced blocks, plus one for unfenced code (signs counted outside the fences only).
    codeBlocks:
      Math.floor(count(lastUser, CODE_FENCE) / 2) + (count(lastUser.replace(FENCED_BLOCK, ''), CODE_SIGNS) >= 3 ? 1 : 0),
    mathSignals: count(lastUser, MATH_SIGNS),
    complexIntent: count(task, COMPLEX_INTENT),
    contentIntent: count(task, CONTENT_INTENT),
    simpleIntent: count(task, SIMPLE_INTENT),
    taskChars: task.length,
    hasTools: (request.tools?.length ?? 0) > 0,
    hasImages,
    wantsJson: format === 'json_object' || format === 'json_schema',
    lastUserChars: lastUser.length,
    language: detectLanguage(lastUser),
  };
};

/** Capabilities a model must have to serve the request at all. */
export const requiredCapabilities = (features: RequestFeatures): Capability[] => {
  const needs: Capability[] = [];
  if (features.hasTools) needs.push('tools');
  if (features.hasImages) needs.push('vision');
  if (features.wantsJson) needs.push('json');
  return needs;
};
