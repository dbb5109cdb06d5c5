import { type ChatRequest, contentText, requestedMaxTokens } from '../api/chat-request.ts';
import type { Language } from '../config/routing-schema.ts';
import type { Capability } from '../config/schema.ts';
import { estimatePromptTokens } from '../usage/estimate-tokens.ts';
import { detectLanguage } from './language.ts';

/** What the router knows about a request before choosing a model. Pure data, cheap to compute. */
export interface RequestFeatures {
  promptTokens: number;
  /** The output cap the client asked for, if any. */
  requestedOutputTokens: number | undefined;
  turns: number;
  codeBlocks: number;
  mathSignals: number;
  reasoningSignals: number;
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
  /(\\frac|\\sum|\\int|∫|∑|√|\b(integral|derivative|theorem|prove|proof|equation|matrix|eigen\w*|probability|lemma)\b|\d\s*[\^*/]\s*\d)/gi;
const REASONING_SIGNS =
  /\b(analy[sz]e|analysis|compare|trade-?offs?|explain why|step by step|reason(ing)?|evaluate|critique|design|architect(ure)?|strategy|implications?|justify|pros and cons|in depth|comprehensive|optimi[sz]e|debug|refactor)\b/gi;

const count = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

export const extractFeatures = (request: ChatRequest): RequestFeatures => {
  let text = '';
  let lastUser = '';
  let hasImages = false;
  let turns = 0;
  for (const message of request.messages) {
    if (message.role === 'user') {
      turns += 1;
      lastUser = contentText(message.content);
      if (Array.isArray(message.content)) hasImages ||= message.content.some((part) => part.type === 'image_url');
    }
    text += `${contentText(message.content)}\n`;
  }
  const format = request.response_format?.type;
  return {
    promptTokens: estimatePromptTokens(request),
    requestedOutputTokens: requestedMaxTokens(request),
    turns,
    // Fenced blocks, plus one for unfenced code (signs counted outside the fences only).
    codeBlocks: Math.floor(count(text, CODE_FENCE) / 2) + (count(text.replace(FENCED_BLOCK, ''), CODE_SIGNS) >= 3 ? 1 : 0),
    mathSignals: count(text, MATH_SIGNS),
    reasoningSignals: count(lastUser, REASONING_SIGNS),
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
