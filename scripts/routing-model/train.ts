import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_LENGTH_POWER,
  DEFAULT_NAMESPACES,
  DEFAULT_TASK_CUT,
  DENSE_FEATURES,
  HASHED_NAMESPACES,
  type HashedNamespace,
  TASK_CUTS,
  type TaskCut,
} from '#shared/routing/classifier/classifier-features.ts';
import { encodeWeights, MODEL_FORMAT, type ModelFile } from '#shared/routing/classifier/complexity-model.ts';
import { crossValidate, leaveOneFamilyOut } from './cross-validate.ts';
import { type Example, type FeatureSettings, loadCorpus } from './examples.ts';
import { type LinearModel, sourceBalancedWeights, type TrainOptions, train } from './logistic.ts';
import { auc, fitPlatt, percentiles, weightedAuc, weightedQuantile } from './metrics.ts';
import { writeModelCard } from './model-card.ts';
import { evaluateRegressionSet, type RegressionReport } from './regression-set.ts';

// `npm run train-router`: trains the complexity classifier on the local corpus (built by
// `npm run routing-data`), evaluates it by source-held-out cross-validation, calibrates it on the
// out-of-fold scores, and writes models/routing/<version>.json and its model card. Deterministic:
// the same corpus and seed give the same file.

const { values: args } = parseArgs({
  options: {
    corpus: { type: 'string', default: '.data/routing-corpus' },
    out: { type: 'string', default: 'models/routing' },
    version: { type: 'string', default: 'complexity-v3' },
    seed: { type: 'string', default: '20261125' },
    dims: { type: 'string', default: String(1 << 17) },
    epochs: { type: 'string', default: '5' },
    'learning-rate': { type: 'string', default: '0.1' },
    l2: { type: 'string', default: '1e-6' },
    folds: { type: 'string', default: '5' },
    /** Further fold assignments (other seeds) for the spread of the held-out figures; not used to choose anything. */
    'cv-repeats': { type: 'string', default: '4' },
    namespaces: { type: 'string', default: DEFAULT_NAMESPACES.join(',') },
    'length-power': { type: 'string', default: String(DEFAULT_LENGTH_POWER) },
    'task-cut': { type: 'string', default: DEFAULT_TASK_CUT },
    /**
     * Dense features held at weight 0 (names, or prefixes ending in ':'). Turn count and script say
     * which datasets a row came from, not how hard it is: every multi-turn row and nearly every
     * non-English one in the corpus is cheap, so their weights would only learn the corpus.
     */
    'ignore-dense': { type: 'string', default: 'earlierTurns,language:' },
  },
});

const corpusDir = resolve(args.corpus);
if (!existsSync(join(corpusDir, 'manifest.json'))) {
  console.error(`No corpus at ${corpusDir}: build it first with \`npm run routing-data\` (see scripts/routing-data/README.md).`);
  process.exit(1);
}
const options: TrainOptions = {
  dims: Number(args.dims),
  denseCount: DENSE_FEATURES.length,
  epochs: Number(args.epochs),
  learningRate: Number(args['learning-rate']),
  l2: Number(args.l2),
  seed: Number(args.seed),
};
const folds = Number(args.folds);
const namespaces = args.namespaces.split(',').map((name) => name.trim()) as HashedNamespace[];
const unknown = namespaces.filter((name) => !(HASHED_NAMESPACES as readonly string[]).includes(name));
if (unknown.length > 0) {
  console.error(`Unknown namespaces: ${unknown.join(', ')} (known: ${HASHED_NAMESPACES.join(', ')})`);
  process.exit(1);
}

const lengthPower = Number(args['length-power']);
if (!(lengthPower >= 0 && lengthPower <= 1)) {
  console.error(`--length-power must be between 0 and 1, not ${args['length-power']}`);
  process.exit(1);
}

