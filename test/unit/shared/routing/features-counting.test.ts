import { describe, expect, test } from 'vitest';
// A seeded generator (mulberry32, the trainer's), so a failure replays.
import { seededRandom as random } from '#scripts/routing-model/logistic.ts';
import { type ChatRequest, chatRequestSchema } from '#shared/api/chat-request.ts';
import {
  CODE_FENCE,
  CODE_SIGNS,
  countMatches,
  extractFeatures,
  FENCED_BLOCK,
  MATH_SIGNS,
  type RequestFeatures,
  taskText,
} from '#shared/routing/features.ts';
import { COMPLEX_INTENT, CONTENT_INTENT, SIMPLE_INTENT } from '#shared/routing/intent-lexicon.ts';

// The shipped routing model was trained on features counted with `text.match(pattern).length`.
// `countMatches` counts without the match array; this is the first way, kept as the reference,
// and random texts heavy in what the patterns look for must count alike.

const oldCount = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

/** The counted features as they were first computed, from the last user message. */
const oracle = (lastUser: string): Partial<RequestFeatures> => {
  const task = taskText(lastUser);
  return {
    codeBlocks:
      Math.floor(oldCount(lastUser, CODE_FENCE) / 2) + (oldCount(lastUser.replace(FENCED_BLOCK, ''), CODE_SIGNS) >= 3 ? 1 : 0),
    mathSignals: oldCount(lastUser, MATH_SIGNS),
    complexIntent: oldCount(task, COMPLEX_INTENT),
    contentIntent: oldCount(task, CONTENT_INTENT),
    simpleIntent: oldCount(task, SIMPLE_INTENT),
  };
};

/** The words and phrases of a pattern's source: its alternatives, without the regex syntax. */
const wordsOf = (pattern: RegExp): string[] =>
  pattern.source
    .replace(/\\[bdsw]|\\p\{\w+\}|\.\{\d+,\d+\}|[()?*+|^$]|\[[^\]]*\]/g, '|')
    .split('|')
    .map((word) => word.replaceAll('\\', ''))
    .filter((word) => word.trim().length > 1);

const PATTERN_WORDS = [
  ...wordsOf(COMPLEX_INTENT),
  ...wordsOf(CONTENT_INTENT),
  ...wordsOf(SIMPLE_INTENT),
  ...wordsOf(CODE_SIGNS),
  ...wordsOf(MATH_SIGNS),
  // What the patterns' classes and escapes stand for, and their neighbours.
  '\\frac',
  '\\sum',
  '\\int',
  '\\lim',
  '\\sqrt',
  'eigenvalues',
  'mod 7',
  'mod 12x',
  'is 42 a',
  'convert 3',
  "what's the port",
  'what does ok mean',
  'find my number',
  'big-o',
  'bigo',
];
/** Single characters: fences, code and math signs, spaces and line ends, digits, case folds, other scripts. */
const CHARACTERS = [
  ..."`{};\\$()_-'.,?!0123456789",
  ...'∫∑√≡ℝℕℤ∀∃≤≥',
  ' ',
  ' ',
  '\n',
  '\n',
  '\t',
  '\r',
  '\r\n',
  '\u2028',
  '\u2029',
  '\u00a0',
  '\u3000',
  '```',
  '```',
  ';\n',
  '{\n',
  '}\n',
  // Case folds: long s and the Kelvin sign are `s` and `k` to a `u` and `i` pattern only.
  'ſ',
  'K',
  'İ',
  'É',
  // CJK and Cyrillic near the lexicon's words, surrogate pairs (emoji, CJK Extension B), lone halves.
  '证',
  '明',
  '日本',
  'д',
  '😀',
  '𠀀',
  '\ud83d',
  '\ude00',
  '\ufeff',
];

const lastUserTexts = (seed: number, count: number): string[] => {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const piece = (): string => {
    const roll = next();
    if (roll < 0.35) {
      const word = pick(PATTERN_WORDS);
      const cased = next();
      const spelt = cased < 0.15 ? word.toUpperCase() : cased < 0.3 ? word[0]?.toUpperCase() + word.slice(1) : word;
      return next() < 0.5 ? ` ${spelt} ` : spelt;
    }
    if (roll < 0.8) return pick(CHARACTERS);
    return pick(['a', 'x', 'z', 'é', 'word', 'the']);
  };
  return Array.from({ length: count }, () => {
    // Mostly short messages; some past the task cut (1250 characters), so edges are counted.
    const length = next() < 0.8 ? Math.floor(next() * 300) : 1200 + Math.floor(next() * 2500);
    let text = '';
    while (text.length < length) text += piece();
    return text;
  });
};

