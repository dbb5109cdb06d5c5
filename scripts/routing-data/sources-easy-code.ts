import type { Source } from './source.ts';

// Cheap-label sources for easy, everyday programming asks (v5), so that easy coding rows do not rest
// on LeetCode Easy, MBPP and Exercism alone: HumanEval docstring tasks, HumanEval-XL problems in 22
// non-English languages, and shell one-liner requests (tldr-pages, NL2Bash). Task side only: no
// canonical solutions, tests or answer commands are read into a prompt. Extractors: extract-easy-code.ts.
// HumanEval-XL's 80 problems are translations of HumanEval problems, so both ids are one family
// ('humaneval'): evaluation holds them out together.

export const easyCodeSources: readonly Source[] = [
  {
    id: 'humaneval',
    label: 'cheap',
    repo: 'openai/human-eval',
    commit: '6d43fb980f9fee3c892a914eda09951f772ad10d',
    paths: ['data/HumanEval.jsonl.gz'],
    licence: 'MIT',
    licenceFile: 'LICENSE (The MIT License, "Copyright (c) OpenAI")',
    selection:
      'HumanEval (164 hand-written Python tasks), each task once from the gzipped prompt field only (canonical_solution and test never read): two in three tasks whose prompt defines only the entry point are restated as a request in six seeded phrasings ("Write a Python function `name(args) -> ret`" + the docstring, its examples in some phrasings); the rest, and every task whose prompt carries helper functions or constants, as the code stub, bare or in three seeded "complete this function" phrasings',
    cap: 150,
  },
  {
    id: 'humaneval-xl',
    label: 'cheap',
    repo: 'FloatAI/humaneval-xl',
    commit: 'ad93b7c7a399eb9f01885b5cfa23a317115e10fa',
    paths: ['data/'],
    pathPattern: '^data/[a-z]+/(?!English\\.)[A-Za-z]+\\.jsonl$',
    licence: 'MIT',
    licenceFile: 'LICENSE (MIT License, "Copyright (c) 2024 FloatAI")',
    selection:
      'HumanEval-XL, the 22 non-English natural languages (English left out: it is HumanEval): each of the 80 problems once per natural language, in a seeded one of the 12 programming languages; the description field with its comment markers and a dangling examples heading removed, in four seeded phrasings (a native-language "write a function in <PL> that solves this" before or after it, an English "Write a <PL> function `name`" wrapper, or "<PL>:" + description); Python rows half the time as that native request + the Python stub with its translated docstring. Group = natural language; canonical_solution and test never read',
    cap: 450,
    groupCap: 25,
  },
  {
    id: 'tldr',
    label: 'cheap',
    repo: 'tldr-pages/tldr',
    commit: '08e345f42639f67d99282813247ac670dc6e87cb',
    paths: ['pages/common/', 'pages/linux/', 'pages/osx/', 'pages/windows/'],
    pathPattern: '\\.md$',
    licence: 'CC-BY-4.0',
    licenceFile:
      'LICENSE.md ("This work is licensed under the Creative Commons Attribution 4.0 International License (CC-BY)"; only scripts/ is MIT)',
    selection:
      'tldr-pages English pages for common, linux, osx and windows (about 7,300 commands): per page one seeded usage example, its description only (mnemonic brackets such as E[x]tract removed; "display help/version" examples left out), asked about the page\'s command in seven seeded phrasings ("How do I <task> with <command> on Linux?", "What\'s the `<command>` command to <task>?", a lower-case search-style query...); the example command itself is never shown. Group = platform',
    cap: 400,
    groupCap: 200,
  },
  {
    id: 'nl2bash',
    label: 'cheap',
    repo: 'TellinaTool/nl2bash',
    commit: '466c5fe873ab08c7cc0112ea1521cc6ad9c20992',
    paths: ['data/bash/all.nl'],
    licence: 'MIT',
    licenceFile:
      'data/bash/LICENSE (MIT License, "Copyright (c) 2020 NL2Bash dataset"); README.md ("The dataset `data/bash` is separately licensed under MIT license"; the repository code is GPL-3.0 and is not used)',
    selection:
      'NL2Bash (12,607 expert-written descriptions of one-line shell commands), the natural-language side only (all.cm, the commands, never read): each distinct description (case-insensitive, 15+ characters, "(GNU specific)"-style prefixes removed) once, bare or in seeded phrasings ("How do I <task> in bash?", "command to <task>", "Write a one-line shell command for this: ..."; imperative-only phrasings skipped for third-person descriptions such as "Copies ..."). Group = first word of the description',
    cap: 350,
    groupCap: 100,
  },
];
