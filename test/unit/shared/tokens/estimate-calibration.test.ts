import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { expect, test } from 'vitest';
import { estimateTextTokens } from '#shared/tokens/estimate-tokens.ts';

// The router estimates tokens without a tokenizer (an o200k table would be megabytes in the
// Lambda bundle). This test measures the estimate against OpenAI's o200k_base on a mixed corpus
// and prints the table, so a change to the estimator shows its effect.

test('the token estimate stays close to o200k_base across prose, code, data and scripts', async () => {
  // Prepare
  const corpus = JSON.parse(
    await readFile(resolve(import.meta.dirname, '../../../fixtures/token-corpus.json'), 'utf8'),
  ) as Record<string, string>;

  // Act
  const rows = Object.entries(corpus).map(([name, text]) => {
    const real = encode(text).length;
    const estimate = estimateTextTokens(text);
    return { name, real, estimate, ratio: Math.round((estimate / real) * 100) / 100 };
  });
  const real = rows.reduce((sum, row) => sum + row.real, 0);
  const estimate = rows.reduce((sum, row) => sum + row.estimate, 0);
  console.table([...rows, { name: 'total', real, estimate, ratio: Math.round((estimate / real) * 100) / 100 }]);

  // Assess: within 8% over the corpus, and no sample off by more than 30%.
  expect(estimate / real).toBeGreaterThan(0.92);
  expect(estimate / real).toBeLessThan(1.08);
  for (const row of rows) expect(row.ratio, row.name).toBeGreaterThan(0.7);
  for (const row of rows) expect(row.ratio, row.name).toBeLessThan(1.3);
});