const request = (lastUser: string): ChatRequest =>
  chatRequestSchema.parse({
    model: 'auto',
    messages: [
      { role: 'user', content: 'an earlier turn with a proof ```code```' },
      { role: 'user', content: lastUser },
    ],
  });

describe('extractFeatures counts as String.match does', () => {
  test('on 5000 random messages heavy in what the patterns look for', () => {
    // Arrange
    const texts = lastUserTexts(1, 5000);
    const expected = texts.map(oracle);

    // Act
    const mismatches = texts.flatMap((text, index) => {
      const features = extractFeatures(request(text));
      const wanted = expected[index] as Partial<RequestFeatures>;
      const keys = Object.keys(wanted) as Array<keyof RequestFeatures>;
      return keys.some((key) => features[key] !== wanted[key]) ? [{ text, features, wanted }] : [];
    });

    // Assess: and that the texts exercise every count.
    expect(mismatches.slice(0, 3)).toEqual([]);
    for (const key of ['codeBlocks', 'mathSignals', 'complexIntent', 'contentIntent', 'simpleIntent'] as const) {
      expect(expected.filter((counts) => (counts[key] ?? 0) > 1).length, key).toBeGreaterThan(250);
    }
  });

  test('on a message given as content parts, and across calls (no lastIndex left behind)', () => {
    // Arrange
    const [first = '', second = ''] = lastUserTexts(2, 2);
    const parts = chatRequestSchema.parse({
      model: 'auto',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: first },
            { type: 'text', text: second },
          ],
        },
      ],
    });

    // Act
    const once = extractFeatures(parts);
    // As a caller's own exec() on the shared patterns would leave them: a count must start over.
    for (const pattern of [CODE_FENCE, CODE_SIGNS, MATH_SIGNS, COMPLEX_INTENT, CONTENT_INTENT, SIMPLE_INTENT]) {
      pattern.lastIndex = Math.floor(first.length / 2);
    }
    const again = extractFeatures(parts);

    // Assess
    expect(once).toMatchObject(oracle(first + second));
    expect(again).toEqual(once);
  });
});

describe('countMatches', () => {
  // Patterns that match the empty string, where String.match steps one code unit on, or one code
  // point in `u` and `v` mode; sticky ones stop at the first gap.
  const EMPTY_MATCHERS = [
    /a*/g,
    /a*/gu,
    /(?:)/g,
    /(?:)/gu,
    /(?:)/gv,
    /(?=b)/g,
    /a|(?=b)/g,
    /a|(?=b)/gu,
    /\b/g,
    /\b/giu,
    /$/gm,
    /^/gmu,
    /(?<=\p{L})/gu,
    /[^a]*/gu,
    /.?/gsu,
    /.?/gs,
    /a*/gy,
    /(?:)/guy,
  ];
  const ALPHABET = ['a', 'b', 'ab', ' ', '\n', '\u2028', '😀', '𠀀', '\ud83d', '\ude00', 'é', '证', 'ſ'];

  test('equals String.match, capped at the limit, for patterns that can match empty', () => {
    // Arrange
    const next = random(3);
    const texts = Array.from({ length: 2000 }, () => {
      let text = '';
      for (let length = Math.floor(next() * 20); length > 0; length--)
        text += ALPHABET[Math.floor(next() * ALPHABET.length)] as string;
      return text;
    });

    // Act
    const mismatches: string[] = [];
    for (const pattern of [...EMPTY_MATCHERS, CODE_FENCE, CODE_SIGNS, MATH_SIGNS, COMPLEX_INTENT, SIMPLE_INTENT]) {
      for (const text of texts) {
        const expected = oldCount(text, pattern);
        pattern.lastIndex = 5;
        if (countMatches(text, pattern) !== expected || countMatches(text, pattern, 2) !== Math.min(2, expected)) {
          mismatches.push(`${pattern} on ${JSON.stringify(text)}`);
        }
        if (pattern.lastIndex !== 0) mismatches.push(`${pattern} left lastIndex ${pattern.lastIndex}`);
      }
    }

    // Assess
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  test('refuses a pattern without the global flag, whose match() is not a list of matches', () => {
    // Act + Assess
    expect(() => countMatches('aaa', /a/)).toThrow(TypeError);
  });
});
