import type { OpenAIErrorBody } from '#shared/errors.ts';

/**
 * A route's error body for APIs whose inputs the router checks as chat messages (embeddings'
 * `input`, legacy completions' `prompt`): the input guardrails' and limits' errors name the
 * client's own field (`input[2]`, not `messages[2].content`). Nothing else changes.
 */
export const inputFieldErrors =
  (field: string, plural: string) =>
  (body: OpenAIErrorBody): OpenAIErrorBody => {
    const rename = (text: string): string =>
      text
        .replace(/\bmessages\[(\d+)\](\.content)?/g, `${field}[$1]`)
        .replace(/\bToo many messages\b/g, `Too many ${plural}`)
        .replace(/\bmessages\b/g, field);
    const { message, param } = body.error;
    return { error: { ...body.error, message: rename(message), param: param === null ? null : rename(param) } };
  };
