import { basename, dirname } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { choiceTemplates } from './choice-layouts.ts';
import { classificationExtractors } from './extract-classification.ts';
import { codeEditExtractors } from './extract-code-edits.ts';
import { documentExtractors } from './extract-documents.ts';
import { easyCodeExtractors } from './extract-easy-code.ts';
import { engineeringExtractors } from './extract-engineering.ts';
import { examExtractors } from './extract-exams.ts';
import {
  type Candidate,
  type ExtractContext,
  type Extractor,
  isObject,
  json,
  jsonEntries,
  jsonLines,
  list,
  type Message,
  objects,
  type Role,
  str,
  text,
  user,
} from './extract-kit.ts';
import { multilingualExtractors } from './extract-multilingual.ts';
import { textTaskExtractors } from './extract-text-tasks.ts';
import { clean, decodeMixed, htmlToText, parseCsvRecords, pick, type Rng } from './text.ts';

export type { Candidate, ExtractContext, Extractor, Message };

// One extractor per source id: from the files read at the pinned commit to candidate rows, in a
// stable order (sorted paths, then file order). Sampling and caps happen in build-corpus.ts.

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

/** doocs/leetcode README_EN.md: front matter (difficulty, tags), title line, HTML statement between markers. */
interface LeetCodeProblem {
  difficulty: string;
  tags: string[];
  title: string;
  statement: string;
}

const parseLeetCode = (markdown: string): LeetCodeProblem | undefined => {
  const front = /^---\n([\s\S]*?)\n---/.exec(markdown)?.[1];
  const body = /<!-- description:start -->([\s\S]*?)<!-- description:end -->/.exec(markdown)?.[1];
  if (front === undefined || body === undefined) return undefined;
  const difficulty = /^difficulty: *(\w+)/m.exec(front)?.[1] ?? '';
  const tags = [...front.matchAll(/^\s+- (.+)$/gm)].map((m) => (m[1] ?? '').trim());
  // "# [4. Median of Two Sorted Arrays](https://leetcode.com/...)" -> "4. Median of Two Sorted Arrays"
  const title = /^# \[(.+?)\]\(/m.exec(markdown)?.[1]?.trim() ?? '';
  // Zero-width spaces sprinkled in some statements are invisible noise.
  return { difficulty, tags, title, statement: clean(htmlToText(body).replace(/\u200b|\u200c|\u200d|\ufeff/g, '')) };
};

const leetCodeGroup = (tags: readonly string[]): string => {
  for (const special of ['Database', 'JavaScript', 'TypeScript', 'Shell', 'Concurrency', 'Pandas']) {
    if (tags.includes(special)) return special.toLowerCase();
  }
  return 'algorithms';
};

const codeLanguages = ['Python', 'C++', 'Java', 'JavaScript', 'TypeScript', 'Go', 'Rust', 'C#'];

// The same phrasings for every difficulty, so the wording says nothing about the label.
const leetCodeTemplates = [
  (p: LeetCodeProblem, _lang: string) => p.statement,
  (p: LeetCodeProblem, _lang: string) => `${p.title}\n\n${p.statement}`,
  (p: LeetCodeProblem, lang: string) => `${p.statement}\n\nSolve this in ${lang}.`,
  (p: LeetCodeProblem, lang: string) =>
    `Can you help me with this coding problem? I'd like a ${lang} solution.\n\n${p.statement}`,
];

/** LeetCode problems of one difficulty from doocs/leetcode (solution/ and lcci/). */
const leetCode =
  (difficulty: 'Easy' | 'Hard'): Extractor =>
  (ctx) =>
    ctx.paths.flatMap((path) => {
      const problem = parseLeetCode(text(ctx, path).replace(/\r\n?/g, '\n'));
      if (!problem || problem.difficulty !== difficulty || problem.statement === '') return [];
      const group = leetCodeGroup(problem.tags);
      const lang =
        group === 'algorithms' ? pick(ctx.rng, codeLanguages) : group === 'database' ? 'SQL' : 'the language it asks for';
      return [{ group, messages: user(pick(ctx.rng, leetCodeTemplates)(problem, lang)) }];
    });

