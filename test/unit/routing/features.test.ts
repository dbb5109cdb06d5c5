import { describe, expect, test } from 'vitest';
import { chatRequestSchema } from '#shared/api/chat-request.ts';
import { extractFeatures, type RequestFeatures, requiredCapabilities } from '#shared/routing/features.ts';

const features = (fields: Record<string, unknown>) => extractFeatures(chatRequestSchema.parse({ model: 'auto', ...fields }));

const user = (content: unknown) => ({ role: 'user', content });

describe('extractFeatures', () => {
  test('a plain question has only its size and one turn', () => {
    // Act
    const result = features({ messages: [user('What time is it?')] });

    // Assess
    expect(result).toEqual({
      promptTokens: 11,
      requestedOutputTokens: undefined,
      turns: 1,
      codeBlocks: 0,
      mathSignals: 0,
      reasoningSignals: 0,
      hasTools: false,
      hasImages: false,
      wantsJson: false,
      lastUserChars: 16,
    });
  });

  test('counts user turns and measures the last user message', () => {
    // Act
    const result = features({
      messages: [
        { role: 'system', content: 'Be brief.' },
        user('first question'),
        { role: 'assistant', content: 'an answer' },
        user('second'),
      ],
    });

    // Assess
    expect(result.turns).toBe(2);
    expect(result.lastUserChars).toBe(6);
  });

  test.each([
    { name: 'max_tokens', fields: { max_tokens: 300 }, expected: 300 },
    { name: 'max_completion_tokens over max_tokens', fields: { max_tokens: 300, max_completion_tokens: 50 }, expected: 50 },
  ])('the requested output comes from $name', ({ fields, expected }) => {
    // Act
    const result = features({ messages: [user('hi')], ...fields });

    // Assess
    expect(result.requestedOutputTokens).toBe(expected);
  });

  test('counts fenced code blocks', () => {
    // Act
    const result = features({ messages: [user('Fix these:\n```\nfoo\n```\nand\n```\nbar\n```')] });

    // Assess
    expect(result.codeBlocks).toBe(2);
  });

  test('three lines that look like code count as one code block without fences', () => {
    // Act
    const result = features({ messages: [user('Why does this fail?\nimport os\ndef main():\n    return os.getcwd()')] });

    // Assess
    expect(result.codeBlocks).toBe(1);
  });

  // Regression: the code-sign count runs over the fenced code too, so one fenced snippet of three code
  // lines counts as two code blocks (and raises the complexity score as if there were two).
  test('one fenced block of code counts as one code block', () => {
    // Act
    const result = features({ messages: [user('Why?\n```\nimport os\ndef main():\n    return os.getcwd()\n```')] });

    // Assess
    expect(result.codeBlocks).toBe(1);
  });

  test('counts maths signals anywhere in the conversation', () => {
    // Act
    const result = features({
      messages: [{ role: 'system', content: 'Use \\frac for fractions.' }, user('Prove the theorem that 2^3 = 8.')],
    });

    // Assess
    expect(result.mathSignals).toBe(4);
  });

  test('counts reasoning signals only in the last user message', () => {
    // Act
    const earlier = features({
      messages: [user('Analyze and compare these.'), { role: 'assistant', content: 'Done.' }, user('ok')],
    });
    const last = features({
      messages: [user('ok'), { role: 'assistant', content: 'Done.' }, user('Analyze and compare these.')],
    });

    // Assess
    expect(earlier.reasoningSignals).toBe(0);
    expect(last.reasoningSignals).toBe(2);
  });

  test('notices tools, images and a JSON response format', () => {
    // Act
    const result = features({
      messages: [
        user([
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
        ]),
      ],
      tools: [{ type: 'function', function: { name: 'lookup' } }],
      response_format: { type: 'json_object' },
    });

    // Assess
    expect(result.hasTools).toBe(true);
    expect(result.hasImages).toBe(true);
    expect(result.wantsJson).toBe(true);
  });

  test('an empty tools list is no tools, and a text response format is not JSON', () => {
    // Act
    const result = features({ messages: [user('hi')], tools: [], response_format: { type: 'text' } });

    // Assess
    expect(result.hasTools).toBe(false);
    expect(result.wantsJson).toBe(false);
  });
});

describe('requiredCapabilities', () => {
  const base: RequestFeatures = {
    promptTokens: 10,
    requestedOutputTokens: undefined,
    turns: 1,
    codeBlocks: 0,
    mathSignals: 0,
    reasoningSignals: 0,
    hasTools: false,
    hasImages: false,
    wantsJson: false,
    lastUserChars: 2,
    language: 'en',
  };

  test.each([
    { name: 'nothing', fields: {}, expected: [] },
    { name: 'tools', fields: { hasTools: true }, expected: ['tools'] },
    { name: 'images', fields: { hasImages: true }, expected: ['vision'] },
    { name: 'JSON', fields: { wantsJson: true }, expected: ['json'] },
    { name: 'everything', fields: { hasTools: true, hasImages: true, wantsJson: true }, expected: ['tools', 'vision', 'json'] },
  ])('a request needing $name requires $expected', ({ fields, expected }) => {
    // Assess
    expect(requiredCapabilities({ ...base, ...fields })).toEqual(expected);
  });
});
