import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChatRequest, chatRequestSchema } from '#shared/api/chat-request.ts';
import {
  classifierTexts,
  denseFeatures,
  type HashedNamespace,
  hashedFeatures,
  type TaskCut,
} from '#shared/routing/classifier/classifier-features.ts';
import { complexityScore } from '#shared/routing/complexity.ts';
import { extractFeatures } from '#shared/routing/features.ts';

// Corpus rows as training examples, featurized by the router's own code (classifier-features.ts).

/** How text becomes hashed features: what the model file records, so the router reads requests alike. */
export interface FeatureSettings {
  dims: number;
  namespaces: readonly HashedNamespace[];
  lengthPower: number;
  taskCut: TaskCut;
}

export interface Example {
  id: string;
  source: string;
  /** 1: needs the strong tier; 0: the cheap tier does. */
  label: 0 | 1;
  /** Unique buckets, ascending, with their summed values. */
  buckets: Int32Array;
  values: Float32Array;
  dense: Float64Array;
  /** The heuristic scorer's score of the same request, for comparison in the model card. */
  heuristic: number;
}

const corpusRow = (line: string): { id: string; source: string; label: string; messages: unknown } =>
  JSON.parse(line) as { id: string; source: string; label: string; messages: unknown };

/** Sums repeated buckets, so an example is stored once per distinct feature. */
const compact = (buckets: Int32Array, values: Float32Array): { buckets: Int32Array; values: Float32Array } => {
  const order = Array.from(buckets.keys()).sort((a, b) => (buckets[a] as number) - (buckets[b] as number));
  const outBuckets: number[] = [];
  const outValues: number[] = [];
  for (const index of order) {
    const bucket = buckets[index] as number;
    const value = values[index] as number;
    if (outBuckets.at(-1) === bucket) outValues[outValues.length - 1] = (outValues.at(-1) as number) + value;
    else {
      outBuckets.push(bucket);
      outValues.push(value);
    }
  }
  return { buckets: Int32Array.from(outBuckets), values: Float32Array.from(outValues) };
};

export const featurize = (
  request: ChatRequest,
  settings: FeatureSettings,
): Pick<Example, 'buckets' | 'values' | 'dense' | 'heuristic'> => {
  const texts = classifierTexts(request, settings.taskCut);
  const hashed = hashedFeatures(texts, settings.dims, settings.namespaces, settings.lengthPower);
  const features = extractFeatures(request);
  return {
    ...compact(hashed.buckets, hashed.values),
    dense: denseFeatures(features, texts),
    heuristic: complexityScore(features),
  };
};

/** Every `<source>.jsonl` of the corpus directory (manifest.json aside), in file-name order. */
export const loadCorpus = (dir: string, settings: FeatureSettings): { examples: Example[]; skipped: number } => {
  const examples: Example[] = [];
  let skipped = 0;
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const row = corpusRow(line);
      const parsed = chatRequestSchema.safeParse({ model: 'auto', messages: row.messages });
      if (!parsed.success || (row.label !== 'strong' && row.label !== 'cheap')) {
        skipped += 1;
        continue;
      }
      examples.push({
        id: row.id,
        source: row.source,
        label: row.label === 'strong' ? 1 : 0,
        ...featurize(parsed.data, settings),
      });
    }
  }
  return { examples, skipped };
};
