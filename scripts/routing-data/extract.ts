import { basename, dirname } from 'node:path';
import { clean, decodeMixed, htmlToText, parseCsvRecords, pick, type Rng } from './text.ts';

// One extractor per source id: from the files read at the pinned commit to candidate rows, in a
// stable order (sorted paths, then file order). Sampling and caps happen in build-corpus.ts.

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
}

export type Extractor = (ctx: ExtractContext) => Candidate[];

const user = (content: string): Message[] => [{ role: 'user', content: clean(content) }];

const text = (ctx: ExtractContext, path: string): string => ctx.bytes(path).toString('utf8');

const json = (ctx: ExtractContext, path: string): unknown => JSON.parse(text(ctx, path));

const jsonLines = (ctx: ExtractContext, path: string): unknown[] =>
  text(ctx, path)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const str = (record: Json, key: string): string => {
  const value = record[key];
  return typeof value === 'string' ? value : '';
};

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const objects = (value: unknown): Json[] => list(value).filter(isObject);

/** BIG-Bench style files: { examples: [{ input, target }] } -> input only. */
const bigBench =
  (groupOf: (path: string) => string): Extractor =>
  (ctx) =>
    ctx.paths.flatMap((path) => {
      const data = json(ctx, path);
      const examples = isObject(data) ? objects(data.examples) : [];
      return examples.map((example) => ({ group: groupOf(path), messages: user(str(example, 'input')) }));
    });

/** AGIEval jsonl: passage, question, options. */
const agieval: Extractor = (ctx) =>
  ctx.paths.flatMap((path) =>
    jsonLines(ctx, path)
      .filter(isObject)
      .map((row) => {
        const options = list(row.options).filter((option): option is string => typeof option === 'string');
        const question = str(row, 'question').replace(/[\s\\]+$/, '');
        const body = options.length > 0 ? `${question}\n${options.join('\n')}` : question;
        const passage = str(row, 'passage').trim();
        return { group: basename(path, '.jsonl'), messages: user(passage ? `${passage}\n\n${body}` : body) };
      }),
  );

const triviaTemplates = [
  (q: string, options: string[]) => `${q}\n${options.map((o, i) => `${String.fromCharCode(65 + i)}) ${o}`).join('\n')}`,
  (q: string, options: string[]) => `${q}\n\nOptions: ${options.join(', ')}`,
  (q: string, options: string[]) =>
    `Trivia question: ${q}\n${options.map((o, i) => `${String.fromCharCode(65 + i)}. ${o}`).join('\n')}`,
];