const taskCut = args['task-cut'] as TaskCut;
if (!(TASK_CUTS as readonly string[]).includes(taskCut)) {
  console.error(`--task-cut must be one of ${TASK_CUTS.join(', ')}, not ${args['task-cut']}`);
  process.exit(1);
}
const ignored = args['ignore-dense']
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);
/** A name, or a prefix ending in ':' (`language:` names every language feature). */
const names = (pattern: string, name: string): boolean => (pattern.endsWith(':') ? name.startsWith(pattern) : name === pattern);
const ignoredIndexes = DENSE_FEATURES.flatMap((name, index) => (ignored.some((pattern) => names(pattern, name)) ? [index] : []));
const unmatched = ignored.filter((pattern) => !DENSE_FEATURES.some((name) => names(pattern, name)));
if (unmatched.length > 0) {
  console.error(`Unknown dense features in --ignore-dense: ${unmatched.join(', ')} (known: ${DENSE_FEATURES.join(', ')})`);
  process.exit(1);
}

const settings: FeatureSettings = { dims: options.dims, namespaces, lengthPower, taskCut };
const started = performance.now();
const { examples, skipped } = loadCorpus(corpusDir, settings);
// A feature whose value is 0 in every row gets no gradient: its weight stays 0 in the file.
for (const example of examples) for (const index of ignoredIndexes) example.dense[index] = 0;
const labels = examples.map((example) => example.label);
console.log(`corpus: ${examples.length} rows (${skipped} unreadable) from ${corpusDir}`);

// 1. Honest figures first: every score below comes from a model that never saw the row's dataset
// family. Leave-one-family-out scores calibrate the model and set its bounds (each family is scored
// by a model trained on all the others, as the shipped model meets a new kind of prompt).
const weights = Array.from(sourceBalancedWeights(examples));
const oofRaw = Array.from(leaveOneFamilyOut(examples, options));
const lofo = { pooledAuc: auc(oofRaw, labels), balancedAuc: weightedAuc(oofRaw, labels, weights) };
console.log(
  `leave-one-family-out AUC: pooled ${lofo.pooledAuc.toFixed(3)}, each dataset weighted equally ${lofo.balancedAuc.toFixed(3)}`,
);

// Harsher: five folds, each missing a fifth of the families, over several fold assignments, since
// which datasets land together moves the figure. Reported only; nothing is chosen on it.
const { outOfFold: foldScores, results } = crossValidate(examples, folds, options);
for (const result of results)
  console.log(`fold ${result.fold}: AUC ${result.auc.toFixed(3)} held out ${result.heldOut.join(', ')}`);
const pooledAuc = auc(Array.from(foldScores), labels);
const meanFoldAuc = results.reduce((sum, result) => sum + result.auc, 0) / results.length;
console.log(`${folds} folds: pooled out-of-fold AUC ${pooledAuc.toFixed(3)}; mean of the folds ${meanFoldAuc.toFixed(3)}`);
const repeats = Array.from({ length: Number(args['cv-repeats']) }, (_, index) => {
  const seed = options.seed + index + 1;
  const repeat = crossValidate(examples, folds, { ...options, seed });
  // A fold that drew datasets of one label only has no AUC: the others are averaged.
  const foldAucs = repeat.results.map((result) => result.auc).filter(Number.isFinite);
  return {
    seed,
    pooledAuc: auc(Array.from(repeat.outOfFold), labels),
    meanFoldAuc: foldAucs.reduce((sum, value) => sum + value, 0) / foldAucs.length,
    minFoldAuc: Math.min(...foldAucs),
  };
});
for (const repeat of repeats)
  console.log(
    `fold assignment ${repeat.seed}: pooled ${repeat.pooledAuc.toFixed(3)}, mean of folds ${repeat.meanFoldAuc.toFixed(3)}`,
  );

// 2. Calibration on the leave-one-family-out scores, with the training weights (sources and labels balanced).
const calibration = fitPlatt(oofRaw, labels, weights);
const calibrated = oofRaw.map((raw) => 1 / (1 + Math.exp(-(calibration.a * raw + calibration.b))));

