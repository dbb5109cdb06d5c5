import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { chatRequestSchema } from '#shared/api/chat-request.ts';
import { complexitySchema, scoringSchema } from '#shared/config/routing-schema.ts';
import { ModelFileError } from '#shared/routing/classifier/complexity-model.ts';
import { loadComplexityScorer } from '#shared/routing/complexity-scorer.ts';
import { extractFeatures } from '#shared/routing/features.ts';
import { handMadeModel } from '#test/fixtures/routing-model.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');
const scoring = scoringSchema.parse(undefined);
const config = (overrides: Record<string, unknown> = {}) => complexitySchema.parse(overrides);
const files = (contents: Record<string, string>) => async (path: string) => {
  const text = contents[path];
  if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
  return text;
};

describe('loadComplexityScorer', () => {
  test('the heuristic scorer needs no file', async () => {
    // Act
    const scorer = await loadComplexityScorer(config({ scorer: 'heuristic' }), scoring, { readText: files({}) });

    // Assess
    expect(scorer.name).toBe('heuristic');
    expect(scorer.thresholdForShare).toBeUndefined();
  });

  test('the learned scorer reads the model file relative to the base directory and is named by its version', async () => {
    // Act
    const scorer = await loadComplexityScorer(config({ model: 'models/m.json' }), scoring, {
      baseDir: '/srv/router',
      readText: files({ '/srv/router/models/m.json': JSON.stringify(handMadeModel({})) }),
    });

    // Assess
    expect(scorer.name).toBe('test-model');
    expect(scorer.thresholdForShare?.(0.4)).toBeCloseTo(0.6);
  });

  test.each([
    { name: 'a missing file', contents: {}, problem: /cannot be read \(ENOENT/ },
    { name: 'a file that is not JSON', contents: { '/r/models/m.json': '{"format":' }, problem: /not valid JSON/ },
    {
      name: 'a corrupt file',
      contents: { '/r/models/m.json': JSON.stringify({ ...handMadeModel({}), weightsSha256: 'f'.repeat(64) }) },
      problem: /checksum/,
    },
  ])('$name stops the start with a message naming the file', async ({ contents, problem }) => {
    // Act
    const act = loadComplexityScorer(config({ model: 'models/m.json' }), scoring, {
      baseDir: '/r',
      readText: files(contents as Record<string, string>),
    });

    // Assess
    await expect(act).rejects.toThrow(ModelFileError);
    await expect(act).rejects.toThrow(/The routing model models\/m\.json cannot be used/);
    await expect(act).rejects.toThrow(problem);
  });

  test('with onModelError heuristic, a missing file falls back to the heuristic and says why', async () => {
    // Prepare
    const onWarning = vi.fn();

    // Act
    const scorer = await loadComplexityScorer(config({ model: 'models/m.json', onModelError: 'heuristic' }), scoring, {
      baseDir: '/r',
      readText: files({}),
      onWarning,
    });

    // Assess
    expect(scorer.name).toBe('heuristic');
    expect(onWarning).toHaveBeenCalledOnce();
    expect(onWarning.mock.calls[0]?.[0]).toMatch(/cannot be read .*; routing with the heuristic scorer instead$/);
  });

  test('the shipped model loads from the project and tells a greeting from a proof', async () => {
    // Act
    const scorer = await loadComplexityScorer(config(), scoring, { baseDir: ROOT, readText: (path) => readFile(path, 'utf8') });
    const scoreOf = (text: string) => {
      const request = chatRequestSchema.parse({ model: 'auto', messages: [{ role: 'user', content: text }] });
      return scorer.score(request, extractFeatures(request));
    };

    // Assess
    expect(scorer.name).toBe('complexity-v3');
    expect(scoreOf('Prove that there are infinitely many primes of the form 4k+3.')).toBeGreaterThan(scoreOf('hi! how are you?'));
  });
});
