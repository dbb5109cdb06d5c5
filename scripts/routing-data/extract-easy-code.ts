import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type Candidate, type Extractor, isObject, str, text, user } from './extract-kit.ts';
import { pick } from './text.ts';

// Cheap-label prompts for easy, everyday programming asks (added in v5), so that easy coding rows do
// not rest on LeetCode Easy, MBPP and Exercism alone: HumanEval's docstring tasks, HumanEval-XL's
// translated problem descriptions, and shell one-liner requests from tldr-pages and NL2Bash. Only the
// task side is read: canonical solutions, tests and the commands that answer a request never reach a
// prompt.

/** First letter lower-cased, unless the first word is an acronym or a literal ("PDF", "`ls`", "iOS"). */
const lowerFirst = (s: string): string => (/^[A-Z][a-z]/.test(s) ? `${s.charAt(0).toLowerCase()}${s.slice(1)}` : s);

const withoutStop = (s: string): string => s.replace(/[.\s]+$/, '');

/** Common leading indentation off every non-blank line. */
const dedent = (lines: readonly string[]): string[] => {
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^[ \t]*/.exec(line)?.[0].length ?? 0);
  const cut = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((line) => line.slice(cut).trimEnd());
};

const trimBlank = (lines: readonly string[]): string[] => {
  const out = [...lines];
  while (out.length > 0 && (out[0] ?? '').trim() === '') out.shift();
  while (out.length > 0 && (out.at(-1) ?? '').trim() === '') out.pop();
  return out;
};

// ---- HumanEval: 164 hand-written Python docstring tasks ----

