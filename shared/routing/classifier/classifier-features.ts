import { type ChatRequest, contentText } from '../../api/chat-request.ts';
import { languageNames } from '../../config/routing-schema.ts';
import { type RequestFeatures, taskText, withoutFencedBlocks } from '../features.ts';
import { hashCharNgrams, hashWords } from './hashed-text.ts';

// What the complexity classifier sees of a request: hashed words and character n-grams of the
// task (the last user message, pasted material trimmed), its opening and closing words apart,
// words of the system prompt, and the
// router's own request features as a few dense values (which see the whole conversation). The
// trainer and the router use these functions, so they cannot drift. (Words of the pasted material
// and earlier turns were tried as a third namespace: they lowered the held-out AUC.)

/** The texts the classifier reads, cut from the request once. */
export interface ClassifierTexts {
  task: string;
  system: string;
}

/**
 * How the task is cut from a long last message. `edgeChars` (the first models): its first and last
 * 500 characters, which for "question + pasted contract" is mostly contract. `edgeParagraphs`: the
 * whole paragraphs at its start and at its end that fit in 500 characters each side (the ask, and
 * short headings), dropping a long paragraph cut in half; when none fit, the edges as before. It raised
 * the held-out-family AUC from 0.840 to 0.848 (300 and 800 characters: 0.844, 0.849).
 */
export const TASK_CUTS = ['edgeChars', 'edgeParagraphs'] as const;
export type TaskCut = (typeof TASK_CUTS)[number];
export const DEFAULT_TASK_CUT: TaskCut = 'edgeParagraphs';
export const FIRST_TASK_CUT: TaskCut = 'edgeChars';

const SHORT_MESSAGE = 1250;
const PARAGRAPH_BUDGET = 500;
/** The paragraph break, `/\n\s*\n/` as `split` applies it, tried at one position (`lastIndex`). */
const PARAGRAPH_BREAK_AT = /\n\s*\n/y;
/**
 * Before a newline at `lastIndex`, the first newline of its run of spaces, if another: a lookbehind
 * is matched backwards, so the greedy `\s*` reaches the run's start and gives back to that newline.
 */
const BREAK_START_BEFORE = /(?<=(\n)\s*)/dy;

/**
 * The paragraphs at each end of a long message that fit the budget. A side without one (its last
 * paragraph is long, perhaps with the question at its end) keeps its 500 characters, as before.
 *
 * It reads as `text.split(/\n\s*\n/)` then keeping the leading paragraphs, and the trailing ones
 * after them, while each side's lengths sum to at most 500, but it scans the two ends only: a split
 * of a hostile body of millions of tiny paragraphs cost 100-200 ms. The breaks are those of the
 * split: each run of `\s` characters holding two or more newlines is one break, from its first
 * newline to its last (the regex starts at the first and, greedy, ends at the last), so they can be
 * found from either end. A test checks the result against the split's on random texts, and so did
 * every message of the training corpus.
 */
