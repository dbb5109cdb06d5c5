import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chatRequestSchema } from '#shared/api/chat-request.ts';
import { createComplexityModel } from '#shared/routing/classifier/complexity-model.ts';
import { extractFeatures } from '#shared/routing/features.ts';
import { median } from './stats.ts';

// The learned routing model's budgets: file size, load time at cold start, and scoring time by
// prompt size (features included, as the router computes them per request).

const ROOT = resolve(import.meta.dirname, '..');
export const MODEL_FILE = join(ROOT, 'models', 'routing', 'complexity-v3.json');

const WORDS =
  'the router sends each request to a model that can serve it well at the lowest cost while keys limits and quotas hold explain why this design fails under load and prove the bound'.split(
    ' ',
  );

/** Deterministic English-like text of `chars` characters. */
const text = (chars: number): string => {
  let out = '';
  for (let i = 0; out.length < chars; i++) out += `${WORDS[(i * 7919) % WORDS.length]}${i % 13 === 12 ? '. ' : ' '}`;
  return out.slice(0, chars);
};

export interface RoutingModelFigures {
  fileBytes: number;
  loadMs: number;
  /**
   * Per prompt size, microseconds (p50, p99): the classifier given the router's request features
   * (`model`), and the request features themselves (`features`, computed for every request anyway).
   */
  scoring: Array<{ chars: number; runs: number; modelP50Us: number; modelP99Us: number; featuresP50Us: number }>;
  /** Hostile bodies of 3 MB, microseconds (p50): the cost must not grow with their paragraph or match count. */
  hostile: Array<{ name: string; chars: number; runs: number; modelP50Us: number; featuresP50Us: number }>;
}

/**
 * Bodies an attacker could send: the task cut splits a long message into paragraphs, and the
 * request features count matches of the fence, code-sign and math-sign patterns (one per character
 * or two here).
 */
const HOSTILE_BODIES: ReadonlyArray<{ name: string; body: () => string }> = [
  { name: '3 MB of tiny paragraphs ("a\\n\\n" repeated)', body: () => 'a\n\n'.repeat(1_000_000) },
  { name: '3 MB without a paragraph break', body: () => 'a'.repeat(3_000_000) },
  { name: '3 MB of newlines', body: () => '\n'.repeat(3_000_000) },
  { name: '3 MB of backticks (a million fences)', body: () => '`'.repeat(3_000_000) },
  { name: '3 MB of ";\\n" (code signs)', body: () => ';\n'.repeat(1_500_000) },
  { name: '3 MB of "∫" (math signs)', body: () => '∫'.repeat(3_000_000) },
];

export const measureRoutingModel = (): RoutingModelFigures => {
  const loads: number[] = [];
  let scorer = createComplexityModel(JSON.parse(readFileSync(MODEL_FILE, 'utf8')));
  for (let i = 0; i < 15; i++) {
    const started = performance.now();
    scorer = createComplexityModel(JSON.parse(readFileSync(MODEL_FILE, 'utf8')));
    loads.push(performance.now() - started);
  }
  const time = (runs: number, act: () => void): number[] => {
    for (let i = 0; i < Math.min(200, runs); i++) act();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      act();
      times.push((performance.now() - started) * 1000);
    }
    return times.sort((a, b) => a - b);
  };
  const scoring = [200, 2_000, 10_000, 100_000].map((chars) => {
    const request = chatRequestSchema.parse({ model: 'auto', messages: [{ role: 'user', content: text(chars) }] });
    const features = extractFeatures(request);
    const runs = chars >= 100_000 ? 100 : chars >= 10_000 ? 500 : 5_000;
    const model = time(runs, () => scorer.score(request, features));
    const extraction = time(Math.min(runs, 500), () => extractFeatures(request));
    return {
      chars,
      runs,
      modelP50Us: median(model),
      modelP99Us: model[Math.floor(model.length * 0.99)] ?? Number.NaN,
      featuresP50Us: median(extraction),
    };
  });
  const hostile = HOSTILE_BODIES.map(({ name, body }) => {
    const request = chatRequestSchema.parse({ model: 'auto', messages: [{ role: 'user', content: body() }] });
    const features = extractFeatures(request);
    const runs = 15;
    return {
      name,
      chars: 3_000_000,
      runs,
      modelP50Us: median(time(runs, () => scorer.score(request, features))),
      featuresP50Us: median(time(runs, () => extractFeatures(request))),
    };
  });
  return { fileBytes: statSync(MODEL_FILE).size, loadMs: median(loads), scoring, hostile };
};
