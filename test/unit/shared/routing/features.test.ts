import { describe, expect, test } from 'vitest';
import { chatRequestSchema } from '#shared/api/chat-request.ts';
import { guardrailPolicySchema } from '#shared/config/guardrails-schema.ts';
import type { ModelConfig } from '#shared/config/schema.ts';
import { compilePolicy } from '#shared/guardrails/compiled-policy.ts';
import { guardInput } from '#shared/guardrails/input-guard.ts';
import {
  extractFeatures,
  type RequestFeatures,
  requiredCapabilities,
  servesTask,
  taskOf,
  taskRefusal,
  withTask,
} from '#shared/routing/features.ts';

const features = (fields: Record<string, unknown>) => extractFeatures(chatRequestSchema.parse({ model: 'auto', ...fields }));

const user = (content: unknown) => ({ role: 'user', content });

describe('extractFeatures', () => {
  test('a plain question has its size, one turn and nothing else', () => {
    // Act
    const result = features({ messages: [user('Where is Paris?')] });

    // Assess: 3 + 4 + 4 (three words and a symbol, 3.6) prompt tokens.
    expect(result).toEqual({
      promptTokens: 11,
      requestedOutputTokens: undefined,
      turns: 1,
      codeBlocks: 0,
      mathSignals: 0,
      complexIntent: 0,
      contentIntent: 0,
      simpleIntent: 0,
      taskChars: 15,
      hasTools: false,
      hasImages: false,
      wantsJson: false,
      lastUserChars: 15,
      language: 'en',
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
    expect(result.taskChars).toBe(6);
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

  test.each([
    { text: 'Prove that the algorithm is optimal', complex: 3, content: 0, simple: 0 },
    { text: 'Write an email to my landlord', complex: 0, content: 2, simple: 0 },
    { text: 'Explain the race condition in this function', complex: 1, content: 2, simple: 0 },
    { text: 'Translate this to French', complex: 0, content: 0, simple: 1 },
    { text: 'What time is it?', complex: 0, content: 0, simple: 1 },
    { text: 'hi', complex: 0, content: 0, simple: 1 },
    // A greeting counts only at the start of the message.
    { text: 'Say hi to Bob', complex: 0, content: 0, simple: 0 },
    { text: '请证明这个算法的复杂度', complex: 3, content: 0, simple: 0 },
    { text: 'Where is Paris?', complex: 0, content: 0, simple: 0 },
  ])('"$text" has $complex complex, $content content and $simple simple task words', ({ text, complex, content, simple }) => {
    // Act
    const result = features({ messages: [user(text)] });

    // Assess
    expect([result.complexIntent, result.contentIntent, result.simpleIntent]).toEqual([complex, content, simple]);
  });

  test('counts task words only in the last user message', () => {
    // Act
    const earlier = features({
      messages: [user('Prove the theorem and write the summary.'), { role: 'assistant', content: 'Done.' }, user('ok')],
    });
    const last = features({
      messages: [user('ok'), { role: 'assistant', content: 'Done.' }, user('Prove the theorem and write the summary.')],
    });

    // Assess
    expect([earlier.complexIntent, earlier.contentIntent, earlier.simpleIntent]).toEqual([0, 0, 1]);
    expect([last.complexIntent, last.contentIntent, last.simpleIntent]).toEqual([2, 2, 0]);
  });

  test('the task leaves out fenced code: its words are not task words and its characters not task characters', () => {
    // Act
    const result = features({ messages: [user('Review this:\n```\n// prove the algorithm is optimal\nfunction f() {}\n```')] });

    // Assess: the task is 'Review this:\n' and the space that replaces the block.
    expect(result.complexIntent).toBe(0);
    expect(result.contentIntent).toBe(1);
    expect(result.taskChars).toBe(14);
    expect(result.lastUserChars).toBe(70);
  });

  test('a long message’s task is its first and last 500 characters; pasted material in between is ignored', () => {
    // Prepare: 1,447 characters, with task words only in the middle.
    const text = `Summarize this log.\n${'.'.repeat(700)}prove the theorem${'.'.repeat(700)}\nBe brief.`;

    // Act
    const result = features({ messages: [user(text)] });

    // Assess: 500 + a newline + 500 characters; the maths signs still count over the whole message.
    expect(result.lastUserChars).toBe(1_447);
    expect(result.taskChars).toBe(1_001);
    expect(result.complexIntent).toBe(0);
    expect(result.contentIntent).toBe(1);
    expect(result.mathSignals).toBe(2);
  });

  test.each([
    { chars: 1_250, taskChars: 1_250 },
    { chars: 1_251, taskChars: 1_001 },
  ])('a message of $chars characters has $taskChars task characters', ({ chars, taskChars }) => {
    // Act
    const result = features({ messages: [user(`Summarize this: ${'.'.repeat(chars - 16)}`)] });

    // Assess
    expect(result.lastUserChars).toBe(chars);
    expect(result.taskChars).toBe(taskChars);
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

  test('code in earlier messages does not count', () => {
    // Act
    const result = features({
      messages: [user('Fix this:\n```\nimport os\n```'), { role: 'assistant', content: '```\nimport sys\n```' }, user('thanks')],
    });

    // Assess
    expect(result.codeBlocks).toBe(0);
  });

  test.each([
    { text: '\\frac{1}{2} + \\sum', signals: 2 },
    { text: '∀x ∃y', signals: 2 },
    { text: 'Is the matrix invertible? Find its eigenvalues.', signals: 2 },
    { text: 'Compute 17 mod 5', signals: 1 },
    // Plain arithmetic is not maths in this sense.
    { text: '3 + 4 * 2 = 14', signals: 0 },
  ])('"$text" has $signals maths signals', ({ text, signals }) => {
    // Act
    const result = features({ messages: [user(text)] });

    // Assess
    expect(result.mathSignals).toBe(signals);
  });

  test('counts maths signals only in the last user message', () => {
    // Act
    const result = features({
      messages: [{ role: 'system', content: 'Use \\frac for fractions.' }, user('Prove the theorem that 2^3 = 8.')],
    });

    // Assess: prove and theorem; neither the system message’s \frac nor 2^3 counts.
    expect(result.mathSignals).toBe(2);
  });

  test.each([
    { text: 'What is the capital of France?', language: 'en' },
    { text: 'Bonjour, comment ça va?', language: 'latin' },
    { text: '请证明这个算法的复杂度', language: 'cjk' },
    { text: 'Привет, как дела?', language: 'cyrillic' },
  ])('detects the language of the last user message: $language', ({ text, language }) => {
    // Act
    const result = features({ messages: [user('hello there, how are you?'), { role: 'assistant', content: 'ok' }, user(text)] });

    // Assess
    expect(result.language).toBe(language);
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
    complexIntent: 0,
    contentIntent: 0,
    simpleIntent: 0,
    taskChars: 2,
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

describe('tasks: requests of other APIs served through the chat pipeline', () => {
  const embedding = (...inputs: string[]) =>
    withTask(chatRequestSchema.parse({ model: 'embed', messages: inputs.map((content) => user(content)) }), 'embeddings');

  test('a route marks its request and routing reads the mark; chat requests have none', () => {
    // Act
    const marked = embedding('hello');
    const plain = chatRequestSchema.parse({ model: 'auto', messages: [user('hello')] });

    // Assess
    expect(taskOf(marked)).toBe('embeddings');
    expect(extractFeatures(marked).task).toBe('embeddings');
    expect(taskOf(plain)).toBeUndefined();
    expect(extractFeatures(plain)).not.toHaveProperty('task');
  });

  test('a client cannot set the mark in a JSON body, and the mark never reaches an upstream', () => {
    // Act
    const forged = chatRequestSchema.parse({ model: 'auto', messages: [user('hi')], router_task: 'embeddings' });

    // Assess
    expect(taskOf(forged)).toBeUndefined();
    expect(JSON.parse(JSON.stringify(embedding('hello')))).not.toHaveProperty('router_task');
  });

  test('the mark survives the input guardrails rewriting the request', () => {
    // Prepare
    const policy = guardrailPolicySchema.parse({ input: { pii: { email: 'redact' } } });
    const request = embedding('write to jane@example.com');

    // Act
    const { chat } = guardInput(
      request,
      { features: { promptTokens: 10 }, model: { id: 'embed', contextWindow: 8_000 } },
      policy,
      compilePolicy(policy),
    );

    // Assess
    expect(chat).not.toBe(request);
    expect(chat.messages[0]?.content).toBe('write to [EMAIL_1]');
    expect(taskOf(chat)).toBe('embeddings');
  });

  test('embedding inputs are counted as texts, without the framing of chat turns', () => {
    // Act
    const inputs = extractFeatures(embedding('Where is Paris?', 'Where is Paris?'));
    const turns = extractFeatures(chatRequestSchema.parse({ model: 'auto', messages: [user('Where is Paris?')] }));

    // Assess: 3 + 4 + 4 for one chat turn (see above); 4 tokens per input.
    expect(turns.promptTokens).toBe(11);
    expect(inputs.promptTokens).toBe(8);
    expect(requiredCapabilities(inputs)).toEqual(['embeddings']);
  });

  type Model = Pick<ModelConfig, 'id' | 'provider' | 'capabilities'>;
  const EMBED: Model = { id: 'embed', provider: 'openai', capabilities: ['embeddings'] };
  const CHAT_OPENAI: Model = { id: 'gpt', provider: 'openai', capabilities: ['tools'] };
  const CHAT_MOCK: Model = { id: 'mock', provider: 'mock', capabilities: [] };
  const plain = features({ messages: [user('hi')] });
  const task = (name?: 'embeddings' | 'completions'): RequestFeatures => ({ ...plain, ...(name ? { task: name } : {}) });

  test.each([
    { model: EMBED, task: 'embeddings', serves: true, refusal: undefined },
    { model: CHAT_OPENAI, task: 'embeddings', serves: false, refusal: /does not create embeddings/ },
    { model: EMBED, task: undefined, serves: false, refusal: /is an embeddings model; use \/v1\/embeddings/ },
    { model: EMBED, task: 'completions', serves: false, refusal: /is an embeddings model/ },
    { model: CHAT_OPENAI, task: 'completions', serves: true, refusal: undefined },
    {
      model: CHAT_MOCK,
      task: 'completions',
      serves: false,
      refusal: /\(mock\) has no legacy completions endpoint; use \/v1\/chat\/completions/,
    },
    { model: CHAT_MOCK, task: undefined, serves: true, refusal: undefined },
  ] as const)('$model.id for $task: serves $serves', ({ model, task: name, serves, refusal }) => {
    // Act
    const features = task(name);

    // Assess: embeddings are required as a capability, the rest here.
    expect(servesTask(model, features) && requiredCapabilities(features).every((need) => model.capabilities.includes(need))).toBe(
      serves,
    );
    if (refusal === undefined) expect(taskRefusal(model, features)).toBeUndefined();
    else expect(taskRefusal(model, features)).toMatch(refusal);
  });
});
