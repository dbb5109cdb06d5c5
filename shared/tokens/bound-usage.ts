import { type ChatRequest, requestedMaxTokens } from '../api/chat-request.ts';
import type { Usage } from '../api/chat-response.ts';
import type { ModelConfig } from '../config/schema.ts';
import { estimatePromptTokens } from './estimate-tokens.ts';

/**
 * A prompt may count somewhat more upstream than the context window suggests (images, tool
 * schemas, provider framing), never several times more.
 */
const PROMPT_SLACK = 1.25;

export interface BoundedUsage {
  usage: Usage;
  /** The fields the upstream reported out of bounds, for the log; empty when it was plausible. */
  adjusted: string[];
}

/**
 * Upstream usage as billed: every count a whole number between zero and what the request could
 * use (the model's context window for the prompt, max_tokens or the model's output limit per
 * choice for the completion; cached tokens within the prompt). A negative or missing prompt
 * count is replaced by the router's estimate; an absurd one is cut to the bound. A buggy or
 * hostile upstream can then neither credit a spend window nor bill a client for the impossible.
 */
export const boundUsage = (
  usage: Usage,
  request: ChatRequest,
  model: Pick<ModelConfig, 'contextWindow' | 'maxOutputTokens'>,
): BoundedUsage => {
  const adjusted: string[] = [];
  const valid = (value: number): boolean => Number.isFinite(value) && value >= 0;
  let promptTokens = Math.round(usage.promptTokens);
  if (!valid(usage.promptTokens)) {
    adjusted.push('promptTokens');
    promptTokens = estimatePromptTokens(request);
  } else if (promptTokens > model.contextWindow * PROMPT_SLACK) {
    adjusted.push('promptTokens');
    promptTokens = Math.round(model.contextWindow * PROMPT_SLACK);
  }
  const maxCompletion = (requestedMaxTokens(request) ?? model.maxOutputTokens ?? model.contextWindow) * (request.n ?? 1);
  let completionTokens = Math.round(usage.completionTokens);
  if (!valid(usage.completionTokens)) {
    adjusted.push('completionTokens');
    completionTokens = 0;
  } else if (completionTokens > maxCompletion) {
    adjusted.push('completionTokens');
    completionTokens = maxCompletion;
  }
  let cachedTokens = Math.round(usage.cachedTokens);
  if (!valid(usage.cachedTokens) || cachedTokens > promptTokens) {
    adjusted.push('cachedTokens');
    cachedTokens = valid(usage.cachedTokens) ? promptTokens : 0;
  }
  return adjusted.length === 0
    ? { usage, adjusted }
    : { usage: { ...usage, promptTokens, completionTokens, cachedTokens }, adjusted };
};
