import type { Example } from './examples.ts';

// Logistic regression by AdaGrad with L2, over sparse hashed features and a few dense ones.
// Deterministic: the example order comes from a seeded generator.

export interface TrainOptions {
  dims: number;
  denseCount: number;
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
}

export interface LinearModel {
  weights: Float64Array;
  dense: Float64Array;
  bias: number;
}

/** mulberry32: a small, fast, seedable generator (deterministic shuffles). */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export const rawScore = (model: LinearModel, example: Pick<Example, 'buckets' | 'values' | 'dense'>): number => {
  let z = model.bias;
  for (let i = 0; i < example.buckets.length; i++)
    z += (model.weights[example.buckets[i] as number] as number) * (example.values[i] as number);
  for (let i = 0; i < example.dense.length; i++) z += (model.dense[i] as number) * (example.dense[i] as number);
  return z;
};

/**
 * Each source gets the same total weight within its label, and the labels the same total: a
 * big dataset does not dominate, and the model must work across sources, not on the largest.
 */
export const sourceBalancedWeights = (examples: readonly Example[]): Float64Array => {
  const perSource = new Map<string, number>();
  const sourcesPerLabel = [new Set<string>(), new Set<string>()];
  for (const example of examples) {
    perSource.set(example.source, (perSource.get(example.source) ?? 0) + 1);
    sourcesPerLabel[example.label]?.add(example.source);
  }
  const mean = examples.length / 2;
  return Float64Array.from(examples, (example) => {
    const sources = sourcesPerLabel[example.label]?.size ?? 1;
    return mean / sources / (perSource.get(example.source) ?? 1);
  });
};

export const train = (
  examples: readonly Example[],
  options: TrainOptions,
  weights: ArrayLike<number> = sourceBalancedWeights(examples),
): LinearModel => {
  const model: LinearModel = { weights: new Float64Array(options.dims), dense: new Float64Array(options.denseCount), bias: 0 };
  const gradSq = new Float64Array(options.dims).fill(1e-8);
  const denseGradSq = new Float64Array(options.denseCount).fill(1e-8);
  let biasGradSq = 1e-8;
  const random = seededRandom(options.seed);
  const order = Array.from(examples.keys());
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const index of order) {
      const example = examples[index] as Example;
      const p = 1 / (1 + Math.exp(-rawScore(model, example)));
      const g = (p - example.label) * (weights[index] as number);
      for (let k = 0; k < example.buckets.length; k++) {
        const bucket = example.buckets[k] as number;
        const w = model.weights[bucket] as number;
        const grad = g * (example.values[k] as number) + options.l2 * w;
        gradSq[bucket] = (gradSq[bucket] as number) + grad * grad;
        model.weights[bucket] = w - (options.learningRate * grad) / Math.sqrt(gradSq[bucket] as number);
      }
      for (let k = 0; k < example.dense.length; k++) {
        const w = model.dense[k] as number;
        const grad = g * (example.dense[k] as number) + options.l2 * w;
        denseGradSq[k] = (denseGradSq[k] as number) + grad * grad;
        model.dense[k] = w - (options.learningRate * grad) / Math.sqrt(denseGradSq[k] as number);
      }
      biasGradSq += g * g;
      model.bias -= (options.learningRate * g) / Math.sqrt(biasGradSq);
    }
  }
  return model;
};