export const edgeParagraphs = (lastUser: string): string => {
  const text = withoutFencedBlocks(lastUser);
  if (text.length <= SHORT_MESSAGE) return text;
  // The head: whole paragraphs from the start while their lengths sum to at most the budget.
  const heads: string[] = [];
  /** Where the first paragraph that does not fit starts; past the end when all of them fit. */
  let headStop = text.length + 1;
  for (let used = 0, from = 0, at = 0; ; at++) {
    if (used + (at - from) > PARAGRAPH_BUDGET) {
      headStop = from;
      break;
    }
    if (at === text.length) {
      heads.push(text.slice(from));
      break;
    }
    if (text.charCodeAt(at) !== 10) continue;
    PARAGRAPH_BREAK_AT.lastIndex = at;
    if (!PARAGRAPH_BREAK_AT.test(text)) continue;
    heads.push(text.slice(from, at));
    used += at - from;
    from = PARAGRAPH_BREAK_AT.lastIndex;
    at = from - 1;
  }
  // The tail: whole paragraphs from the end while their lengths sum to at most the budget, none of
  // them a head paragraph: those end before headStop, and one that ends after it starts at or after
  // it (paragraphs do not overlap, and the one at headStop is not empty).
  const tails: string[] = [];
  tail: for (let used = 0, end = text.length; end > headStop; ) {
    // Scanning back from `end`, the first newline met is the last of its run of spaces.
    for (let at = end - 1; ; at--) {
      if (used + (end - at - 1) > PARAGRAPH_BUDGET) break tail;
      if (at < 0) {
        tails.push(text.slice(0, end));
        break tail;
      }
      if (text.charCodeAt(at) !== 10) continue;
      BREAK_START_BEFORE.lastIndex = at;
      const first = BREAK_START_BEFORE.exec(text)?.indices?.[1]?.[0];
      if (first === undefined) continue; // the only newline of its run: part of the paragraph
      tails.push(text.slice(at + 1, end));
      used += end - at - 1;
      end = first;
      continue tail;
    }
  }
  // With neither (a side's first paragraph does not fit) this is `taskText`'s cut of the message,
  // as the split version returned, without fencing the message a second time.
  const start = heads.length > 0 ? heads.join('\n') : text.slice(0, PARAGRAPH_BUDGET);
  const end = tails.length > 0 ? tails.reverse().join('\n') : text.slice(-PARAGRAPH_BUDGET);
  return `${start}\n${end}`;
};

export const classifierTexts = (request: ChatRequest, taskCut: TaskCut): ClassifierTexts => {
  let lastUser = '';
  const systems: string[] = [];
  for (const message of request.messages) {
    if (message.role === 'user') lastUser = contentText(message.content);
    else if (message.role === 'system' || message.role === 'developer') systems.push(contentText(message.content));
  }
  return { task: taskCut === 'edgeParagraphs' ? edgeParagraphs(lastUser) : taskText(lastUser), system: systems.join('\n') };
};

/** Dense values, in model order. Logs keep large counts from dominating; every value is small. */
export const DENSE_FEATURES = [
  'taskChars',
  'lastUserChars',
  'promptTokens',
  'hasCode',
  'mathSignals',
  'earlierTurns',
  'hasTools',
  'hasImages',
  'wantsJson',
  'complexIntent',
  'contentIntent',
  'simpleIntent',
  'requestedOutputTokens',
  'hasSystem',
  ...languageNames.map((language) => `language:${language}`),
] as const;

export const denseFeatures = (features: RequestFeatures, texts: ClassifierTexts): Float64Array => {
  const values = new Float64Array(DENSE_FEATURES.length);
  const set = [
    Math.log1p(features.taskChars) / 8,
    Math.log1p(features.lastUserChars) / 10,
    Math.log1p(features.promptTokens) / 10,
    features.codeBlocks > 0 ? 1 : 0,
    Math.log1p(features.mathSignals) / 2,
    Math.log1p(Math.max(0, features.turns - 1)) / 2,
    features.hasTools ? 1 : 0,
    features.hasImages ? 1 : 0,
    features.wantsJson ? 1 : 0,
    Math.log1p(features.complexIntent),
    Math.log1p(features.contentIntent),
    Math.log1p(features.simpleIntent),
    Math.log1p(features.requestedOutputTokens ?? 0) / 10,
    texts.system.length > 0 ? 1 : 0,
    ...languageNames.map((language) => (features.language === language ? 1 : 0)),
  ];
  set.forEach((value, index) => {
    values[index] = value;
  });
  return values;
};

type Hasher = (visit: (bucket: number) => void) => number;