// Default bounds, on those scores (each dataset weighted equally within its label): at most 10 % of
// strong-label prompts fall in the cheapest tier, and 75 % of cheap-label prompts stay below the strongest.
const ofLabel = (label: 0 | 1) => {
  const indexes = examples.flatMap((example, index) => (example.label === label ? [index] : []));
  return {
    scores: indexes.map((index) => calibrated[index] as number),
    weights: indexes.map((index) => weights[index] as number),
  };
};
const strongScores = ofLabel(1);
const cheapScores = ofLabel(0);
const simpleBound = weightedQuantile(strongScores.scores, strongScores.weights, 0.1);
const standardBound = Math.max(simpleBound, weightedQuantile(cheapScores.scores, cheapScores.weights, 0.75));

// 3. The shipped model: all sources.
const final: LinearModel = train(examples, options);

const round = (value: number, digits = 6): number => Number(value.toFixed(digits));

const file: ModelFile = {
  format: MODEL_FORMAT,
  version: args.version,
  namespaces: [...settings.namespaces],
  lengthPower: settings.lengthPower,
  taskCut: settings.taskCut,
  dims: settings.dims,
  ...encodeWeights(final.weights),
  denseNames: [...DENSE_FEATURES],
  dense: Array.from(final.dense, (value) => round(value)),
  bias: round(final.bias),
  calibration: { a: round(calibration.a), b: round(calibration.b) },
  bounds: { simple: round(simpleBound, 4), standard: round(standardBound, 4) },
  quantiles: percentiles(calibrated).map((value) => round(value, 4)),
};

// 4. The in-house regression set: never trained on, scored by the shipped model through the router.
const regression: RegressionReport | undefined = evaluateRegressionSet(file);
const heuristic = {
  corpusAuc: auc(
    examples.map((example) => example.heuristic),
    labels,
  ),
  regression: evaluateRegressionSet(),
};

const manifest = JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8')) as unknown;
const corpusHash = createHash('sha256');
for (const example of examples) corpusHash.update(`${example.id}\n`);
file.card = {
  trainedAt: new Date().toISOString().slice(0, 10),
  corpusRows: examples.length,
  corpusIdsSha256: corpusHash.digest('hex').slice(0, 16),
  options: { ...options, lengthPower, taskCut, ignoredDense: ignoredIndexes.map((index) => DENSE_FEATURES[index]) },
  leaveOneFamilyOut: { pooledAuc: round(lofo.pooledAuc, 4), balancedAuc: round(lofo.balancedAuc, 4) },
  crossValidation: {
    folds: results.map((result) => ({ ...result, auc: round(result.auc, 4) })),
    pooledAuc: round(pooledAuc, 4),
    meanFoldAuc: round(meanFoldAuc, 4),
    otherAssignments: repeats.map((repeat) => ({
      seed: repeat.seed,
      pooledAuc: round(repeat.pooledAuc, 4),
      meanFoldAuc: round(repeat.meanFoldAuc, 4),
      minFoldAuc: round(repeat.minFoldAuc, 4),
    })),
  },
};

await mkdir(args.out, { recursive: true });
const modelPath = join(args.out, `${args.version}.json`);
await writeFile(modelPath, `${JSON.stringify(file)}\n`);
await writeModelCard({
  path: join(args.out, 'README.md'),
  file,
  modelPath,
  manifest,
  examples: examples as Example[],
  outOfFold: calibrated,
  lofo,
  ignoredDense: ignoredIndexes.map((index) => DENSE_FEATURES[index] as string),
  results,
  pooledAuc,
  meanFoldAuc,
  repeats,
  regression,
  heuristic,
});
console.log(
  `wrote ${modelPath} (${Math.round((JSON.stringify(file).length / 1024) * 10) / 10} KB) and its model card in ${Math.round(
    (performance.now() - started) / 1000,
  )} s`,
);
