import { type ChatRequest, contentText, requestedMaxTokens, type ToolCall } from '../../api/chat-request.ts';
import type { FinishReason, Usage } from '../../api/chat-response.ts';
import { estimatePromptTokens, estimateTextTokens } from '../../tokens/estimate-tokens.ts';
import { jsonFromSchema } from './json-from-schema.ts';
import { mockCallId, toolResultsText, toolsToCall } from './mock-tools.ts';

// What the mock model answers: a pure function of the request, so the same request always gets
// the same answer. Text quotes the prompt; tools are called when asked for; JSON follows the
// requested schema; `n` gives that many choices; usage is the router's own estimate of it all.

export interface MockChoice {
  content: string | null;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
}

/** The prompt is quoted up to this many characters. */
const QUOTE_CHARS = 200;

const lastUserText = (request: ChatRequest): string => {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i];
    if (message?.role === 'user') return contentText(message.content);
  }
  return '';
};

/** Keywords that leave an object schema open: `{"reply": ...}` is valid against it. */
const OPEN_OBJECT_KEYWORDS = new Set(['type', 'title', 'description', '$schema', '$id', 'additionalProperties']);

/** `{"type": "object"}` and the like: a schema that names no properties and forbids none. */
const isOpenObject = (schema: Record<string, unknown>): boolean =>
  Object.keys(schema).every((keyword) => OPEN_OBJECT_KEYWORDS.has(keyword)) &&
  (schema.type === undefined || schema.type === 'object') &&
  (schema.additionalProperties === undefined || schema.additionalProperties === true);

/** JSON for `response_format`: a value generated from the schema, or `{"reply": ...}` when there is none. */
const jsonContent = (request: ChatRequest, reply: string, text: string): string | undefined => {
  const format = request.response_format;
  if (format?.type === 'json_schema' && format.json_schema.schema && !isOpenObject(format.json_schema.schema))
    return JSON.stringify(jsonFromSchema(format.json_schema.schema, { text }));
  if (format?.type === 'json_object' || format?.type === 'json_schema') return JSON.stringify({ reply });
  return undefined;
};

/** Cut by the same estimate that reports usage, so a CJK reply stays within the cap too. */
const capped = (content: string, cap: number | undefined): { content: string; finishReason: FinishReason } => {
  if (cap === undefined || estimateTextTokens(content) <= cap) return { content, finishReason: 'stop' };
  let cut = '';
  for (const char of content) {
    if (estimateTextTokens(cut + char) > cap) break;
    cut += char;
  }
  return { content: cut, finishReason: 'length' };
};

const mockChoice = (request: ChatRequest, modelId: string, index: number, count: number): MockChoice => {
  const prompt = lastUserText(request).replace(/\s+/g, ' ').trim();
  const snippet = prompt.slice(0, QUOTE_CHARS);
  const tools = toolsToCall(request, prompt);
  if (tools.length > 0) {
    const toolCalls = tools.map(
      (tool, call): ToolCall => ({
        id: mockCallId(request, tool.function.name, index, call),
        type: 'function',
        // A tool without parameters takes an empty object.
        function: {
          name: tool.function.name,
          arguments: JSON.stringify(jsonFromSchema(tool.function.parameters ?? { type: 'object' }, { text: snippet })),
        },
      }),
    );
    return { content: null, toolCalls, finishReason: 'tool_calls' };
  }
  const label = count > 1 ? ` (choice ${index + 1} of ${count})` : '';
  const results = toolResultsText(request);
  const quoted = prompt.length > QUOTE_CHARS ? `${snippet}...` : prompt;
  const reply =
    results === undefined
      ? `This is a mock reply from ${modelId}${label}. You said: "${quoted}"`
      : `This is a mock reply from ${modelId}${label}. ${results}`;
  const content = jsonContent(request, reply, `${snippet}${label}`) ?? reply;
  return { toolCalls: [], ...capped(content, requestedMaxTokens(request)) };
};

/** One answer per requested choice (`n`, 1 by default). */
export const mockChoices = (request: ChatRequest, modelId: string): MockChoice[] => {
  const count = request.n ?? 1;
  return Array.from({ length: count }, (_, index) => mockChoice(request, modelId, index, count));
};

/** The router's own estimate of the prompt, and of every choice's output: the same numbers every time. */
export const mockUsage = (request: ChatRequest, choices: readonly MockChoice[]): Usage => ({
  promptTokens: estimatePromptTokens(request),
  completionTokens: choices.reduce(
    (sum, choice) => sum + estimateTextTokens(choice.content ?? JSON.stringify(choice.toolCalls)),
    0,
  ),
  cachedTokens: 0,
  estimated: false,
});
