import { readFile } from 'node:fs/promises';
import { formatIssues } from '../api/validation.ts';
import { defaultConfig } from './default-config.ts';
import { configSchema, type RouterConfig } from './schema.ts';

/** Raised at start-up with every problem of the config, one per line. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    super(`Invalid router config (${source}):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export const parseConfig = (input: unknown, source = 'inline'): RouterConfig => {
  const result = configSchema.safeParse(input);
  if (!result.success) throw new ConfigError(source, formatIssues(result.error.issues));
  return result.data;
};

export interface LoadedConfig {
  config: RouterConfig;
  /** The file read, or `builtin` when none existed and the mock models are served. */
  source: string;
  /** Valid, but probably not meant: shown at start (npm start) and logged (Lambda). */
  warnings: string[];
}

/**
 * A model without `pricing` costs $0: it never uses a budget and always wins `cheapest`. That is
 * right for mocks and models marked `free`, and a mistake for anything else.
 */
export const configWarnings = (config: RouterConfig): string[] => {
  const unpriced = config.models.filter(
    (model) =>
      model.provider !== 'mock' && model.free !== true && model.pricing.inputPerMTok === 0 && model.pricing.outputPerMTok === 0,
  );
  return unpriced.length === 0
    ? []
    : [
        `model${unpriced.length > 1 ? 's' : ''} ${unpriced.map((model) => model.id).join(', ')} ha${unpriced.length > 1 ? 've' : 's'} no pricing: ${unpriced.length > 1 ? 'they cost' : 'it costs'} $0, never use a budget and always win "cheapest" (set pricing, or "free": true)`,
      ];
};

/**
 * Reads and validates the config file. A missing file at the default path means "no config": the
 * built-in mock models. A missing file at an explicit path is an error (a typo must not silently
 * serve mocks).
 */
export const loadConfig = async (path: string, { explicit }: { explicit: boolean }): Promise<LoadedConfig> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !explicit) {
      const config = parseConfig(defaultConfig, 'builtin');
      return { config, source: 'builtin', warnings: configWarnings(config) };
    }
    throw new ConfigError(path, [`cannot read the file: ${(error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, [`not valid JSON: ${(error as Error).message}`]);
  }
  const config = parseConfig(json, path);
  return { config, source: path, warnings: configWarnings(config) };
};
