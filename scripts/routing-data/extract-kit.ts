import { clean, parseCsv, type Rng } from './text.ts';

// What every extractor shares: the candidate shape, the context it reads files through, and small
// typed readers for JSON, JSON lines and loosely typed records.

export type Role = 'system' | 'user' | 'assistant';
export interface Message {
  role: Role;
  content: string;
}
export interface Candidate {
  /** What groupCap counts: a task, language, story, category... */
  group: string;
  messages: Message[];
}

export interface ExtractContext {
  /** Paths whose blobs were read, sorted. */
  paths: readonly string[];
  bytes(path: string): Buffer;
  /** For template choices and cut points; seeded per source. */
  rng: Rng;
  /** The mirror and the pinned commit, for the sources built from history rather than files. */
  gitDir: string;
  commit: string;
}

/** Parquet readers are asynchronous, so an extractor may be. */
export type Extractor = (ctx: ExtractContext) => Candidate[] | Promise<Candidate[]>;

export const user = (content: string): Message[] => [{ role: 'user', content: clean(content) }];

export const text = (ctx: ExtractContext, path: string): string => ctx.bytes(path).toString('utf8');

export const json = (ctx: ExtractContext, path: string): unknown => JSON.parse(text(ctx, path));

export const jsonLines = (ctx: ExtractContext, path: string): unknown[] =>
  text(ctx, path)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export const str = (record: Json, key: string): string => {
  const value = record[key];
  return typeof value === 'string' ? value : '';
};

export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const objects = (value: unknown): Json[] => list(value).filter(isObject);

/** A JSON file holding one object keyed by id, intent, split...: its entries; none when it is not an object. */
export const jsonEntries = (ctx: ExtractContext, path: string): [string, unknown][] => {
  const data = json(ctx, path);
  return isObject(data) ? Object.entries(data) : [];
};

/** MMLU's CSV layout (JMMLU keeps it): question, four options, answer, no header. The answer is never read. */
export const fourOptionQuestions = (ctx: ExtractContext, path: string): { question: string; options: string[] }[] =>
  parseCsv(text(ctx, path).replace(/^\uFEFF/, '')).flatMap((cells) => {
    const [question, a, b, c, d] = cells.map((cell) => cell.trim());
    return question && a && b && c && d ? [{ question, options: [a, b, c, d] }] : [];
  });
