import { expect, test } from 'vitest';
import { examExtractors } from '#scripts/routing-data/extract-exams.ts';
import type { ExtractContext } from '#scripts/routing-data/extract-kit.ts';
import { seededRng } from '#scripts/routing-data/text.ts';
import { familyOf } from '#scripts/routing-model/cross-validate.ts';

const context = (files: Record<string, string>): ExtractContext => ({
  paths: Object.keys(files).sort(),
  bytes: (path) => Buffer.from(files[path] ?? ''),
  rng: seededRng('test'),
  gitDir: '',
  commit: '',
});

test('MMLU rows become a question with its four options, grouped by subject, never with the answer', async () => {
  // Prepare: MMLU's CSV has no header; the last column is the answer letter.
  const ctx = context({
    'data/mmlu/test/professional_law_test.csv':
      '"A buyer sued a seller, ""for breach"". Which is correct?",Option one,Option two,Option three,Option four,C\n' +
      'Incomplete row,only,three,D\n',
  });

  // Act
  const rows = await examExtractors['mmlu-en']?.(ctx);

  // Assess
  expect(rows).toHaveLength(1);
  const [row] = rows ?? [];
  expect(row?.group).toBe('professional_law');
  const prompt = row?.messages[0]?.content ?? '';
  expect(prompt).toContain('A buyer sued a seller, "for breach". Which is correct?');
  for (const option of ['Option one', 'Option two', 'Option three', 'Option four']) expect(prompt).toContain(option);
  const pieces = prompt.split(/\n|, | \/ | \(/).map((piece) =>
    piece
      .replace(/^[A-D][.)] /, '')
      .replace(/\)$/, '')
      .trim(),
  );
  expect(pieces).not.toContain('C');
});

test('ARC-Easy rows drop the "Question:" prefix and keep every choice but never the gold index', async () => {
  // Prepare
  const ctx = context({
    'arc_easy.jsonl': `${JSON.stringify({ query: 'Question: Which gas do plants take in?', choices: ['oxygen', 'carbon dioxide', 'helium', 'neon'], gold: 1 })}\n${JSON.stringify({ query: 'Question: ', choices: ['a', 'b'], gold: 0 })}\n`,
  });

  // Act
  const rows = await examExtractors['arc-easy']?.(ctx);

  // Assess
  expect(rows).toHaveLength(1);
  const prompt = rows?.[0]?.messages[0]?.content ?? '';
  expect(prompt.startsWith('Which gas do plants take in?') || prompt.startsWith('Question: Which gas')).toBe(true);
  expect(prompt).not.toContain('Question: Question:');
  for (const option of ['oxygen', 'carbon dioxide', 'helium', 'neon']) expect(prompt).toContain(option);
});

test('datasets that share items are one family, held out together', () => {
  expect(familyOf('mmlu-en')).toBe('mmlu');
  expect(familyOf('jmmlu')).toBe('mmlu');
  expect(familyOf('bbeh')).toBe('bbh');
  expect(familyOf('bbh-hard')).toBe('bbh');
  expect(familyOf('leetcode-easy')).toBe(familyOf('leetcode-hard'));
  expect(familyOf('arc-easy')).not.toBe(familyOf('mmlu-en'));
});
