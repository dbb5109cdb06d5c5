import { describe, expect, test } from 'vitest';
import { chatRequestSchema } from '#shared/api/chat-request.ts';

const base = { model: 'auto', messages: [{ role: 'user', content: 'hi' }] };
const tool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } };

describe('chatRequestSchema', () => {
  test('keeps unknown fields for OpenAI-compatible upstreams', () => {
    expect(chatRequestSchema.parse({ ...base, vendor_flag: { a: 1 } })).toMatchObject({ vendor_flag: { a: 1 } });
  });

  test('accepts a tool_choice that names a defined tool', () => {
    expect(
      chatRequestSchema.safeParse({
        ...base,
        tools: [tool],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
      }).success,
    ).toBe(true);
  });

  test.each([
    { name: 'an unknown tool', extra: { tools: [tool], tool_choice: { type: 'function', function: { name: 'delete_all' } } } },
    { name: 'no tools at all', extra: { tool_choice: { type: 'function', function: { name: 'get_weather' } } } },
  ])('refuses a tool_choice naming $name', ({ extra }) => {
    // Act
    const result = chatRequestSchema.safeParse({ ...base, ...extra });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['tool_choice', 'tool_choice names a function that is not in tools'],
    ]);
  });

  test.each([
    { name: 'an assistant message without content or tool calls', messages: [{ role: 'assistant' }] },
    { name: 'a tool message without tool_call_id', messages: [{ role: 'tool', content: 'x' }] },
    { name: 'an unknown role', messages: [{ role: 'robot', content: 'x' }] },
    { name: 'an image part without url', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] },
  ])('refuses $name', ({ messages }) => {
    expect(chatRequestSchema.safeParse({ model: 'auto', messages }).success).toBe(false);
  });
});

describe('output caps', () => {
  test('max_tokens and max_completion_tokens together become one cap, the smaller, as max_completion_tokens', () => {
    // Act
    const request = chatRequestSchema.parse({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 5_000,
      max_completion_tokens: 4_000,
    });

    // Assess
    expect(request.max_completion_tokens).toBe(4_000);
    expect(request).not.toHaveProperty('max_tokens');
  });

  test('a model name is at most 256 characters', () => {
    // Act
    const result = chatRequestSchema.safeParse({ model: 'm'.repeat(257), messages: [{ role: 'user', content: 'hi' }] });

    // Assess
    expect(result.success).toBe(false);
  });
});
