// Figures for a binary scorer: AUC, Platt calibration, quantiles.

/**
 * AUC with row weights: the chance that a random positive outranks a random negative when rows are
 * drawn by weight. With the training weights every dataset counts the same within its label, so a
 * big dataset cannot carry the figure.
 */
export const weightedAuc = (scores: readonly number[], labels: readonly (0 | 1)[], weights: readonly number[]): number => {
  const order = Array.from(scores.keys()).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let negativesBelow = 0;
  let wins = 0;
  let positiveTotal = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    let positive = 0;
    let negative = 0;
    for (; j < order.length && scores[order[j] as number] === scores[order[i] as number]; j++) {
      const index = order[j] as number;
      if (labels[index] === 1) positive += weights[index] as number;
      else negative += weights[index] as number;
    }
    wins += positive * (negativesBelow + negative / 2);
    negativesBelow += negative;
    positiveTotal += positive;
    i = j;
  }
  if (positiveTotal === 0 || negativesBelow === 0) return Number.NaN;
  return wins / (positiveTotal * negativesBelow);
};

/** Area under the ROC curve (ties count half): every row weighing the same. */
export const auc = (scores: readonly number[], labels: readonly (0 | 1)[]): number =>
  weightedAuc(scores, labels, new Array<number>(scores.length).fill(1));

/** Platt scaling: a, b minimizing the weighted log loss of sigmoid(a * raw + b), by damped Newton steps. */
export const fitPlatt = (
  raw: readonly number[],
  labels: readonly (0 | 1)[],
  weights?: readonly number[],
): { a: number; b: number } => {
  const loss = (a: number, b: number): number =>
    raw.reduce((sum, x, i) => {
      const z = a * x + b;
      // log(1 + e^z) - y z, computed without overflow.
      const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
      return sum + (weights?.[i] ?? 1) * (softplus - (labels[i] as number) * z);
    }, 0);
  let a = 1;
  let b = 0;
  let current = loss(a, b);
  for (let iteration = 0; iteration < 100; iteration++) {
    let gA = 0;
    let gB = 0;
    let hAA = 0;
    let hAB = 0;
    let hBB = 0;
    raw.forEach((x, i) => {
      const w = weights?.[i] ?? 1;
      const p = 1 / (1 + Math.exp(-(a * x + b)));
      const d = (p - (labels[i] as number)) * w;
      const h = p * (1 - p) * w + 1e-9;
      gA += d * x;
      gB += d;
      hAA += h * x * x;
      hAB += h * x;
      hBB += h;
    });
    const det = hAA * hBB - hAB * hAB;
    if (!(Math.abs(det) > 1e-18)) break;
    const stepA = (hBB * gA - hAB * gB) / det;
    const stepB = (hAA * gB - hAB * gA) / det;
    // Halve the step until the loss goes down: a full Newton step can overshoot far from the optimum.
    let scale = 1;
    let next = loss(a - stepA, b - stepB);
    while (next > current && scale > 1e-6) {
      scale /= 2;
      next = loss(a - scale * stepA, b - scale * stepB);
    }
    if (next > current) break;
    a -= scale * stepA;
    b -= scale * stepB;
    const improved = current - next;
    current = next;
    if (improved < 1e-10 * Math.max(1, Math.abs(current))) break;
  }
  return { a, b };
};

/** Values at 0, 1, ..., 100 % (nearest rank). */
export const percentiles = (values: readonly number[]): number[] => {
  const sorted = [...values].sort((a, b) => a - b);
  return Array.from(
    { length: 101 },
    (_, p) => sorted[Math.min(sorted.length - 1, Math.round((p / 100) * (sorted.length - 1)))] ?? 0,
  );
};

/** The weighted q-quantile (0..1) of `values`. */
export const weightedQuantile = (values: readonly number[], weights: readonly number[], q: number): number => {
  const order = Array.from(values.keys()).sort((a, b) => (values[a] as number) - (values[b] as number));
  const total = order.reduce((sum, index) => sum + (weights[index] ?? 0), 0);
  let seen = 0;
  for (const index of order) {
    seen += weights[index] ?? 0;
    if (seen >= q * total) return values[index] as number;
  }
  return values[order.at(-1) ?? 0] ?? 0;
};
