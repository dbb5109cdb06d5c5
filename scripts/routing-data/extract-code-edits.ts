import { type Extractor, user } from './extract-kit.ts';
import { smallEdits } from './git.ts';
import { pick } from './text.ts';

// Trivial edits of pasted code (added in v5): real one-file commits of at most three changed lines,
// the commit's subject as the request and the file before the commit as the pasted code. A rename, a
// fixed typo, a changed constant: a small model does these, however long the file.

const MAX_CHANGED_LINES = 3;
const MIN_FILE_LINES = 8;
const MAX_FILE_LINES = 150;

/** Subjects that are not requests a person would type: housekeeping, bots, bare file names. */
const NOT_A_REQUEST = /^(merge|revert|bump|upgrade|\[pre-commit|pre-commit|dependabot|update\s+\S+\.py$|minor\b|fix$)/i;

const editTemplates = [
  (request: string, code: string) => `${request}\n\n\`\`\`python\n${code}\n\`\`\``,
  (request: string, code: string, path: string) =>
    `Here's \`${path}\`:\n\n\`\`\`python\n${code}\n\`\`\`\n\n${request}. Give me the updated file.`,
  (request: string, code: string) =>
    `\`\`\`python\n${code}\n\`\`\`\n\nSmall change please: ${request.charAt(0).toLowerCase()}${request.slice(1)}`,
  (request: string, code: string, path: string) =>
    `In ${path}: ${request}. Only show the lines that change.\n\n\`\`\`\n${code}\n\`\`\``,
];

export const codeEditExtractors: Record<string, Extractor> = {
  // TheAlgorithms/Python history: each commit's subject (PR number cut) over the Python file it edited.
  'small-edits': (ctx) =>
    smallEdits(ctx.gitDir, ctx.commit, MAX_CHANGED_LINES).flatMap((edit) => {
      const subject = (edit.message.split('\n')[0] ?? '').replace(/\s*\(#\d+\)\s*$/, '').trim();
      const code = edit.before.toString('utf8').replace(/\s+$/, '');
      const lines = code.split('\n').length;
      if (!edit.path.endsWith('.py') || edit.path.startsWith('.github/')) return [];
      if (subject.split(/\s+/).length < 3 || NOT_A_REQUEST.test(subject)) return [];
      if (lines < MIN_FILE_LINES || lines > MAX_FILE_LINES || code.includes('\u0000')) return [];
      return [{ group: edit.path.split('/')[0] ?? '', messages: user(pick(ctx.rng, editTemplates)(subject, code, edit.path)) }];
    }),
};
