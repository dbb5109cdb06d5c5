import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { expect, test } from 'vitest';
import { chatRequestSchema } from '#shared/api/chat-request.ts';
import { parseConfig } from '#shared/config/load-config.ts';
import { complexityScore, tierForScore } from '#shared/routing/complexity.ts';
import { extractFeatures } from '#shared/routing/features.ts';

// The default scorer against 90 prompts labelled by a reviewer (30 per tier, traps included:
// long-but-simple, short-but-complex, keyword decoys, non-English). The weights were calibrated
// on this set, so this is in-sample accuracy: it guards against regressions, it does not
// promise the same accuracy on a company's own traffic.

interface LabelledPrompt {
  id: string;
  label: 'simple' | 'standard' | 'complex';
  request: Record<string, unknown>;
}

const TIERS = ['simple', 'standard', 'complex'] as const;

test('the default scorer classifies the labelled prompts as a reviewer would', async () => {
  // Prepare
  const prompts = JSON.parse(
    await readFile(resolve(import.meta.dirname, '../../../fixtures/routing-prompts.json'), 'utf8'),
  ) as LabelledPrompt[];
  const { tiers } = parseConfig({ models: [{ id: 'm', provider: 'mock' }] });

  // Act
  const results = prompts.map((prompt) => {
    const score = complexityScore(extractFeatures(chatRequestSchema.parse({ model: 'auto', ...prompt.request })));
    return { ...prompt, score, tier: tierForScore(score, tiers) };
  });

  // Assess
  const confusion = Object.fromEntries(TIERS.map((label) => [label, Object.fromEntries(TIERS.map((tier) => [tier, 0]))]));
  for (const result of results) {
    const row = confusion[result.label] as Record<string, number>;
    row[result.tier] = (row[result.tier] ?? 0) + 1;
  }
  const correct = results.filter((result) => result.tier === result.label).length;
  console.log(`routing accuracy: ${correct}/${results.length} (${((100 * correct) / results.length).toFixed(1)}%)`);
  console.table(confusion);
  for (const miss of results.filter((result) => result.tier !== result.label))
    console.log(`  ${miss.label} -> ${miss.tier} (${miss.score}) ${miss.id}`);

  expect(correct / results.length).toBeGreaterThanOrEqual(0.85);
  // Never two tiers off: a simple prompt on the premium model, or a complex one on the cheapest.
  expect(confusion.simple?.complex).toBe(0);
  expect(confusion.complex?.simple).toBe(0);
});
