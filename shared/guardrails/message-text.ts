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

/** Every piece of text of a message, in order. */
export const messageTexts = (message: ChatMessage): string[] => {
  const texts: string[] = [];
  mapMessageText(message, (text) => {
    texts.push(text);
    return text;
  });
  return texts;
};