/** The opening and closing words of a task say what is asked ("prove that", "translate this", "in one line"). */
const EDGE_WORDS = 6;
const isSpace = (code: number): boolean => code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x3000;
/** The text up to the end of its EDGE_WORDS-th word (a scan, not a split: this runs per request). */
const firstWords = (text: string): string => {
  let words = 0;
  for (let i = 0, inWord = false; i < text.length; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (!space && !inWord && ++words > EDGE_WORDS) return text.slice(0, i);
    inWord = !space;
  }
  return text;
};
/** The text from the start of its EDGE_WORDS-th word from the end. */
const lastWords = (text: string): string => {
  let words = 0;
  for (let i = text.length - 1, inWord = false; i >= 0; i--) {
    const space = isSpace(text.charCodeAt(i));
    if (!space && !inWord && ++words > EDGE_WORDS) return text.slice(i + 1);
    inWord = !space;
  }
  return text;
};

/** The hashed parts a model can read, in model order. A model file names the ones it was trained on. */
export const HASHED_NAMESPACES = ['taskWords', 'taskChars', 'systemWords', 'taskStart', 'taskEnd'] as const;
export type HashedNamespace = (typeof HASHED_NAMESPACES)[number];
/**
 * What the trainer uses by default: all of them. Without the task's character n-grams (`taskChars`)
 * the held-out AUC moved within the spread of fold assignments (pooled 0.742-0.758 against 0.744 for
 * learning rates 0.1-0.01) while more in-house complex prompts fell to the cheapest tier (22-31 two
 * tiers off against 16), so they stay.
 */
export const DEFAULT_NAMESPACES: readonly HashedNamespace[] = HASHED_NAMESPACES;

const hasher = (namespace: HashedNamespace, texts: ClassifierTexts, dims: number): Hasher => {
  switch (namespace) {
    case 'taskWords':
      return (visit) => hashWords(texts.task, 'taskWords', dims, visit);
    case 'taskChars':
      return (visit) => hashCharNgrams(texts.task, 'taskChars', dims, visit);
    case 'systemWords':
      return (visit) => (texts.system.length > 0 ? hashWords(texts.system, 'systemWords', dims, visit) : 0);
    case 'taskStart':
      return (visit) => hashWords(firstWords(texts.task), 'taskStart', dims, visit);
    case 'taskEnd':
      return (visit) => hashWords(lastWords(texts.task), 'taskEnd', dims, visit);
  }
};

/** The hashed namespaces of a request, in model order; each returns how many features it visited. */
const hashers = (texts: ClassifierTexts, dims: number, namespaces: readonly HashedNamespace[]): Hasher[] =>
  namespaces.map((namespace) => hasher(namespace, texts, dims));

/**
 * How a namespace's occurrences are weighed: each counts 1/occurrences^power. The first models used
 * 0.5 (a long text's topic words then outweigh its few instruction words by sqrt(length)); 0.75 let
 * "summarise this abstract" stay a summary on held-out sources (leave-one-family-out AUC 0.806 ->
 * 0.830, the mean, 1.0, gave 0.816).
 */
export const DEFAULT_LENGTH_POWER = 0.75;
export const FIRST_LENGTH_POWER = 0.5;

/** The hashed part of the linear score, `sum(weight[bucket] * value)`, occurrences weighed as above. */
export const hashedScore = (
  texts: ClassifierTexts,
  weights: ArrayLike<number>,
  dims: number,
  namespaces: readonly HashedNamespace[],
  lengthPower: number,
): number => {
  let score = 0;
  for (const hash of hashers(texts, dims, namespaces)) {
    let sum = 0;
    const count = hash((bucket) => {
      sum += weights[bucket] as number;
    });
    if (count > 0) score += sum / count ** lengthPower;
  }
  return score;
};

/** The same features as (bucket, value) pairs, for training. */
export const hashedFeatures = (
  texts: ClassifierTexts,
  dims: number,
  namespaces: readonly HashedNamespace[],
  lengthPower: number,
): { buckets: Int32Array; values: Float32Array } => {
  const buckets: number[] = [];
  const values: number[] = [];
  for (const hash of hashers(texts, dims, namespaces)) {
    const start = buckets.length;
    const count = hash((bucket) => {
      buckets.push(bucket);
    });
    for (let i = start; i < buckets.length; i++) values.push(1 / count ** lengthPower);
  }
  return { buckets: Int32Array.from(buckets), values: Float32Array.from(values) };
};
