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

test('ARC-Easy rows drop the "Question:" prefix in every layout and keep every choice, never the gold index', async () => {
  // Prepare: enough rows for the seeded layout choice to use all four layouts.
  const rows = Array.from({ length: 24 }, (_, i) =>
    JSON.stringify({
      query: `Question: Which gas do plants take in, case ${'x'.repeat(i + 1)}?`,
      choices: ['oxygen', 'carbon dioxide', 'helium', 'neon'],
      gold: 1,
    }),
  );
  const ctx = context({
    'arc_easy.jsonl': `${rows.join('\n')}\n${JSON.stringify({ query: 'Question: ', choices: ['a', 'b'], gold: 0 })}\n`,
  });

  // Act
  const prompts = ((await examExtractors['arc-easy']?.(ctx)) ?? []).map((row) => row.messages[0]?.content ?? '');

  // Assess: the empty question is dropped; the one layout that writes its own "Question: " label is
  // the only one starting with it, and never twice.
  expect(prompts).toHaveLength(24);
  const labelled = prompts.filter((prompt) => prompt.startsWith('Question: '));
  expect(labelled.length).toBeGreaterThan(0);
  expect(labelled.length).toBeLessThan(24);
  for (const prompt of prompts) {
    expect(prompt).not.toContain('Question: Question:');
    expect(prompt).toMatch(/^(Question: )?Which gas/);
    for (const option of ['oxygen', 'carbon dioxide', 'helium', 'neon']) expect(prompt).toContain(option);
    expect(prompt).not.toMatch(/\d/);
  }
});

test('datasets that share items are one family, held out together', () => {
  expect(familyOf('mmlu-en')).toBe('mmlu');
  expect(familyOf('jmmlu')).toBe('mmlu');
  expect(familyOf('bbeh')).toBe('bbh');
  expect(familyOf('bbh-hard')).toBe('bbh');
  expect(familyOf('leetcode-easy')).toBe(familyOf('leetcode-hard'));
  expect(familyOf('arc-easy')).not.toBe(familyOf('mmlu-en'));
});