/** OpenTriviaQA text format: "#Q question" lines, "^ answer", then "A option" lines. */
const parseTrivia = (content: string): { question: string; options: string[] }[] =>
  content
    .replace(/\r\n?/g, '\n')
    .split(/^#Q /m)
    .slice(1)
    .map((block) => {
      const lines = block.split('\n');
      const answerAt = lines.findIndex((line) => line.startsWith('^'));
      const questionLines = answerAt === -1 ? lines : lines.slice(0, answerAt);
      const options = (answerAt === -1 ? [] : lines.slice(answerAt + 1))
        .map((line) => /^[A-Z] (.+)$/.exec(line)?.[1]?.trim())
        .filter((option): option is string => option !== undefined && option !== '');
      return { question: clean(questionLines.join('\n')), options };
    })
    .filter((item) => item.question !== '' && item.options.length >= 2);

const tldrTemplates = [
  (a: string) => `Write a one-sentence TL;DR of this paper abstract:\n\n${a}`,
  (a: string) => `Summarize the following abstract in one sentence.\n\n${a}`,
  (a: string) => `${a}\n\nGive me a one-line summary of the above.`,
  (a: string) => `Can you condense this abstract into a single sentence?\n\n${a}`,
];

const storyTemplates = [
  (s: string, q: string) => `Read the story below and answer the question.\n\n${s}\n\nQuestion: ${q}`,
  (s: string, q: string) => `${s}\n\n${q}`,
  (s: string, q: string) => `Here is a passage from a children's story:\n\n${s}\n\nAnswer this question about it: ${q}`,
];

const logUniform = (rng: Rng, min: number, max: number): number => Math.round(min * (max / min) ** rng());

/**
 * parts[first..last] joined by blank lines, widened one neighbour at a time (after, then before)
 * while the result stays within `target` characters.
 */
const window = (parts: readonly string[], first: number, last: number, target: number): string => {
  let lo = first;
  let hi = last;
  const size = (a: number, b: number) => parts.slice(a, b + 1).reduce((n, part) => n + part.length + 2, -2);
  for (let grew = true; grew; ) {
    grew = false;
    if (hi + 1 < parts.length && size(lo, hi + 1) <= target) {
      hi++;
      grew = true;
    }
    if (lo > 0 && size(lo - 1, hi) <= target) {
      lo--;
      grew = true;
    }
  }
  return parts
    .slice(lo, hi + 1)
    .filter((part) => part !== '')
    .join('\n\n');
};

export const extractors: Record<string, Extractor> = {
  'math-l45': (ctx) =>
    ctx.paths.flatMap((path) => {
      const row = json(ctx, path);
      if (!isObject(row)) return [];
      const level = str(row, 'level');
      if (level !== 'Level 4' && level !== 'Level 5') return [];
      return [{ group: str(row, 'type'), messages: user(str(row, 'problem')) }];
    }),

  'bbh-hard': bigBench((path) => basename(path, '.json')),

  bbeh: bigBench((path) => basename(dirname(path))),

  theoremqa: (ctx) =>
    ctx.paths.flatMap((path) =>
      objects(json(ctx, path))
        .filter((row) => !row.Picture)
        .map((row) => ({ group: str(row, 'field'), messages: user(str(row, 'Question')) })),
    ),

  'agieval-lsat': agieval,

  'agieval-math': agieval,

  scibench: (ctx) =>
    ctx.paths.flatMap((path) =>
      objects(json(ctx, path)).map((row) => {
        const unit = str(row, 'unit').trim();
        const problem = str(row, 'problem_text').trim();
        return {
          group: basename(path, '.json'),
          messages: user(unit ? `${problem}\nThe unit of the answer is ${unit}.` : problem),
        };
      }),
    ),

  codejam: (ctx) =>
    ctx.paths.map((path) => {
      const lines = htmlToText(text(ctx, path)).split('\n');
      // Drop the contest banner ("Code Jam 2019 - Round 2"): a user pastes the problem, not its provenance.
      if (/^(Distributed )?Code Jam\b/.test(lines[0] ?? '')) lines.shift();
      return { group: path.split('/').slice(1, 3).join('/'), messages: user(lines.join('\n')) };
    }),

  xquad: (ctx) =>
    ctx.paths.flatMap((path) => {
      const lang = /xquad\.([a-z]+)\.json$/.exec(path)?.[1] ?? path;
      const data = json(ctx, path);
      return objects(isObject(data) ? data.data : []).flatMap((article) => {
        const paragraphs = objects(article.paragraphs);
        const contexts = paragraphs.map((paragraph) => str(paragraph, 'context').trim());
        return paragraphs.flatMap((paragraph, at) =>
          objects(paragraph.qas).map((qa) => {
            // Half the rows give the paragraph alone; the rest paste a longer stretch of the same article.
            const target = ctx.rng() < 0.5 ? 0 : logUniform(ctx.rng, 1500, 8000);
            const context = window(contexts, at, at, target);
            const question = str(qa, 'question').trim();
            const prompt = ctx.rng() < 0.7 ? `${context}\n\n${question}` : `${question}\n\n${context}`;
            return { group: lang, messages: user(prompt) };
          }),
        );
      });
    }),

  'sgd-dialogues': (ctx) =>
    ctx.paths.flatMap((path) =>
      objects(json(ctx, path)).flatMap((dialogue) => {
        const turns = objects(dialogue.turns).map((turn) => ({
          role: (str(turn, 'speaker') === 'USER' ? 'user' : 'assistant') as Role,
          content: clean(str(turn, 'utterance')),
        }));
        const userTurns = turns.flatMap((turn, i) => (turn.role === 'user' ? [i] : []));
        if (userTurns.length === 0 || turns[0]?.role !== 'user') return [];
        const cut = pick(ctx.rng, userTurns);
        const service = list(dialogue.services).find((s): s is string => typeof s === 'string') ?? 'unknown';
        return [{ group: service, messages: turns.slice(0, cut + 1) }];
      }),
    ),

  'nq-open': (ctx) =>
    ctx.paths.flatMap((path) =>
      jsonLines(ctx, path)
        .filter(isObject)
        .map((row) => ({ group: 'nq-open', messages: user(str(row, 'question')) })),
    ),

  opentriviaqa: (ctx) => {
    // The same question can sit in several category files: keep its first (path order) occurrence.
    const seen = new Set<string>();
    return ctx.paths.flatMap((path) =>
      parseTrivia(decodeMixed(ctx.bytes(path)))
        .filter(({ question }) => {
          if (seen.has(question)) return false;
          seen.add(question);
          return true;
        })
        .map(({ question, options }) => ({
          group: basename(path),
          messages: user(pick(ctx.rng, triviaTemplates)(question, options)),
        })),
    );
  },

  scitldr: (ctx) =>
    ctx.paths.flatMap((path) =>
      jsonLines(ctx, path)
        .filter(isObject)
        .map((row) => {
          const abstract = list(row.source)
            .filter((s): s is string => typeof s === 'string')
            .join(' ');
          return { group: 'scitldr', messages: user(pick(ctx.rng, tldrTemplates)(abstract)) };
        }),
    ),

  fairytaleqa: (ctx) => {
    const storyPath = (questionsPath: string) =>
      questionsPath.replace('/questions/', '/section-stories/').replace(/-questions\.csv$/, '-story.csv');
    return ctx.paths
      .filter((path) => path.includes('/questions/'))
      .flatMap((path) => {
        const storyFile = storyPath(path);
        if (!ctx.paths.includes(storyFile)) return [];
        const records = parseCsvRecords(text(ctx, storyFile));
        const sectionIds = records.map((row) => row.section?.trim() ?? '');
        const sections = records.map((row) => clean(row.text ?? ''));
        const name = basename(path, '-questions.csv');
        return parseCsvRecords(text(ctx, path)).flatMap((row) => {
          const question = clean(row.question ?? '');
          const cited = (row.cor_section ?? '')
            .split(',')
            .map((id) => sectionIds.indexOf(id.trim()))
            .filter((i) => i >= 0);
          if (question === '' || cited.length === 0) return [];
          // The cited sections, widened with their neighbours up to a seeded length (the whole story if it is shorter).
          const passage = window(sections, Math.min(...cited), Math.max(...cited), logUniform(ctx.rng, 800, 9000));
          return [{ group: name, messages: user(pick(ctx.rng, storyTemplates)(passage, question)) }];
        });
      });
  },

  'gsm8k-train': (ctx) =>
    ctx.paths.flatMap((path) =>
      jsonLines(ctx, path)
        .filter(isObject)
        .map((row) => ({ group: 'gsm8k', messages: user(str(row, 'question')) })),
    ),
};
