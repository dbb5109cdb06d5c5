import { basename } from 'node:path';
import { type Candidate, type Extractor, isObject, json, list, objects, str, text, user } from './extract-kit.ts';
import { clean, parseCsvRecords, pick, type Rng, randomInt } from './text.ts';

// Cheap-label lookups in long business documents: a fact stated once in a contract (CUAD) or in a
// table or paragraph of an annual report (TAT-QA). The annotated answers only decide which questions
// a document can answer; no answer, clause annotation or derivation reaches a prompt.

const between = (rng: Rng, low: number, high: number): number => low + randomInt(rng, high - low + 1);

/** Whitespace runs to one space, so annotated clause text can be found in the contract text. */
const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

// ---- CUAD: commercial contracts from EDGAR, with one lookup question each ----

/** Contracts longer than this are cut to a seeded prefix, so the prompt stays under the 32,000 limit. */
const MAX_CONTRACT_CHARS = 28_000;
const MIN_CUT_CHARS = 6_000;

interface Field {
  /** Column holding the normalised answer (one column is spelt "- Answer" in the CSV). */
  answer: string;
  /** Column holding the annotated clause text, as a Python list literal. */
  clause: string;
  questions: readonly string[];
}

const fields: readonly Field[] = [
  {
    answer: 'Governing Law-Answer',
    clause: 'Governing Law',
    questions: [
      "Which state's law governs this agreement? One word is fine.",
      'What law governs this contract?',
      "Which jurisdiction's laws apply to this agreement?",
      "What's the governing law here?",
      'Under which law is this contract to be interpreted?',
    ],
  },
  {
    answer: 'Agreement Date-Answer',
    clause: 'Agreement Date',
    questions: [
      'When was this agreement signed?',
      'What date is this agreement dated?',
      "What's the date of this contract?",
      'When was this contract entered into? Just the date, please.',
    ],
  },
  {
    answer: 'Effective Date-Answer',
    clause: 'Effective Date',
    questions: [
      "What's the effective date of this contract?",
      'When does this agreement take effect?',
      'From what date is this agreement effective?',
      'When does this contract become effective?',
    ],
  },
  {
    answer: 'Expiration Date-Answer',
    clause: 'Expiration Date',
    questions: [
      'When does this agreement expire?',
      'When does this contract end?',
      "What's the expiration date of this agreement?",
      'How long does this agreement run? When does the initial term end?',
    ],
  },
  {
    answer: 'Parties-Answer',
    clause: 'Parties',
    questions: [
      'Who are the parties to this agreement?',
      'Who is this contract between?',
      'Name the parties to this contract.',
      'Which parties signed this agreement? Just list them.',
    ],
  },
  {
    answer: 'Document Name-Answer',
    clause: 'Document Name',
    questions: [
      'What is this document called?',
      "What's the title of this agreement?",
      'What is the name of this contract?',
      'What kind of agreement is this? Give me its title.',
    ],
  },
  {
    answer: 'Renewal Term-Answer',
    clause: 'Renewal Term',
    questions: [
      'How long is the renewal term?',
      'If this agreement renews, for how long does each renewal run?',
      "What's the renewal period in this contract?",
      'Does this renew automatically, and for what term?',
    ],
  },
  {
    answer: 'Notice Period To Terminate Renewal- Answer',
    clause: 'Notice Period To Terminate Renewal',
    questions: [
      'How much notice is needed to stop it renewing?',
      'How much notice do we have to give to keep this agreement from auto-renewing?',
      "What's the notice period for non-renewal?",
      "How far in advance do I need to give notice if I don't want this contract to renew?",
    ],
  },
];

const contractTemplates = [
  (t: string, q: string) => `${q}\n\n${t}`,
  (t: string, q: string) => `${t}\n\n${q}`,
  (t: string, q: string) => `Here's a contract:\n\n${t}\n\n${q}`,
  (t: string, q: string) => `${q} The agreement is below.\n\n${t}`,
  (t: string, q: string) => `Contract text:\n"""\n${t}\n"""\n\n${q}`,
  (t: string, q: string) => `I'm going through this agreement. ${q}\n\n${t}`,
];

/** The strings of a Python list literal such as ['a', "b's"] (the CSV's clause columns). */
const pythonStrings = (literal: string): string[] =>
  [...literal.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)]
    .map((m) => squash((m[1] ?? m[2] ?? '').replace(/\\[ntr]/g, ' ').replace(/\\(.)/g, '$1')))
    .filter((s) => s !== '');

/** The first `n` characters, cut back to the last paragraph break (else line, sentence, word) past n/2. */
const cutPrefix = (s: string, n: number): string => {
  const head = s.slice(0, n);
  for (const boundary of ['\n\n', '\n', '. ', ' ']) {
    const at = head.lastIndexOf(boundary);
    if (at > n / 2) return head.slice(0, at + (boundary === '. ' ? 1 : 0));
  }
  return head;
};

