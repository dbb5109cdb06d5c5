import { describe, expect, test } from 'vitest';
import { auc, weightedAuc } from '../../../../scripts/routing-model/metrics.ts';

describe('weightedAuc', () => {
  test('with equal weights it is the plain AUC, ties counting half', () => {
    // Prepare
    const scores = [0.1, 0.4, 0.4, 0.8, 0.3, 0.9];
    const labels: (0 | 1)[] = [0, 0, 1, 1, 0, 1];

    // Assess
    expect(
      weightedAuc(
        scores,
        labels,
        scores.map(() => 1),
      ),
    ).toBeCloseTo(auc(scores, labels));
    expect(auc(scores, labels)).toBeCloseTo(8.5 / 9);
  });

  test('a heavily weighted row moves it as that many rows would: a big dataset cannot hide a small one', () => {
    // Prepare: one negative outranks the lowest positive.
    const scores = [0.2, 0.6, 0.5, 0.9];
    const labels: (0 | 1)[] = [0, 0, 1, 1];

    // Act
    const plain = weightedAuc(scores, labels, [1, 1, 1, 1]);
    const heavyMistake = weightedAuc(scores, labels, [1, 3, 1, 1]);
    const repeated = auc([0.2, 0.6, 0.6, 0.6, 0.5, 0.9], [0, 0, 0, 0, 1, 1]);

    // Assess
    expect(plain).toBeCloseTo(0.75);
    expect(heavyMistake).toBeCloseTo(repeated);
    expect(heavyMistake).toBeLessThan(plain);
  });

  test('one label only has no AUC', () => {
    expect(weightedAuc([0.1, 0.2], [1, 1], [1, 1])).toBeNaN();
  });
});
