import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { ChatRequest } from '../../api/chat-request.ts';
import type { RequestFeatures } from '../features.ts';
import {
  classifierTexts,
  DENSE_FEATURES,
  denseFeatures,
  FIRST_LENGTH_POWER,
  FIRST_TASK_CUT,
  HASHED_NAMESPACES,
  hashedScore,
  TASK_CUTS,
} from './classifier-features.ts';

// The learned complexity model: a logistic regression over hashed text features and the router's
// request features, with Platt calibration, so its score is P(the request needs the strong tier).
// The weights are a versioned file (models/routing/), read once at cold start and checked.

export const MODEL_FORMAT = 'inference-router/complexity-classifier@1';

export const modelFileSchema = z.strictObject({
  format: z.literal(MODEL_FORMAT),
  /** Names the model in `x-router-reason` and usage events, e.g. `complexity-v3`. */
  version: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,63}$/),
  /**
   * The hashed parts of a request the model reads (classifier-features.ts), in its order. Files
   * without it (the first models) read all five.
   */
  namespaces: z.array(z.enum(HASHED_NAMESPACES)).min(1).optional(),
  /** Each namespace's occurrences count 1/occurrences^lengthPower; files without it used 0.5. */
  lengthPower: z.number().min(0).max(1).optional(),
  /** How the task is cut from a long message (classifier-features.ts); files without it used `edgeChars`. */
  taskCut: z.enum(TASK_CUTS).optional(),
  /** Hash buckets, a power of two. */
  dims: z
    .number()
    .int()
    .min(1024)
    .max(1 << 22),
  /** Hashed weights as int8 (base64), each times `weightScale`. */
  weights: z.string().min(1),
  weightScale: z.number().positive(),
  /** sha256 of the decoded weight bytes: a truncated or edited file is refused. */
  weightsSha256: z.string().regex(/^[0-9a-f]{64}$/),
  denseNames: z.array(z.string()),
  dense: z.array(z.number()),
  bias: z.number(),
  /** Platt scaling of the raw score, fitted out of fold: p = 1 / (1 + exp(-(a * raw + b))). */
  calibration: z.strictObject({ a: z.number(), b: z.number() }),
  /**
   * Default upper bounds of the cheapest and the middle of three tiers, chosen by the trainer on
   * out-of-fold scores (models/routing/README.md says how).
   */
  bounds: z.strictObject({ simple: z.number().min(0).max(1), standard: z.number().min(0).max(1) }),
  /** Calibrated scores of the training corpus (out of fold) at 0, 1, ..., 100 %: premiumShare thresholds come from here. */
  quantiles: z.array(z.number().min(0).max(1)).length(101),
  /** Provenance for humans (sources, counts, figures); not read by the router. */
  card: z.record(z.string(), z.unknown()).optional(),
});
export type ModelFile = z.infer<typeof modelFileSchema>;

/** A model the router can score with. */
export interface ComplexityModel {
  readonly version: string;
  /** Default bounds of the cheapest and the middle tier. */
  readonly bounds: readonly [number, number];
  /** P(strong tier) in [0, 1], rounded to 3 decimals. */
  score(request: ChatRequest, features: RequestFeatures): number;
  /** The calibrated score above which `share` of the training distribution lies. */
  thresholdForShare(share: number): number;
}

export class ModelFileError extends Error {
  constructor(source: string, problem: string, options?: { cause?: unknown }) {
    super(`The routing model ${source} cannot be used: ${problem}`, options);
    this.name = 'ModelFileError';
  }
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Float weights as the file stores them: int8 scaled to the largest, base64, with their checksum. */
export const encodeWeights = (weights: ArrayLike<number>): Pick<ModelFile, 'weights' | 'weightScale' | 'weightsSha256'> => {
  let max = 0;
  for (let i = 0; i < weights.length; i++) max = Math.max(max, Math.abs(weights[i] as number));
  const scale = max / 127 || 1;
  const bytes = Buffer.alloc(weights.length);
  for (let i = 0; i < weights.length; i++)
    bytes.writeInt8(Math.max(-127, Math.min(127, Math.round((weights[i] as number) / scale))), i);
  return {
    weights: bytes.toString('base64'),
    weightScale: scale,
    weightsSha256: createHash('sha256').update(bytes).digest('hex'),
  };
};

/** Validates a parsed model file and builds the scorer; throws ModelFileError with the first problem. */
export const createComplexityModel = (json: unknown, source = 'model'): ComplexityModel => {
  const parsed = modelFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelFileError(source, `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const file = parsed.data;
  if (file.bounds.simple > file.bounds.standard) throw new ModelFileError(source, 'bounds.simple is above bounds.standard');
  if ((file.dims & (file.dims - 1)) !== 0) throw new ModelFileError(source, `dims ${file.dims} is not a power of two`);
  const bytes = Buffer.from(file.weights, 'base64');
  if (bytes.length !== file.dims) throw new ModelFileError(source, `${bytes.length} weights for ${file.dims} dims`);
  if (createHash('sha256').update(bytes).digest('hex') !== file.weightsSha256)
    throw new ModelFileError(source, 'the weights do not match their checksum (truncated or edited file)');
  if (file.denseNames.join() !== DENSE_FEATURES.join() || file.dense.length !== DENSE_FEATURES.length)
    throw new ModelFileError(source, 'its dense features are not the ones this router computes (retrain it)');
  const int8 = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const weights = new Float32Array(file.dims);
  for (let i = 0; i < file.dims; i++) weights[i] = (int8[i] as number) * file.weightScale;
  const { a, b } = file.calibration;
  const namespaces = file.namespaces ?? HASHED_NAMESPACES;
  const lengthPower = file.lengthPower ?? FIRST_LENGTH_POWER;
  const taskCut = file.taskCut ?? FIRST_TASK_CUT;
  return {
    version: file.version,
    bounds: [file.bounds.simple, file.bounds.standard],
    score(request, features) {
      const texts = classifierTexts(request, taskCut);
      let raw = file.bias + hashedScore(texts, weights, file.dims, namespaces, lengthPower);
      const dense = denseFeatures(features, texts);
      for (let i = 0; i < dense.length; i++) raw += (dense[i] as number) * (file.dense[i] as number);
      return Math.round(sigmoid(a * raw + b) * 1000) / 1000;
    },
    thresholdForShare(share) {
      // The (1 - share) quantile, interpolated between the stored percentiles.
      const position = Math.min(100, Math.max(0, (1 - share) * 100));
      const low = Math.floor(position);
      const high = Math.min(100, low + 1);
      const q = file.quantiles;
      return (q[low] as number) + ((q[high] as number) - (q[low] as number)) * (position - low);
    },
  };
};
