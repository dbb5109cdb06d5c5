import { describe, expect, test } from 'vitest';
import { type ChatRequest, chatRequestSchema } from '#shared/api/chat-request.ts';
import { estimatePromptTokens, estimateTextTokens, estimateUsage } from '#shared/tokens/estimate-tokens.ts';

const request = (messages: unknown[], fields: Record<string, unknown> = {}): ChatRequest =>
  chatRequestSchema.parse({ model: 'm', messages, ...fields });

/** 28 characters, 14 of them digits: an id or base64 run where BPE finds few merges. */
const BLOB = 'A1B2C3D4E5F6G7H8I9J0K1L2M3N4';
/** A 1x1 PNG in base64: 96 characters, 7 of them digits. */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe('estimateTextTokens', () => {
  // Each expectation is worked out from the pricing rules in the comment next to it.
  test.each([
    { text: '', tokens: 0 }, // nothing at all
    { text: 'a', tokens: 1 }, // one word
    { text: 'abcd', tokens: 1 }, // one word under 8 letters
    { text: 'abcde', tokens: 1 }, // still one word, not chars / 4
    { text: 'abcdefgh', tokens: 2 }, // 1 + floor(8 / 8)
    { text: 'abcdefghijklmnopqrstuvwxyz', tokens: 4 }, // 1 + floor(26 / 8): long, but no digits, so not a blob
    { text: 'Hello, world!', tokens: 4 }, // 2 words + 2 single symbols: 2 + 0.6 + 0.6 = 3.2
    { text: 'getUserById', tokens: 4 }, // 1 + floor(11 / 8) + 0.5 * 3 inner capitals = 3.5
    { text: 'parseHTTPResponse', tokens: 4 }, // 1 + floor(17 / 8) + 0.5 * 1: capitals after capitals are not inner
    { text: '7', tokens: 1 }, // ceil(1 / 3)
    { text: '2024', tokens: 2 }, // ceil(4 / 3)
    { text: '1234567', tokens: 3 }, // ceil(7 / 3)
    { text: '!==', tokens: 2 }, // 0.6 + 0.4 * 2 = 1.4
    { text: '=> {}', tokens: 2 }, // two symbol runs of 2: 1 + 1
    { text: 'a\n\n\nb', tokens: 3 }, // a run of newlines is one token between two words
    { text: '你好', tokens: 2 }, // 2 * 0.75 = 1.5
    { text: '你好世界', tokens: 3 }, // 4 * 0.75
    { text: 'こんにちは', tokens: 4 }, // 5 * 0.75 = 3.75
    { text: '안녕하세요', tokens: 4 }, // 5 * 0.75 = 3.75
    { text: '你好ab', tokens: 3 }, // 1.5 + 1
    { text: '你好abcde', tokens: 3 }, // 1.5 + 1
    { text: 'مرحبا', tokens: 2 }, // an Arabic run of 5: 1 + floor(5 / 3)
    { text: 'สวัสดี', tokens: 3 }, // a Thai run of 6 code points: 1 + floor(6 / 3)
    { text: BLOB, tokens: 17 }, // 28 / 1.7 = 16.47
    { text: PNG_BASE64, tokens: 57 }, // 96 / 1.7 = 56.47
    { text: `key: ${BLOB} end`, tokens: 20 }, // 16.47 for the blob + key, ':' and end: 1 + 0.6 + 1
    { text: 'A1B2C3D4E5F6G7H8I9J0K1L2', tokens: 15 }, // exactly 24 characters with digits and capitals: 24 / 1.7 = 14.12
    { text: 'user_profile_2024_v2_backup_table', tokens: 11 }, // not a blob (underscores): words, symbols and digit runs (o200k: 9)
    { text: 'ab你好', tokens: 3 }, // the Latin word stops where the CJK starts: 1 + 0.75 + 0.75
    { text: 'A1B2C3D4E5F6G7H8I9J0K1L', tokens: 23 }, // 23 characters is no blob: 12 letters + 11 digit runs
  ])('$text -> $tokens', ({ text, tokens }) => {
    // Assess
    expect(estimateTextTokens(text)).toBe(tokens);
  });

  test('text up to 100,000 characters is counted in full', () => {
    // Prepare: 'abcd ' is one word, so 20,000 of them are 100,000 characters and 20,000 tokens.
    const text = 'abcd '.repeat(20_000);

    // Act
    const tokens = estimateTextTokens(text);

    // Assess
    expect(text.length).toBe(100_000);
    expect(tokens).toBe(20_000);
  });

  test.each([
    { repeats: 20_001, tokens: 20_001 },
    { repeats: 40_000, tokens: 40_000 },
    { repeats: 200_000, tokens: 200_000 },
  ])('a longer text is estimated from windows over it, scaled linearly: $repeats words', ({ repeats, tokens }) => {
    // Act
    const estimate = estimateTextTokens('abcd '.repeat(repeats));

    // Assess: windows may start inside a word, which then counts as one more (0.1 % at most).
    expect(Math.abs(estimate - tokens) / tokens).toBeLessThanOrEqual(0.001);
  });

  test('a longer text is sampled over its whole length, not its head', () => {
    // Prepare: 50,000 one-letter words (100,000 characters), then 100,000 CJK characters.
    const text = `${'a '.repeat(50_000)}${'你'.repeat(100_000)}`;

    // Act
    const tokens = estimateTextTokens(text);

    // Assess: 50,000 for the words and 75,000 for the CJK tail.
    expect(tokens).toBe(125_000);
  });

  test('whitespace padding cannot hide the text after it', () => {
    // Prepare: the attack from issue 14: 100,000 spaces, then 400 KB of English.
    const english = 'The quarterly report covers revenue, costs and the outlook for the next year. ';
    const text = `${' '.repeat(100_000)}${english.repeat(Math.ceil(400_000 / english.length))}`;

    // Act
    const tokens = estimateTextTokens(text);

    // Assess: o200k counts about 77,700; the estimate must be in that range, not a handful.
    expect(tokens).toBeGreaterThan(60_000);
    expect(tokens).toBeLessThan(90_000);
  });

  test.each([
    { name: 'CJK Extension B', text: '𠀀𠀁𠀂𠀃𠀄𠀅𠀆𠀇'.repeat(50), o200k: 1_200 },
    { name: 'emoji', text: '😀😃😄😁😆😅🤣😂'.repeat(50), o200k: 600 },
    { name: 'mathematical symbols', text: '∀∂∃∅∇∈∉∋∏∑√∝∞∠∧∨'.repeat(25), o200k: 700 },
    { name: 'spaces only', text: ' '.repeat(10_000), o200k: 79 },
  ])('$name are not priced far below o200k', ({ text, o200k }) => {
    // Act
    const tokens = estimateTextTokens(text);

    // Assess
    expect(tokens / o200k).toBeGreaterThan(0.8);
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

    // Assess: 3 + (4 + 1) + (4 + 1 + floor(8 / 8))
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

    // Assess: 'look{"q":1}' is look, '{"', q, '":', 1 and '}': 1 + 1 + 1 + 1 + 1 + 0.6, rounded up to 6.
    // 3 + (4 + 1) + (4 + 0 + 6 + 3) + (4 + 1)
    expect(tokens).toBe(26);
  });

  test('counts the tool definitions as their JSON', () => {
    // Prepare
    const tools = [{ type: 'function', function: { name: 'lookup' } }];
    const chat = request([{ role: 'user', content: 'abcd' }], { tools });

    // Act
    const tokens = estimatePromptTokens(chat);

    // Assess: [{"type":"function","function":{"name":"lookup"}}] is 5 words (type, name and lookup 1 each,
    // function 2 each: 7) and 6 symbol runs ('[{"' 1.4, '":"' 1.4, '","' 1.4, '":{"' 1.8, '":"' 1.4,
    // '"}}]' 1.8: 9.2), 16.2 rounded up to 17. 3 + (4 + 1) + 17
    expect(tokens).toBe(25);
  });

  test("counts a response format's JSON schema and a legacy completion's suffix: both are prompt the upstream reads", () => {
    // Prepare
    const essay = 'routers and models '.repeat(500);
    const schema = { type: 'object', properties: { answer: { type: 'string', description: essay } } };
    const plain = request([{ role: 'user', content: 'abcd' }]);
    const structured = request([{ role: 'user', content: 'abcd' }], {
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema } },
    });
    const withSuffix = request([{ role: 'user', content: 'abcd' }], { suffix: essay });

    // Act
    const base = estimatePromptTokens(plain);

    // Assess
    expect(estimatePromptTokens(structured) - base).toBeGreaterThanOrEqual(estimateTextTokens(essay));
    expect(estimatePromptTokens(withSuffix) - base).toBe(estimateTextTokens(essay));
  });
});

describe('estimateUsage', () => {
  test('is the prompt estimate and the completion text estimate, marked estimated', () => {
    // Act
    const usage = estimateUsage(request([{ role: 'user', content: 'abcd' }]), 'Hello, world!');

    // Assess
    expect(usage).toEqual({ promptTokens: 8, completionTokens: 4, cachedTokens: 0, estimated: true });
  });

  test('an empty completion counts no tokens', () => {
    // Act
    const usage = estimateUsage(request([{ role: 'user', content: 'abcd' }]), '');

    // Assess
    expect(usage.completionTokens).toBe(0);
  });
});