interface PythonTask {
  /** `name(args) -> ret` */
  signature: string;
  entry: string;
  /** The docstring up to its examples. */
  description: string;
  /** The docstring's examples (doctests, "Example:" blocks), possibly empty. */
  examples: string;
  /** The prompt as HumanEval gives it: imports, helpers, signature and docstring, no body. */
  stub: string;
  /** Only the entry point is defined and nothing else is declared, so the docstring stands on its own. */
  standalone: boolean;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Where a docstring's examples start: a doctest, or an "Example(s):" / "For example:" line. */
const exampleStart = /^(>>>|examples?\b|for examples?\b|example \d|e\.g\.|input:)/i;

const parsePythonTask = (prompt: string, entry: string): PythonTask | undefined => {
  const def = new RegExp(`^def ${escapeRegExp(entry)}\\((.*)\\)\\s*(?:->\\s*(.+?))?\\s*:\\s*$`, 'm').exec(prompt);
  if (!def) return undefined;
  const signature = `${entry}(${def[1] ?? ''})${def[2] ? ` -> ${def[2]}` : ''}`;
  const after = prompt.slice(def.index + def[0].length);
  const doc = /("""|''')([\s\S]*?)\1/.exec(after)?.[2];
  if (doc === undefined) return undefined;
  const lines = trimBlank(dedent(doc.split('\n').map((line, i) => (i === 0 ? line.trimStart() : line))));
  // The first line follows the quotes directly, so it carries no indent; dedent the rest on their own.
  const [first = '', ...rest] = lines;
  const body = trimBlank([first, ...dedent(rest)]);
  const split = body.findIndex((line) => exampleStart.test(line.trim()));
  const description = trimBlank(split === -1 ? body : body.slice(0, split)).join('\n');
  const examples = split === -1 ? '' : trimBlank(body.slice(split)).join('\n');
  const defs = prompt.match(/^def /gm)?.length ?? 0;
  const standalone = defs === 1 && !/^[A-Za-z_]\w*\s*=/m.test(prompt);
  return { signature, entry, description, examples, stub: prompt.replace(/^\n+/, '').trimEnd(), standalone };
};

const pythonFence = (code: string): string => `\`\`\`python\n${code}\n\`\`\``;

/** Requests that restate the docstring; only for tasks whose docstring stands on its own. */
const humanEvalRequests = [
  (t: PythonTask) => `Write a Python function \`${t.signature}\`:\n\n${t.description}`,
  (t: PythonTask) => `Write a Python function \`${t.signature}\`.\n\n${t.description}${t.examples ? `\n\n${t.examples}` : ''}`,
  (t: PythonTask) => `Can you implement \`${t.entry}\` in Python?\n\n${t.description}`,
  (t: PythonTask) => `${t.description}\n\nPlease write this as a Python function called \`${t.entry}\`.`,
  (t: PythonTask) => `I need a small Python helper for this:\n${t.description}\nSignature: \`${t.signature}\``,
  (t: PythonTask) =>
    `${t.description}${t.examples ? `\n\n${t.examples}` : ''}\n\nImplement it in Python as \`${t.signature}\`, please.`,
];

/** Requests around the code stub, for every task (helpers and constants included as given). */
const humanEvalStubs = [
  (t: PythonTask) => t.stub,
  (t: PythonTask) => `Complete this function:\n\n${pythonFence(t.stub)}`,
  (t: PythonTask) => `Finish the \`${t.entry}\` function below.\n\n${pythonFence(t.stub)}`,
  (t: PythonTask) => `${pythonFence(t.stub)}\n\nFill in the body of \`${t.entry}\`.`,
];

const humanEval: Extractor = (ctx) =>
  ctx.paths.flatMap((path) =>
    gunzipSync(ctx.bytes(path))
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line): Candidate[] => {
        const row: unknown = JSON.parse(line);
        if (!isObject(row)) return [];
        const task = parsePythonTask(str(row, 'prompt'), str(row, 'entry_point'));
        if (!task || task.description === '') return [];
        // Two in three standalone tasks are restated as a request; the rest, and every task that
        // leans on helper code, are asked about the stub.
        const asRequest = task.standalone && ctx.rng() < 2 / 3;
        const prompt = asRequest ? pick(ctx.rng, humanEvalRequests)(task) : pick(ctx.rng, humanEvalStubs)(task);
        return [{ group: 'humaneval', messages: user(prompt) }];
      }),
  );

// ---- HumanEval-XL: 80 HumanEval problems in 23 natural x 12 programming languages ----

export const xlProgrammingLanguages: Record<string, string> = {
  csharp: 'C#',
  go: 'Go',
  java: 'Java',
  javascript: 'JavaScript',
  kotlin: 'Kotlin',
  perl: 'Perl',
  php: 'PHP',
  python: 'Python',
  ruby: 'Ruby',
  scala: 'Scala',
  swift: 'Swift',
  typescript: 'TypeScript',
};

/** "Write a function in <PL> that solves this", in each non-English language of HumanEval-XL. */
export const xlRequests: Record<string, (pl: string) => string> = {
  Afrikaans: (pl) => `Skryf 'n funksie in ${pl} wat dit oplos`,
  Arabic: (pl) => `اكتب دالة بلغة ${pl} تحل هذه المسألة`,
  Bulgarian: (pl) => `Напиши функция на ${pl}, която решава това`,
  Chinese: (pl) => `用${pl}写一个函数来解决这个问题`,
  Dutch: (pl) => `Schrijf een functie in ${pl} die dit oplost`,
  Estonian: (pl) => `Kirjuta ${pl} keeles funktsioon, mis selle lahendab`,
  Finnish: (pl) => `Kirjoita ${pl}-funktio, joka ratkaisee tämän`,
  French: (pl) => `Écris une fonction en ${pl} qui résout ce problème`,
  German: (pl) => `Schreib eine Funktion in ${pl}, die das löst`,
  Greek: (pl) => `Γράψε μια συνάρτηση σε ${pl} που να το λύνει αυτό`,
  Hebrew: (pl) => `כתוב פונקציה ב-${pl} שפותרת את זה`,
  Hungarian: (pl) => `Írj egy ${pl} függvényt, ami ezt megoldja`,
  Indonesian: (pl) => `Tulis fungsi dalam ${pl} untuk menyelesaikan ini`,
  Italian: (pl) => `Scrivi una funzione in ${pl} che risolva questo problema`,
  Malay: (pl) => `Tulis fungsi dalam ${pl} untuk menyelesaikan masalah ini`,
  Persian: (pl) => `یک تابع به زبان ${pl} بنویس که این را حل کند`,
  Portuguese: (pl) => `Escreva uma função em ${pl} que resolva isto`,
  Russian: (pl) => `Напиши функцию на ${pl}, которая решает эту задачу`,
  Spanish: (pl) => `Escribe una función en ${pl} que resuelva esto`,
  Tagalog: (pl) => `Sumulat ng function sa ${pl} na lulutas dito`,
  Turkish: (pl) => `Bunu çözen bir ${pl} fonksiyonu yaz`,
  Vietnamese: (pl) => `Viết một hàm bằng ${pl} để giải bài này`,
};

interface XlTask {
  description: string;
  pl: string;
  entry: string;
  /** Set for Python only: the stub with its translated docstring (other languages' stubs open with a persona line). */
  stub?: string;
  request: (pl: string) => string;
  colon: string;
  stop: string;
}

/**
 * HumanEval-XL's description field keeps the comment markers of its language (` * `, `//`, `#`) and
 * often ends on the examples heading ("Esimerkkejä:", "例子：") without the examples: both dropped.
 */
const xlDescription = (raw: string): string => {
  const lines = trimBlank(dedent(raw.split('\n').map((line) => line.replace(/^\s*(?:(?:\*|\/\/\/?|#+)(?:\s|$))+/, ''))));
  while (lines.length > 0 && /[:：]\s*$/.test(lines.at(-1) ?? '') && (lines.at(-1) ?? '').trim().length <= 40) {
    lines.pop();
    while (lines.length > 0 && (lines.at(-1) ?? '').trim() === '') lines.pop();
  }
  const [first = '', ...rest] = lines;
  return trimBlank([first.trim(), ...dedent(rest)]).join('\n');
};

const xlTemplates = [
  (t: XlTask) => `${t.request(t.pl)}${t.colon}\n\n${t.description}`,
  (t: XlTask) => `${t.description}\n\n${t.request(t.pl)}${t.stop}`,
  (t: XlTask) => `Write a ${t.pl} function \`${t.entry}\` for this:\n\n${t.description}`,
  (t: XlTask) => `${t.pl}:\n${t.description}`,
];

const xlStubTemplate = (t: XlTask, stub: string) => `${t.request(t.pl)}${t.colon}\n\n${pythonFence(stub)}`;

const humanEvalXl: Extractor = (ctx) => {
  // natural language -> problem number -> one task per programming language (in path order)
  const byLanguage = new Map<string, Map<number, XlTask[]>>();
  for (const path of ctx.paths) {
    const plKey = path.split('/').at(-2) ?? '';
    const pl = xlProgrammingLanguages[plKey];
    const language = basename(path, '.jsonl');
    const request = xlRequests[language];
    if (pl === undefined || request === undefined) continue;
    const [colon, stop] = language === 'Chinese' ? ['：', '。'] : [':', '.'];
    const problems = byLanguage.get(language) ?? new Map<number, XlTask[]>();
    byLanguage.set(language, problems);
    for (const line of text(ctx, path).split('\n')) {
      if (line.trim() === '') continue;
      // Exported through pandas: a missing canonical_solution is a bare NaN, which JSON does not allow.
      const row: unknown = JSON.parse(line.replace(/("[a-z_]+"): NaN(?=[,}])/g, '$1: null'));
      if (!isObject(row)) continue;
      const number = Number(str(row, 'task_id').split('/').at(-1));
      const description = xlDescription(str(row, 'description'));
      if (!Number.isInteger(number) || description === '') continue;
      const task: XlTask = { description, pl, entry: str(row, 'entry_point'), request, colon, stop };
      if (plKey === 'python') task.stub = str(row, 'prompt').replace(/^\n+/, '').trimEnd();
      const list = problems.get(number) ?? [];
      list.push(task);
      problems.set(number, list);
    }
  }
  // Each problem once per natural language, in a seeded programming language.
  const out: Candidate[] = [];
  for (const language of [...byLanguage.keys()].sort()) {
    const problems = byLanguage.get(language) ?? new Map<number, XlTask[]>();
    for (const number of [...problems.keys()].sort((a, b) => a - b)) {
      const task = pick(ctx.rng, problems.get(number) ?? []);
      const prompt =
        task.stub !== undefined && ctx.rng() < 0.5 ? xlStubTemplate(task, task.stub) : pick(ctx.rng, xlTemplates)(task);
      out.push({ group: language, messages: user(prompt) });
    }
  }
  return out;
};

// ---- tldr-pages: one usage example per command page, asked as "how do I ... with <command>" ----

const platformPhrases: Record<string, string> = { common: '', linux: ' on Linux', osx: ' on macOS', windows: ' on Windows' };

interface ShellAsk {
  /** What the example does, as tldr words it, without its mnemonic brackets and final colon. */
  task: string;
  command: string;
  on: string;
}

const tldrTemplates = [
  (a: ShellAsk) => `How do I ${lowerFirst(a.task)} with ${a.command}${a.on}?`,
  (a: ShellAsk) => `What's the \`${a.command}\` command to ${lowerFirst(a.task)}?`,
  (a: ShellAsk) => `${a.command}: ${lowerFirst(a.task)}`,
  (a: ShellAsk) => `How can I ${lowerFirst(a.task)}${a.on}? I think \`${a.command}\` can do it.`,
  (a: ShellAsk) => `Give me the command to ${lowerFirst(a.task)} using ${a.command}.`,
  (a: ShellAsk) => `${a.task} using \`${a.command}\` - what's the syntax?`,
  (a: ShellAsk) => `${a.command} ${lowerFirst(a.task)}${a.on.replace(' on ', ' ')}`.toLowerCase(),
];

const tldrNamedTemplates = [
  (a: ShellAsk) => `How do I ${lowerFirst(a.task)}${a.on}?`,
  (a: ShellAsk) => `What's the command to ${lowerFirst(a.task)}${a.on}?`,
  (a: ShellAsk) => `${a.task}${a.on} - what's the syntax?`,
];

/**
 * Examples most pages have ("Display help", "Display version") and alias pages' pointer ("View
 * documentation for the original command", which is `tldr <other page>`): not worth a row.
 */
const boilerplate =
  /^(?:(?:display|show|print|get|view)\b.*\b(?:help|version|usage)\b|view documentation for the (?:original|current) command|quit$)/i;

const tldr: Extractor = (ctx) =>
  ctx.paths.flatMap((path): Candidate[] => {
    const platform = path.split('/').at(-2) ?? '';
    const on = platformPhrases[platform];
    if (on === undefined || !path.endsWith('.md')) return [];
    const page = text(ctx, path).replace(/\r\n?/g, '\n');
    const command = /^# (.+)$/m.exec(page)?.[1]?.trim();
    if (!command) return [];
    const tasks = [...page.matchAll(/^- (.+?):?\s*\n\s*\n`/gm)]
      .map((m) =>
        (m[1] ?? '')
          .replace(/\[([^\]\s]{1,4})\]/g, '$1')
          .replace(/:$/, '')
          .trim(),
      )
      .filter((task) => task.length >= 8 && !boilerplate.test(task));
    if (tasks.length === 0) return [];
    const ask: ShellAsk = { task: pick(ctx.rng, tasks), command, on };
    // A task that already names its command ("Start `collectd`") is asked without repeating it.
    const named = ask.task.toLowerCase().includes(command.toLowerCase());
    return [{ group: platform, messages: user(pick(ctx.rng, named ? tldrNamedTemplates : tldrTemplates)(ask)) }];
  });

// ---- NL2Bash: expert-written descriptions of one-line shell commands (descriptions only) ----

/** Leading words that end in -s without being a third-person verb ("Process", "Access"). */
const notThirdPerson = new Set([
  'access',
  'address',
  'compress',
  'decompress',
  'process',
  'progress',
  'uncompress',
  'unless',
  'this',
]);

const isImperative = (description: string): boolean => {
  const first = (description.split(/\s+/)[0] ?? '').toLowerCase();
  return !(/^[a-z]+s$/.test(first) && !first.endsWith('ss') && !notThirdPerson.has(first));
};

const nl2bashImperative = [
  (d: string) => d,
  (d: string) => `How do I ${lowerFirst(withoutStop(d))} in bash?`,
  (d: string) => `What's the bash one-liner to ${lowerFirst(withoutStop(d))}?`,
  (d: string) => `command to ${lowerFirst(withoutStop(d))}`,
  (d: string) => `Give me a shell command to ${lowerFirst(withoutStop(d))}.`,
  (d: string) => `Linux: ${d}`,
];

const nl2bashAny = [
  (d: string) => d,
  (d: string) => `Write a one-line shell command for this: ${d}`,
  (d: string) => `bash one-liner please: ${d}`,
  (d: string) => `${d}\n\nWhat command would do this?`,
];

const nl2bash: Extractor = (ctx) => {
  const seen = new Set<string>();
  return ctx.paths.flatMap((path) =>
    text(ctx, path)
      .split('\n')
      .flatMap((line): Candidate[] => {
        const description = line.replace(/^\((?:GNU|BSD|OSX|Linux) specific\)\s*/i, '').trim();
        const key = description.toLowerCase();
        if (description.length < 15 || seen.has(key)) return [];
        seen.add(key);
        const templates = isImperative(description) ? nl2bashImperative : nl2bashAny;
        const group = (description.split(/\s+/)[0] ?? '').toLowerCase();
        return [{ group, messages: user(pick(ctx.rng, templates)(description)) }];
      }),
  );
};

export const easyCodeExtractors: Record<string, Extractor> = {
  humaneval: humanEval,
  'humaneval-xl': humanEvalXl,
  tldr,
  nl2bash,
};
