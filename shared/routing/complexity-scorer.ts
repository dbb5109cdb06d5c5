import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { ChatRequest } from '../api/chat-request.ts';
import type { ComplexityConfig, ScoringConfig } from '../config/routing-schema.ts';
import { type ComplexityModel, createComplexityModel, ModelFileError } from './classifier/complexity-model.ts';
import { complexityScore } from './complexity.ts';
import type { RequestFeatures } from './features.ts';

/** Scores a request for the `complexity` strategy, with the tier bounds that fit its scale. */
export interface ComplexityScorer {
  /** `complexity-v3` (the learned model's version) or `heuristic`: shown in reasons and usage events. */
  readonly name: string;
  score(request: ChatRequest, features: RequestFeatures): number;
  /** Default upper bounds of the cheapest and the middle of three tiers. */
  readonly defaultBounds: readonly [number, number];
  /** The score above which `share` of requests lie, when the scorer knows its distribution. */
  thresholdForShare?(share: number): number;
}

/** The heuristic's bounds, fitted with its weights (routing.scoring). */
const HEURISTIC_BOUNDS: readonly [number, number] = [0.12, 0.3];

export const heuristicScorer = (scoring: ScoringConfig): ComplexityScorer => ({
  name: 'heuristic',
  score: (_request, features) => complexityScore(features, scoring),
  defaultBounds: HEURISTIC_BOUNDS,
});

export const learnedScorer = (model: ComplexityModel): ComplexityScorer => ({
  name: model.version,
  score: (request, features) => model.score(request, features),
  defaultBounds: model.bounds,
  thresholdForShare: (share) => model.thresholdForShare(share),
});

/**
 * The scorer the config asks for, read once at cold start. A missing or corrupt model file is a
 * ModelFileError naming the file, unless the config falls back to the heuristic (then `onWarning`
 * is told why): routing never silently sends everything to one tier.
 */
export const loadComplexityScorer = async (
  config: ComplexityConfig,
  scoring: ScoringConfig,
  options: {
    /** Where a relative `model` path starts: the project root locally, the bundle root (the working directory) in Lambda. */
    baseDir?: string;
    onWarning?: (message: string, error: unknown) => void;
    readText?: (path: string) => Promise<string>;
  } = {},
): Promise<ComplexityScorer> => {
  if (config.scorer === 'heuristic') return heuristicScorer(scoring);
  const path = isAbsolute(config.model) ? config.model : resolve(options.baseDir ?? process.cwd(), config.model);
  try {
    let text: string;
    try {
      text = await (options.readText ?? ((file) => readFile(file, 'utf8')))(path);
    } catch (error) {
      throw new ModelFileError(config.model, `it cannot be read (${(error as Error).message})`, { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ModelFileError(config.model, 'it is not valid JSON', { cause: error });
    }
    return learnedScorer(createComplexityModel(json, config.model));
  } catch (error) {
    if (config.onModelError !== 'heuristic') throw error;
    options.onWarning?.(`${(error as Error).message}; routing with the heuristic scorer instead`, error);
    return heuristicScorer(scoring);
  }
};
