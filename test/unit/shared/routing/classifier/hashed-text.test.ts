import { describe, expect, test } from 'vitest';
import { hashCharNgrams, hashWords } from '#shared/routing/classifier/hashed-text.ts';

const DIMS = 1 << 16;
const words = (text: string, namespace: 'taskWords' | 'systemWords' = 'taskWords'): number[] => {
  const buckets: number[] = [];
  hashWords(text, namespace, DIMS, (bucket) => buckets.push(bucket));
  return buckets;
};
const chars = (text: string): number[] => {
  const buckets: number[] = [];
  hashCharNgrams(text, 'taskChars', DIMS, (bucket) => buckets.push(bucket));
  return buckets;
};

describe('hashWords', () => {
  test('visits each word and each adjacent pair, and says how many', () => {
    // Act
    const buckets: number[] = [];
    const count = hashWords('prove the bound', 'taskWords', DIMS, (bucket) => buckets.push(bucket));

    // Assess: 3 words + 2 pairs.
    expect(count).toBe(5);
    expect(buckets).toHaveLength(5);
    expect(buckets.every((bucket) => bucket >= 0 && bucket < DIMS)).toBe(true);
  });

  test('case, punctuation and the value of numbers do not matter; words and order do', () => {
    // Assess
    expect(words('Sort 12 numbers!')).toEqual(words('sort 47 numbers'));
    expect(words('sort numbers')).not.toEqual(words('numbers sort'));
    expect(words('sort numbers')).not.toEqual(words('sort letters'));
  });

  test('the namespace separates the same words in the task and the system prompt', () => {
    // Assess
    expect(words('be concise', 'taskWords')).not.toEqual(words('be concise', 'systemWords'));
  });

  test('each CJK character is a word of its own', () => {
    // Act
    const count = hashWords('证明定理', 'taskWords', DIMS, () => undefined);

    // Assess: 4 characters + 3 pairs.
    expect(count).toBe(7);
  });

  test('an empty or punctuation-only text visits nothing', () => {
    // Assess
    expect(words('')).toEqual([]);
    expect(words(' ?! … ')).toEqual([]);
  });
});

describe('hashCharNgrams', () => {
  test('visits the 3-, 4- and 5-grams of the text padded with spaces', () => {
    // Act: " ab " has 4 characters: two 3-grams and one 4-gram.
    const count = hashCharNgrams('ab', 'taskChars', DIMS, () => undefined);

    // Assess
    expect(count).toBe(3);
  });

  test('runs of punctuation and spaces collapse to one space; case and digits fold', () => {
    // Assess
    expect(chars('Hello,   World 1')).toEqual(chars('hello world 9'));
    expect(chars('hello world')).not.toEqual(chars('hello there'));
  });

  test('is deterministic', () => {
    // Assess
    expect(chars('the same text')).toEqual(chars('the same text'));
  });
});
