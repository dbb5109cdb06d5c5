import { describe, expect, test } from 'vitest';
import { type ChatRequest, chatRequestSchema } from '#shared/api/chat-request.ts';
import { estimatePromptTokens, estimateTextTokens, estimateUsage } from '#shared/usage/estimate-tokens.ts';

const request = (messages: unknown[], fields: Record<string, unknown> = {}): ChatRequest =>
  chatRequestSchema.parse({ model: 'm', messages, ...fields });

describe('estimateTextTokens', () => {
  test.each([
    { text: '', tokens: 0 },
    { text: 'a', tokens: 1 },
    { text: 'abcd', tokens: 1 },
    { text: 'abcde', tokens: 2 },
    { text: 'Hello, world!', tokens: 4 },
    { text: '你好', tokens: 2 },
    { text: '你好世界', tokens: 4 },
    { text: 'こんにちは', tokens: 5 },
    { text: '안녕하세요', tokens: 5 },
    { text: '你好ab', tokens: 3 },
    { text: '你好abcde', tokens: 4 },
  ])('$text -> $tokens', ({ text, tokens }) => {
    // Assess
    expect(estimateTextTokens(text)).toBe(tokens);
  });
});

describe('estimatePromptTokens', () => {
  test('adds 3 for the reply and 4 per message to the text', () => {
    // Act
    const tokens = estimatePromptTokens(
      request([
        { role: 'system', content: 'abcd' },
        { role: 'user', content: 'abcdabcd' },
      ]),
    );

    // Assess: 3 + (4 + 1) + (4 + 2)
    expect(tokens).toBe(14);
  });

  test.each([
    { detail: 'low', tokens: 3 + 4 + 85 },
    { detail: 'high', tokens: 3 + 4 + 765 },
    { detail: 'auto', tokens: 3 + 4 + 765 },
    { detail: undefined, tokens: 3 + 4 + 765 },
  ])('an image with detail $detail counts $tokens', ({ detail, tokens }) => {
    // Prepare
    const image = { type: 'image_url', image_url: { url: 'https://example.com/cat.png', ...(detail ? { detail } : {}) } };

    // Act
    const result = estimatePromptTokens(request([{ role: 'user', content: [image] }]));

    // Assess
    expect(result).toBe(tokens);
  });

  test('text parts next to an image are counted too, and audio counts 200', () => {
    // Act
    const tokens = estimatePromptTokens(
      request([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'abcdabcd' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
            { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
          ],
        },
      ]),
    );

    // Assess: 3 + 4 + 2 + 85 + 200
    expect(tokens).toBe(294);
  });

  test('counts an assistant’s tool calls and tool results', () => {
    // Act
    const tokens = estimatePromptTokens(
      request([
        { role: 'user', content: 'abcd' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'look', arguments: '{"q":1}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'abcd' },
      ]),
    );

    // Assess: 3 + (4 + 1) + (4 + 0 + ceil(11 / 4) + 3) + (4 + 1)
    expect(tokens).toBe(23);
  });

  test('counts the tool definitions as their JSON', () => {
    // Prepare
    const tools = [{ type: 'function', function: { name: 'lookup' } }];
    const chat = request([{ role: 'user', content: 'abcd' }], { tools });

    // Act
    const tokens = estimatePromptTokens(chat);

    // Assess
    expect(tokens).toBe(8 + Math.ceil(JSON.stringify(tools).length / 4));
  });
});

describe('estimateUsage', () => {
  test('is the prompt estimate and the completion text estimate, marked estimated', () => {
    // Act
    const usage = estimateUsage(request([{ role: 'user', content: 'abcd' }]), 'Hello, world!');

    // Assess
    expect(usage).toEqual({ promptTokens: 8, completionTokens: 4, cachedTokens: 0, estimated: true });
  });
});
