import type { Example } from './examples.ts';
import { type LinearModel, rawScore, seededRandom, type TrainOptions, train } from './logistic.ts';
import { auc } from './metrics.ts';

// Cross-validation by source: every fold holds out whole dataset families, so each out-of-fold
// score comes from a model that never saw a row of that dataset or of its easier/harder sibling.

export interface FoldResult {
  fold: number;
  heldOut: string[];
  auc: number;
}

/**
 * Families whose datasets share items: BIG-Bench Extra Hard reuses BIG-Bench Hard's stories, and
 * JMMLU translates MMLU's questions.
 */
const SAME_ITEMS: Readonly<Record<string, string>> = { bbeh: 'bbh', jmmlu: 'mmlu' };

/**
 * A dataset's family: the part of its id before the first dash (`leetcode-easy` and
 * `leetcode-hard` are one family). A family is held out whole, or its cheap half would teach
 * the model that the format, not the difficulty, is cheap.
 */
export const familyOf = (source: string): string => {
  const family = source.split('-')[0] ?? source;
  return SAME_ITEMS[family] ?? family;
};

/** Families to folds: in a seeded order, each to the fold with the fewest rows so far. */
export const assignFolds = (examples: readonly Example[], folds: number, seed: number): Map<string, number> => {
  const random = seededRandom(seed);
  const sizes = new Map<string, number>();
  for (const example of examples) sizes.set(familyOf(example.source), (sizes.get(familyOf(example.source)) ?? 0) + 1);
  const families = [...sizes.keys()].sort();
  for (let i = families.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [families[i], families[j]] = [families[j] as string, families[i] as string];
  }
  const totals = new Array<number>(folds).fill(0);
  const foldOfFamily = new Map<string, number>();
  for (const family of families) {
    const fold = totals.indexOf(Math.min(...totals));
    foldOfFamily.set(family, fold);
    totals[fold] = (totals[fold] ?? 0) + (sizes.get(family) ?? 0);
  }
  return new Map(examples.map((example) => [example.source, foldOfFamily.get(familyOf(example.source)) ?? 0]));
};

export const crossValidate = (
  examples: readonly Example[],
  folds: number,
  options: TrainOptions,
): { outOfFold: Float64Array; results: FoldResult[] } => {
  const assignment = assignFolds(examples, folds, options.seed);
  const outOfFold = new Float64Array(examples.length);
  const results: FoldResult[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const trainSet = examples.filter((example) => assignment.get(example.source) !== fold);
    const heldOutIndexes = examples.flatMap((example, index) => (assignment.get(example.source) === fold ? [index] : []));
    const model: LinearModel = train(trainSet, options);
    for (const index of heldOutIndexes) outOfFold[index] = rawScore(model, examples[index] as Example);
    results.push({
      fold,
      heldOut: [...new Set(heldOutIndexes.map((index) => (examples[index] as Example).source))].sort(),
      auc: auc(
        heldOutIndexes.map((index) => outOfFold[index] as number),
        heldOutIndexes.map((index) => (examples[index] as Example).label),
      ),
    });
  }
  return { outOfFold, results };
};

/**
 * Leave one family out: every family's rows are scored by a model trained on all the other
 * families, as the shipped model (trained on them all) meets a kind of prompt it has not seen.
 */
export const leaveOneFamilyOut = (examples: readonly Example[], options: TrainOptions): Float64Array => {
  const outOfFold = new Float64Array(examples.length);
  for (const family of [...new Set(examples.map((example) => familyOf(example.source)))].sort()) {
    const model = train(
      examples.filter((example) => familyOf(example.source) !== family),
      options,
    );
    examples.forEach((example, index) => {
      if (familyOf(example.source) === family) outOfFold[index] = rawScore(model, example);
    });
  }
  return outOfFold;
};