const cuad: Extractor = (ctx) => {
  const csv = ctx.paths.find((p) => p.endsWith('/master_clauses.csv'));
  if (csv === undefined) return [];
  const contracts = new Map(ctx.paths.filter((p) => p.endsWith('.txt')).map((p) => [basename(p), p]));
  const out: Candidate[] = [];
  for (const record of parseCsvRecords(text(ctx, csv))) {
    // A dozen file names were mangled when saved (& and ' to _, spaces trimmed); only exact names are used.
    const name = (record.Filename ?? '').replace(/\.pdf$/i, '.txt');
    const path = contracts.get(name);
    if (path === undefined) continue;
    const contract = clean(text(ctx, path));
    if (contract === '') continue;
    const group = basename(name, '.txt');
    for (const field of fields) {
      if ((record[field.answer] ?? '').trim() === '') continue;
      let document = contract;
      if (contract.length > MAX_CONTRACT_CHARS) {
        document = cutPrefix(contract, between(ctx.rng, MIN_CUT_CHARS, MAX_CONTRACT_CHARS));
        // A cut can drop the clause that answers the question; keep the question only when an
        // annotated clause is still inside the prefix (unlocatable clauses count as dropped).
        const prefix = squash(document);
        if (!pythonStrings(record[field.clause] ?? '').some((clause) => prefix.includes(clause))) continue;
      }
      const question = pick(ctx.rng, field.questions);
      out.push({ group, messages: user(pick(ctx.rng, contractTemplates)(document, question)) });
    }
  }
  return out;
};

// ---- TAT-QA: a table and its paragraphs from an annual report, with a span-lookup question ----

const cell = (value: unknown): string => (typeof value === 'string' ? squash(value) : '');

const rowsOf = (table: unknown): string[][] =>
  list(table)
    .map((row) => list(row).map(cell))
    .filter((row) => row.some((c) => c !== ''));

const markdownTable = (rows: readonly string[][]): string => {
  const width = Math.max(...rows.map((row) => row.length));
  const line = (row: readonly string[]) =>
    `| ${Array.from({ length: width }, (_, i) => (row[i] ?? '').replaceAll('|', '\\|')).join(' | ')} |`;
  const [header = [], ...body] = rows;
  return [line(header), `|${' --- |'.repeat(width)}`, ...body.map(line)].join('\n');
};

const tabTable = (rows: readonly string[][]): string => rows.map((row) => row.join('\t')).join('\n');

const reportTemplates = [
  (table: string, paragraphs: string, q: string) => `From this excerpt of an annual report:\n\n${table}\n\n${paragraphs}\n\n${q}`,
  (table: string, paragraphs: string, q: string) => `${table}\n\n${paragraphs}\n\nQuestion: ${q}`,
  (table: string, paragraphs: string, q: string) =>
    `Here's a table and the notes around it from a company's annual report.\n\n${table}\n\n${paragraphs}\n\n${q}`,
  (table: string, paragraphs: string, q: string) =>
    `Annual report excerpt:\n\n${table}\n\n${paragraphs}\n\nBased on the excerpt above: ${q}`,
  (table: string, paragraphs: string, q: string) => `${table}\n\n${paragraphs}\n\n${q}`,
  (table: string, paragraphs: string, q: string) =>
    `I'm reading a 10-K and found this table and text:\n\n${table}\n\n${paragraphs}\n\n${q}`,
];

const tatqa: Extractor = (ctx) =>
  ctx.paths.flatMap((path) => {
    const out: Candidate[] = [];
    for (const entry of objects(json(ctx, path))) {
      const table = isObject(entry.table) ? entry.table : {};
      const group = str(table, 'uid');
      const rows = rowsOf(table.table);
      const paragraphs = objects(entry.paragraphs)
        .sort((a, b) => Number(a.order) - Number(b.order))
        .map((p) => str(p, 'text').trim())
        .filter((p) => p !== '')
        .join('\n\n');
      if (group === '' || rows.length === 0 || paragraphs === '') continue;
      // Span answers are read straight off the table or text; arithmetic, count and multi-span
      // questions are left out as they need more than a lookup.
      for (const item of objects(entry.questions)) {
        const question = str(item, 'question').trim();
        if (str(item, 'answer_type') !== 'span' || question === '') continue;
        const rendered = ctx.rng() < 0.6 ? markdownTable(rows) : tabTable(rows);
        out.push({ group, messages: user(pick(ctx.rng, reportTemplates)(rendered, paragraphs, question)) });
      }
    }
    return out;
  });

export const documentExtractors: Record<string, Extractor> = {
  cuad,
  tatqa,
};