const mbppTemplates = [
  (task: string, _tests: string[]) => task,
  (task: string, tests: string[]) => `${task} Your code should pass these tests:\n\n${tests.join('\n')}`,
  (task: string, tests: string[]) => `${task}\nFor example: ${tests[0] ?? ''}`,
  (task: string, _tests: string[]) => `In Python: ${task.charAt(0).toLowerCase()}${task.slice(1)}`,
];

const exercismTemplates = [
  (doc: string, stub: string) =>
    `${doc}\n\n${stub ? `Here's the starting code:\n\n\`\`\`python\n${stub}\n\`\`\`` : 'Write it in Python.'}`,
  (doc: string, _stub: string) => `Can you help me solve this Python exercise?\n\n${doc}`,
  (doc: string, _stub: string) => `${doc}\n\nPlease write a Python solution.`,
];

/** Exercism's markdown minus the top-level "# Instructions" / "# Introduction" headings and admonition fences. */
const exercismDoc = (markdown: string): string =>
  clean(markdown.replace(/^# (Instructions|Introduction)\s*$/gim, '').replace(/^~~~~(exercism\/\w+)?\s*$/gm, ''));

/** "name[The Eagle], eatType[coffee shop], ..." -> [["name", "The Eagle"], ...] */
const parseMeaningRepresentation = (mr: string): [string, string][] =>
  [...mr.matchAll(/([A-Za-z ]+)\[([^\]]*)\]/g)].map((m) => [(m[1] ?? '').trim(), (m[2] ?? '').trim()]);

const e2eTemplates = [
  (mr: string, _fields: [string, string][]) => `Write a short description of a restaurant from these attributes:\n${mr}`,
  (_mr: string, fields: [string, string][]) =>
    `Turn this into one or two natural sentences for a restaurant listing:\n${fields.map(([k, v]) => `- ${k}: ${v}`).join('\n')}`,
  (mr: string, _fields: [string, string][]) => `${mr}\n\nDescribe this place in a sentence.`,
  (_mr: string, fields: [string, string][]) =>
    `Write a one-sentence blurb about ${fields.find(([k]) => k === 'name')?.[1] ?? 'this restaurant'} using: ${fields
      .filter(([k]) => k !== 'name')
      .map(([k, v]) => `${k} = ${v}`)
      .join('; ')}`,
];

const commonGenTemplates = [
  (words: string[]) => `Write a sentence using all of these words: ${words.join(', ')}.`,
  (words: string[]) => `Make a short, everyday sentence that includes the words "${words.join('", "')}".`,
  (words: string[]) => `Concepts: ${words.join(', ')}\nWrite one sentence describing a scene with all of them.`,
  (words: string[]) => `Can you write a simple sentence with ${words.slice(0, -1).join(', ')} and ${words.at(-1) ?? ''}?`,
];

/** SNLI's tokenised text ("packages ." / "do n't") back to ordinary spacing. */
const detokenize = (s: string): string =>
  s
    .trim()
    .replace(/ ([.,!?;:%)\]}]|n't|'s|'re|'ve|'ll|'d|'m)(?=\s|$)/g, '$1')
    .replace(/([([{$]) /g, '$1')
    .replace(/ ' /g, "' ")
    .replace(/`` | ''/g, '"');

const nliTemplates = [
  (p: string, h: string) =>
    `Premise: ${p}\nHypothesis: ${h}\n\nDoes the premise entail the hypothesis, contradict it, or neither?`,
  (p: string, h: string) => `If "${p}" is true, is it also true that "${h}"? Answer yes, no, or can't tell.`,
  (p: string, h: string) =>
    `Sentence A: ${p}\nSentence B: ${h}\nClassify the relation between A and B as entailment, neutral, or contradiction.`,
  (p: string, h: string) => `${p}\n\nBased on the sentence above, can we conclude that "${h}"?`,
];

/**
 * The members of a ZIP archive (stored or deflated), read through its central directory, by name.
 * Enough for the small data zips some repositories carry; no ZIP64, no encryption.
 */
const unzip = (zip: Buffer): Map<string, Buffer> => {
  const files = new Map<string, Buffer>();
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a ZIP archive (no end of central directory)');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad ZIP central directory entry at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    at += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + compressed);
    if (method !== 0 && method !== 8) throw new Error(`${name}: unsupported ZIP method ${method}`);
    files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
  }
  return files;
};

/** Semicolon-separated values with double-quoted fields (HWU64's CSV), as records keyed by the header. */
const parseSemicolonRecords = (content: string): Record<string, string>[] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < content.length; i++) {
    const c = content[i];
    if (quoted) {
      if (c === '"' && content[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ';') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && content[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  const [header, ...body] = rows;
  if (!header) return [];
  return body
    .filter((cells) => cells.some((cell) => cell !== ''))
    .map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
};

// ---- arithmetic, multiple choice and question phrasings for the register sources ----

const operatorWords: Record<string, string> = { '+': 'plus', '-': 'minus', '*': 'times', '/': 'divided by' };

/** "17 * 94" -> "17 times 94" (only for a single operation, where words read naturally). */
const arithmeticWords = (expression: string): string | undefined => {
  const m = /^(-?\d+) ([-+*/]) (-?\d+)$/.exec(expression);
  return m ? `${m[1]} ${operatorWords[m[2] ?? ''] ?? ''} ${m[3]}` : undefined;
};

const arithmeticTemplates = [
  (e: string) => `${e} =`,
  (e: string) => `What is ${e}?`,
  (e: string) => e,
  (e: string) => `Calculate ${e}`,
  (e: string) => `what's ${e.replaceAll(' ', '')}`,
  (e: string) => `What is ${arithmeticWords(e) ?? e}?`,
  (e: string) => `${e.replaceAll(' ', '')}=?`,
];

const piqaTemplates = [
  (goal: string, a: string, b: string) => `${goal}\n\n1. ${a}\n2. ${b}\n\nWhich of these makes more sense?`,
  (goal: string, a: string, b: string) => `Goal: ${goal}\nOption A: ${a}\nOption B: ${b}\nWhich option achieves the goal?`,
  (goal: string, a: string, b: string) => `${goal.replace(/[\s,;:]+$/, '')}\nWhich is correct?\n- ${a}\n- ${b}`,
];

// Only the English questions get a phrasing around them; the translated ones are used as written.
const designTemplates = [
  (q: string) => q,
  (q: string) => `${q}.`,
  (q: string) => `System design question: ${q}`,
  (q: string) => `${q}. Walk me through the main components, the data model and how it scales.`,
];

/** The first cells of the System Design Primer question tables (header cell "Question" or its translation). */
const designQuestions = (markdown: string): string[] => {
  const out: string[] = [];
  let inTable = false;
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (!line.startsWith('|')) {
      inTable = false;
      continue;
    }
    const cells = line.split('|').map((cell) => cell.trim());
    const first = cells[1] ?? '';
    if (/^(Question|問題|问题|質問)$/.test(first)) {
      inTable = true;
      continue;
    }
    if (!inTable || /^:?-+:?$/.test(first) || first === '') continue;
    // "Add a system design question" rows invite contributions; they are not questions.
    if (/^Add |追加する|添加|增加|新增|貢獻|貢献/.test(first)) continue;
    out.push(clean(first.replace(/<br\s*\/?>/gi, '\n')));
  }
  return out;
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

  'leetcode-hard': leetCode('Hard'),

  'leetcode-easy': leetCode('Easy'),

  mbpp: (ctx) =>
    ctx.paths.flatMap((path) =>
      jsonLines(ctx, path)
        .filter(isObject)
        .map((row) => {
          const tests = list(row.test_list).filter((t): t is string => typeof t === 'string');
          return { group: 'mbpp', messages: user(pick(ctx.rng, mbppTemplates)(str(row, 'text').trim(), tests)) };
        }),
    ),

  'exercism-easy': (ctx) => {
    const config = json(ctx, 'config.json');
    const exercises = isObject(config) && isObject(config.exercises) ? objects(config.exercises.practice) : [];
    const read = (path: string) => (ctx.paths.includes(path) ? text(ctx, path) : '');
    return exercises.flatMap((exercise) => {
      const slug = str(exercise, 'slug');
      const difficulty = exercise.difficulty;
      if (typeof difficulty !== 'number' || difficulty > 3 || str(exercise, 'status') === 'deprecated') return [];
      const dir = `exercises/practice/${slug}`;
      // The track's instructions.append.md is about Exercism's test harness, not the task: left out.
      const doc = ['introduction.md', 'instructions.md']
        .map((name) => exercismDoc(read(`${dir}/.docs/${name}`)))
        .filter((part) => part !== '')
        .join('\n\n');
      if (!ctx.paths.includes(`${dir}/.docs/instructions.md`) || doc === '') return [];
      const meta = ctx.paths.includes(`${dir}/.meta/config.json`) ? json(ctx, `${dir}/.meta/config.json`) : {};
      const files = isObject(meta) && isObject(meta.files) ? list(meta.files.solution) : [];
      const stub = files
        .filter((f): f is string => typeof f === 'string')
        .map((f) => clean(read(`${dir}/${f}`)))
        .filter((code) => code !== '')
        .join('\n\n');
      return [{ group: slug, messages: user(pick(ctx.rng, exercismTemplates)(doc, stub)) }];
    });
  },

  'e2e-nlg': (ctx) => {
    // Several human references share one meaning representation: one candidate per distinct MR.
    const seen = new Set<string>();
    return ctx.paths.flatMap((path) =>
      parseCsvRecords(text(ctx, path)).flatMap((row) => {
        const mr = (row.mr ?? row.MR ?? '').trim();
        if (mr === '' || seen.has(mr)) return [];
        seen.add(mr);
        const fields = parseMeaningRepresentation(mr);
        if (fields.length === 0) return [];
        return [{ group: basename(path, '.csv'), messages: user(pick(ctx.rng, e2eTemplates)(mr, fields)) }];
      }),
    );
  },

  clinc150: (ctx) =>
    ctx.paths.flatMap((path) =>
      // Every split (in-scope and out-of-scope queries), in the file's key order.
      jsonEntries(ctx, path).flatMap(([, split]) =>
        list(split).flatMap((pair) => {
          const [query, intent] = list(pair);
          return typeof query === 'string' && typeof intent === 'string' ? [{ group: intent, messages: user(query) }] : [];
        }),
      ),
    ),

  commongen: (ctx) => {
    // The training file lists a concept set once per reference sentence: keep each set once.
    const seen = new Set<string>();
    return ctx.paths.flatMap((path) =>
      text(ctx, path)
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => {
          if (line === '' || seen.has(line)) return false;
          seen.add(line);
          return true;
        })
        .map((line) => {
          const words = line.split(/\s+/);
          return { group: String(words.length), messages: user(pick(ctx.rng, commonGenTemplates)(words)) };
        }),
    );
  },

  'snli-nli': (ctx) => {
    const lines = (path: string) => text(ctx, path).replace(/\r\n?/g, '\n').split('\n');
    return ctx.paths
      .filter((path) => basename(path).startsWith('s1.'))
      .flatMap((s1Path) => {
        const split = s1Path.slice(s1Path.lastIndexOf('.') + 1);
        const dir = dirname(s1Path);
        const premises = lines(s1Path);
        const hypotheses = lines(`${dir}/s2.${split}`);
        const labels = lines(`${dir}/labels.${split}`);
        return premises.flatMap((premise, i) => {
          const hypothesis = hypotheses[i] ?? '';
          if (premise.trim() === '' || hypothesis.trim() === '') return [];
          const prompt = pick(ctx.rng, nliTemplates)(detokenize(premise), detokenize(hypothesis));
          return [{ group: (labels[i] ?? '').trim() || 'unlabelled', messages: user(prompt) }];
        });
      });
  },

  expertqa: (ctx) =>
    ctx.paths.flatMap((path) =>
      jsonLines(ctx, path)
        .filter(isObject)
        .map((row) => {
          const metadata = isObject(row.metadata) ? row.metadata : {};
          return { group: str(metadata, 'field') || 'unknown', messages: user(str(row, 'question')) };
        }),
    ),

  proofnet: (ctx) =>
    ctx.paths.flatMap((path) =>
      jsonLines(ctx, path)
        .filter(isObject)
        .map((row) => ({ group: str(row, 'id').split('|')[0] ?? 'unknown', messages: user(str(row, 'nl_statement')) })),
    ),

  'system-design': (ctx) =>
    ctx.paths.flatMap((path) => {
      const lang = /README-([A-Za-z-]+)\.md$/.exec(path)?.[1] ?? 'en';
      return designQuestions(text(ctx, path)).map((question) => ({
        group: lang,
        messages: user(lang === 'en' ? pick(ctx.rng, designTemplates)(question) : question),
      }));
    }),

  'agieval-gaokao-sci': agieval,

  'simple-arithmetic': (ctx) =>
    ctx.paths.flatMap((path) =>
      jsonLines(ctx, path)
        .filter(isObject)
        .flatMap((row) => {
          const expression = str(row, 'context')
            .replace(/\s*=\s*$/, '')
            .trim();
          if (expression === '') return [];
          const ops = (expression.match(/ [-+*/] /g) ?? []).length;
          return [{ group: `${ops} ops`, messages: user(pick(ctx.rng, arithmeticTemplates)(expression)) }];
        }),
    ),

  hwu64: (ctx) => {
    // The folds' test sets are disjoint; an utterance id seen twice is kept once.
    const seen = new Set<string>();
    return ctx.paths.flatMap((path) =>
      parseSemicolonRecords(text(ctx, path)).flatMap((row) => {
        const typed = (row.answer_from_user ?? '').trim();
        const utterance = typed && typed !== 'null' && typed !== 'xxx' ? typed : (row.answer_from_anno ?? '').trim();
        const key = `${row.answerid}:${utterance}`;
        if (utterance === '' || utterance === 'null' || seen.has(key)) return [];
        seen.add(key);
        return [{ group: `${row.scenario}_${row.intent}`, messages: user(utterance) }];
      }),
    );
  },

  'topical-chat': (ctx) =>
    ctx.paths.flatMap((path) =>
      jsonEntries(ctx, path)
        .map(([, conversation]) => conversation)
        .filter(isObject)
        .flatMap((conversation) => {
          const turns = objects(conversation.content).map((turn) => ({
            role: (str(turn, 'agent') === 'agent_1' ? 'user' : 'assistant') as Role,
            content: clean(str(turn, 'message')),
          }));
          const userTurns = turns.flatMap((turn, i) => (turn.role === 'user' ? [i] : []));
          if (userTurns.length === 0 || turns[0]?.role !== 'user' || turns.some((t) => t.content === '')) return [];
          // Squared uniform: about a third of the cuts land on the opening turn (greetings, "do you like...?").
          const cut = userTurns[Math.floor(userTurns.length * ctx.rng() ** 2)] ?? 0;
          return [{ group: basename(path, '.json'), messages: turns.slice(0, cut + 1) }];
        }),
    ),

  svamp: (ctx) =>
    ctx.paths.flatMap((path) =>
      objects(json(ctx, path)).map((row) => {
        const body = str(row, 'Body').trim();
        const question = str(row, 'Question').trim();
        // A few bodies end mid-sentence ("...on each pack"), then the question continues it.
        const prompt = /[.!?]$/.test(body)
          ? `${body} ${question}`
          : `${body}, ${question.charAt(0).toLowerCase()}${question.slice(1)}`;
        return { group: str(row, 'Type').replace('Common-Divison', 'Common-Division'), messages: user(prompt) };
      }),
    ),

  cmath: (ctx) =>
    ctx.paths.flatMap((path) =>
      jsonLines(ctx, path)
        .filter(isObject)
        .flatMap((row) => {
          const grade = row.grade;
          if (typeof grade !== 'number' || grade > 4) return [];
          return [{ group: `grade ${grade}`, messages: user(str(row, 'input')) }];
        }),
    ),

  'xor-tydi': (ctx) =>
    ctx.paths.flatMap((path) =>
      jsonLines(ctx, path)
        .filter(isObject)
        .map((row) => ({ group: str(row, 'lang'), messages: user(str(row, 'question')) })),
    ),

  mkqa: (ctx) =>
    ctx.paths.flatMap((path) => {
      // One file per language, the same queries in each: every query is used once, in a seeded language.
      const byLanguage = new Map<string, Map<string, string>>();
      const members = [...unzip(ctx.bytes(path)).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [name, bytes] of members) {
        const lang = /mkqa-([a-z_]+)\.jsonl$/.exec(name)?.[1];
        if (!lang || lang === 'en') continue;
        const queries = new Map<string, string>();
        for (const line of bytes.toString('utf8').split('\n')) {
          if (line.trim() === '') continue;
          const row: unknown = JSON.parse(line);
          if (isObject(row)) queries.set(str(row, 'id').replace(/_[a-z_]+$/, ''), str(row, 'question'));
        }
        byLanguage.set(lang, queries);
      }
      const languages = [...byLanguage.keys()];
      const ids = [...(byLanguage.get(languages[0] ?? '')?.keys() ?? [])];
      return ids.flatMap((id) => {
        const lang = pick(ctx.rng, languages);
        const question = byLanguage.get(lang)?.get(id)?.trim() ?? '';
        return question === '' ? [] : [{ group: lang, messages: user(question) }];
      });
    }),

  'commonsense-qa': (ctx) =>
    ctx.paths.flatMap((path) =>
      jsonLines(ctx, path)
        .filter(isObject)
        .flatMap((row) => {
          // llm-foundry's rendering: "Question: ...\nChoices:\nA. ...\nB. ...\nAnswer:"
          const m = /^Question: ([\s\S]+?)\nChoices:\n([\s\S]+?)\nAnswer:$/.exec(str(row, 'query'));
          if (!m) return [];
          const options = (m[2] ?? '').split('\n').map((line) => line.replace(/^[A-E]\. /, '').trim());
          return [{ group: 'commonsense-qa', messages: user(pick(ctx.rng, choiceTemplates)((m[1] ?? '').trim(), options)) }];
        }),
    ),

  piqa: (ctx) =>
    ctx.paths.flatMap((path) =>
      jsonLines(ctx, path)
        .filter(isObject)
        .flatMap((row) => {
          const goal = str(row, 'query')
            .replace(/^Question:\s*/, '')
            .trim();
          const [a, b] = list(row.choices).filter((c): c is string => typeof c === 'string');
          if (goal === '' || !a || !b) return [];
          return [{ group: 'piqa', messages: user(pick(ctx.rng, piqaTemplates)(goal, a.trim(), b.trim())) }];
        }),
    ),
  ...engineeringExtractors,
  ...multilingualExtractors,
  ...classificationExtractors,
  ...textTaskExtractors,
  ...easyCodeExtractors,
  ...documentExtractors,
  ...codeEditExtractors,
  ...examExtractors,
};
