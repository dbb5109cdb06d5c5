import type { ChatRequest, ToolCall, ToolDefinition } from '../../api/chat-request.ts';
import { contentText } from '../../api/chat-request.ts';

// When the mock model calls tools, and what it says once their results are back. The rules are
// plain so a demo can steer them: `tool_choice` first, then what the user's last message names.

/** Results quoted in the reply are cut to this many characters. */
const RESULT_QUOTE_CHARS = 200;

/** `get_current_weather`, `getCurrentWeather`, `get-current-weather` -> `get current weather`. */
const nameWords = (name: string): string[] =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .map((word) => word.toLowerCase())
    .filter((word) => word.length > 0);

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** `phrase` occurs in `text` as whole words (both lower case); indexOf keeps a long prompt cheap. */
const mentions = (text: string, phrase: string): boolean => {
  for (let at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + 1)) {
    const before = text[at - 1];
    const after = text[at + phrase.length];
    if ((before === undefined || !WORD_CHAR.test(before)) && (after === undefined || !WORD_CHAR.test(after))) return true;
  }
  return false;
};

/**
 * The prompt names the tool: its name (`get_weather`), its words (`get weather`) or its last word
 * when that is a real word (`weather`, three letters or more).
 */
const asksFor = (prompt: string, tool: ToolDefinition): boolean => {
  const words = nameWords(tool.function.name);
  const last = words.at(-1) ?? '';
  const phrases = [tool.function.name.toLowerCase(), words.join(' '), ...(words.length > 1 && last.length >= 3 ? [last] : [])];
  return phrases.some((phrase) => phrase.length > 0 && mentions(prompt, phrase));
};

/** "Use a tool", "call your tools", "use the tools": the first tool, when none is named. */
const ASKS_FOR_ANY_TOOL = /\b(use|call|invoke|run)\b[^.?!\n]{0,40}\btools?\b/i;

/** The last message is a tool result: the model has what it asked for. */
const answeredByTools = (request: ChatRequest): boolean => request.messages.at(-1)?.role === 'tool';

/**
 * The tools the mock calls for `prompt` (the last user message), in the order they are offered:
 * - none without tools, with `tool_choice: "none"`;
 * - the named tool with `tool_choice: {type: "function", ...}`;
 * - with `"required"`, the tools the prompt names, else the first;
 * - with `"auto"` (the default), the tools the prompt names (or the first if it asks to use a
 *   tool), unless the last message is already a tool result: then the model answers in text.
 * `parallel_tool_calls: false` keeps one call.
 */
export const toolsToCall = (request: ChatRequest, prompt: string): ToolDefinition[] => {
  const tools = request.tools ?? [];
  const choice = request.tool_choice ?? 'auto';
  if (tools.length === 0 || choice === 'none') return [];
  if (typeof choice === 'object') return tools.filter((tool) => tool.function.name === choice.function.name).slice(0, 1);
  if (choice === 'auto' && answeredByTools(request)) return [];
  const text = prompt.toLowerCase();
  let chosen = tools.filter((tool) => asksFor(text, tool));
  if (chosen.length === 0 && (choice === 'required' || ASKS_FOR_ANY_TOOL.test(prompt))) chosen = tools.slice(0, 1);
  return request.parallel_tool_calls === false ? chosen.slice(0, 1) : chosen;
};

/**
 * The tool results after the assistant's last tool calls, as `name returned: result` clauses
 * (undefined when the last message is not a tool result).
 */
export const toolResultsText = (request: ChatRequest): string | undefined => {
  if (!answeredByTools(request)) return undefined;
  const names = new Map<string, string>();
  for (const message of request.messages) {
    if (message.role === 'assistant') for (const call of message.tool_calls ?? []) names.set(call.id, call.function.name);
  }
  const results: string[] = [];
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i];
    if (message?.role !== 'tool') break;
    const text = contentText(message.content).replace(/\s+/g, ' ').trim();
    const quoted = text.length > RESULT_QUOTE_CHARS ? `${text.slice(0, RESULT_QUOTE_CHARS)}...` : text;
    results.unshift(`${names.get(message.tool_call_id) ?? message.tool_call_id} returned: ${quoted}`);
  }
  return results.join('; ');
};

/** FNV-1a, 32 bits: a short stable id from text (not a security hash). */
const fnv1a = (text: string): string => {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
};

/**
 * A call id that is the same for the same request and differs between turns of a conversation,
 * choices and calls (clients match results to calls by id).
 */
export const mockCallId = (request: ChatRequest, tool: string, choice: number, call: number): ToolCall['id'] =>
  `call_mock_${fnv1a(`${request.messages.length}\u0000${JSON.stringify(request.messages.at(-1))}\u0000${tool}\u0000${choice}\u0000${call}`)}`;
