import type { ChatMessage } from '../api/chat-request.ts';

/**
 * Applies `transform` to every piece of text a message carries (string content and text parts),
 * returning a new message only when something changed. Images and other parts pass untouched.
 */
export const mapMessageText = (message: ChatMessage, transform: (text: string) => string): ChatMessage => {
  const content = message.content;
  if (typeof content === 'string') {
    const next = transform(content);
    return next === content ? message : ({ ...message, content: next } as ChatMessage);
  }
  if (!Array.isArray(content)) return message;
  let changed = false;
  const parts = content.map((part) => {
    if (part.type !== 'text') return part;
    const next = transform(part.text);
    if (next === part.text) return part;
    changed = true;
    return { ...part, text: next };
  });
  return changed ? ({ ...message, content: parts } as ChatMessage) : message;
};

/** The arguments of an assistant message's tool calls, through `transform` (a new message only if changed). */
export const mapToolCallArguments = (message: ChatMessage, transform: (text: string) => string): ChatMessage => {
  if (message.role !== 'assistant' || !message.tool_calls) return message;
  let changed = false;
  const calls = message.tool_calls.map((call) => {
    const next = transform(call.function.arguments);
    if (next === call.function.arguments) return call;
    changed = true;
    return { ...call, function: { ...call.function, arguments: next } };
  });
  return changed ? ({ ...message, tool_calls: calls } as ChatMessage) : message;
};

export const toolCallArguments = (message: ChatMessage): string[] =>
  message.role === 'assistant' && message.tool_calls ? message.tool_calls.map((call) => call.function.arguments) : [];

/** Every piece of text of a message, in order. */
export const messageTexts = (message: ChatMessage): string[] => {
  const texts: string[] = [];
  mapMessageText(message, (text) => {
    texts.push(text);
    return text;
  });
  return texts;
};
