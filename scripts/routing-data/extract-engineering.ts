import { gunzipSync } from 'node:zlib';
import { type Extractor, isObject, jsonLines, list, str, text, user } from './extract-kit.ts';
import { parseCsvRecords, pick } from './text.ts';

// Strong-label prompts in the register of real engineering work (added in v5): analytical SQL on
// real warehouse schemas, GitHub issues that need a patch, library-heavy Python tasks, data-science
// tasks. Each row is labelled by the benchmark (and, where it has one, its difficulty field).

const sqlDialects: Record<string, string> = { bq: 'BigQuery', ga: 'BigQuery', sf: 'Snowflake', lo: 'SQLite' };

const sqlTemplates = [
  (q: string) => q,
  (q: string, dialect: string, db: string) => `Write a ${dialect} SQL query for the ${db} database. ${q}`,
  (q: string, dialect: string) => `${q}\n\nI need the ${dialect} SQL for this.`,
  (q: string, _dialect: string, db: string) => `Our warehouse has the ${db} dataset. ${q} Give me the query.`,
];

const issueTemplates = [
  (issue: string) => issue,
  (issue: string, repo: string) =>
    `Here is an issue from the ${repo} repository. Find the cause and write a patch that fixes it.\n\n${issue}`,
  (issue: string) => `${issue}\n\nHow should this be fixed?`,
];

const dataTaskTemplates = [
  (task: string) => task,
  (task: string) => `I have the dataset in my working directory. ${task}`,
  (task: string) => `Data task: ${task}`,
];

export const engineeringExtractors: Record<string, Extractor> = {
  // Spider 2.0-lite: every task (the benchmark as a whole is the label), question with its dialect.
  'spider2-lite': (ctx) =>
    ctx.paths.flatMap((path) =>
      jsonLines(ctx, path)
        .filter(isObject)
        .flatMap((row) => {
          const question = str(row, 'question').trim();
          const prefix = str(row, 'instance_id').slice(0, 2);
          if (question === '') return [];
          const dialect = sqlDialects[prefix] ?? 'SQL';
          return [{ group: dialect, messages: user(pick(ctx.rng, sqlTemplates)(question, dialect, str(row, 'db'))) }];
        }),
    ),

  // SWE-bench Lite problem statements (real GitHub issues of 12 Python projects).
  'swebench-lite': (ctx) =>
    ctx.paths.flatMap((path) =>
      parseCsvRecords(text(ctx, path)).flatMap((row) => {
        const issue = (row.problem_statement ?? '').trim();
        const repo = (row.instance_id ?? '').replace(/-\d+$/, '').replace('__', '/');
        if (issue === '') return [];
        return [{ group: repo, messages: user(pick(ctx.rng, issueTemplates)(issue, repo)) }];
      }),
    ),

  // BigCodeBench instruct prompts: more than two libraries and a reference solution over 426
  // characters (the two offline criteria of BigCodeBench-Hard's selection).
  bigcodebench: (ctx) =>
    ctx.paths.flatMap((path) =>
      gunzipSync(ctx.bytes(path))
        .toString('utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as unknown)
        .filter(isObject)
        .flatMap((row) => {
          const libs = typeof row.libs === 'string' ? (JSON.parse(row.libs.replace(/'/g, '"')) as unknown) : row.libs;
          const libraries = list(libs).filter((lib): lib is string => typeof lib === 'string');
          if (libraries.length <= 2 || str(row, 'canonical_solution').length <= 426) return [];
          return [{ group: libraries.slice().sort()[0] ?? 'none', messages: user(str(row, 'instruct_prompt')) }];
        }),
    ),

  // DA-Code data-science tasks whose own hardness field is Medium or Hard.
  dacode: (ctx) =>
    ctx.paths.flatMap((path) =>
      jsonLines(ctx, path)
        .filter(isObject)
        .flatMap((row) => {
          const hardness = str(row, 'hardness');
          const instruction = str(row, 'instruction').trim();
          if ((hardness !== 'Medium' && hardness !== 'Hard') || instruction === '') return [];
          return [{ group: str(row, 'type'), messages: user(pick(ctx.rng, dataTaskTemplates)(instruction)) }];
        }),
    ),
};
