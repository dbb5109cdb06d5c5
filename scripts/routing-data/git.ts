import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

// Read-only access to bare git mirrors: every read names the pinned commit, so what is in the
// mirror's HEAD (or checked out anywhere) never matters.

const git = (gitDir: string, args: readonly string[], input?: string) =>
  spawnSync('git', ['--git-dir', gitDir, ...args], {
    input,
    maxBuffer: 2 * 1024 * 1024 * 1024,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  });

const isGitDir = (dir: string): boolean => existsSync(dir) && git(dir, ['rev-parse', '--git-dir']).status === 0;

/** Where a mirror of owner/name may already be: the fetch tool's layout first, then plain bare clones. */
export const mirrorCandidates = (mirrors: string, repo: string): string[] => {
  const flat = repo.replace('/', '+');
  return [join(mirrors, flat, 'repo'), join(mirrors, flat), join(mirrors, `${flat}.git`), join(mirrors, `${repo}.git`)];
};

export type MirrorResult = { ok: true; gitDir: string } | { ok: false; reason: string };

/** Finds a mirror holding `commit`, or clones one from GitHub into `mirrors`. */
export const ensureMirror = (mirrors: string, repo: string, commit: string): MirrorResult => {
  const found = mirrorCandidates(mirrors, repo).find(isGitDir);
  const gitDir = found ?? join(mirrors, repo.replace('/', '+'), 'repo');
  if (!found) {
    console.error(`[mirror] ${repo}: no mirror under ${mirrors}; trying git clone --bare https://github.com/${repo}`);
    mkdirSync(dirname(gitDir), { recursive: true });
    const clone = spawnSync('git', ['clone', '--bare', '--quiet', `https://github.com/${repo}.git`, gitDir], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
      timeout: 60 * 60 * 1000,
    });
    if (clone.status !== 0) {
      const why = clone.error?.message ?? clone.stderr.toString().trim().split('\n').pop() ?? `exit ${clone.status}`;
      return { ok: false, reason: `clone of https://github.com/${repo} failed: ${why}` };
    }
  }
  if (git(gitDir, ['cat-file', '-e', `${commit}^{commit}`]).status !== 0) {
    return { ok: false, reason: `commit ${commit} is not in the mirror at ${gitDir}` };
  }
  return { ok: true, gitDir };
};

/** Every file path under `prefix` at `commit` (or `prefix` itself when it names a file), sorted. */
export const listFiles = (gitDir: string, commit: string, prefix: string): string[] => {
  const out = git(gitDir, ['ls-tree', '-r', '-z', '--name-only', commit, '--', prefix]);
  if (out.status !== 0) throw new Error(`git ls-tree ${commit} -- ${prefix}: ${out.stderr.toString().trim()}`);
  return out.stdout
    .toString('utf8')
    .split('\0')
    .filter((path) => path !== '')
    .sort();
};

/**
 * The blob each `<commit>:<path>` spec names, through one `git cat-file --batch` (the batch form of
 * `git show`). Specs whose blob the mirror lacks map to undefined.
 */
const readBlobs = (gitDir: string, specs: readonly string[]): Map<string, Buffer | undefined> => {
  const result = new Map<string, Buffer | undefined>();
  if (specs.length === 0) return result;
  for (const spec of specs) if (spec.includes('\n')) throw new Error(`path with a newline: ${JSON.stringify(spec)}`);
  const out = git(gitDir, ['cat-file', '--batch'], specs.map((spec) => `${spec}\n`).join(''));
  if (out.status !== 0) throw new Error(`git cat-file --batch: ${out.stderr.toString().trim()}`);
  const buf = out.stdout;
  let pos = 0;
  for (const spec of specs) {
    const eol = buf.indexOf(0x0a, pos);
    if (eol === -1) throw new Error(`git cat-file --batch: output ended before ${spec}`);
    const header = buf.subarray(pos, eol).toString('utf8');
    pos = eol + 1;
    if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
      result.set(spec, undefined);
      continue;
    }
    const [, type, size] = header.split(' ');
    const length = Number(size);
    if (!Number.isInteger(length)) throw new Error(`git cat-file --batch: bad header ${JSON.stringify(header)}`);
    result.set(spec, type === 'blob' ? buf.subarray(pos, pos + length) : undefined);
    pos += length + 1;
  }
  return result;
};

/** The blobs at `commit:path` for each path; paths whose blob the mirror lacks map to undefined. */
export const readFiles = (gitDir: string, commit: string, paths: readonly string[]): Map<string, Buffer | undefined> => {
  const blobs = readBlobs(
    gitDir,
    paths.map((path) => `${commit}:${path}`),
  );
  return new Map(paths.map((path) => [path, blobs.get(`${commit}:${path}`)]));
};

/** A commit that changed one existing file by a few lines, with the file as it was before. */
export interface SmallEdit {
  commit: string;
  message: string;
  path: string;
  added: number;
  deleted: number;
  before: Buffer;
}

/**
 * Non-merge commits reachable from `commit` that changed exactly one existing text file by at
 * most `maxLines` added and `maxLines` deleted lines, newest first, each with that file at its
 * parent. One `git diff-tree` per commit: a shallow or partial mirror lacks some old objects, and
 * a batched run stops at the first missing one.
 */
export const smallEdits = (gitDir: string, commit: string, maxLines: number): SmallEdit[] => {
  const revs = git(gitDir, ['rev-list', '--no-merges', '--parents', commit]);
  if (revs.status !== 0) throw new Error(`git rev-list ${commit}: ${revs.stderr.toString().trim()}`);
  const candidates: Array<Omit<SmallEdit, 'before'> & { parent: string }> = [];
  for (const line of revs.stdout.toString('utf8').split('\n')) {
    const [hash, parent, ...more] = line.split(' ');
    if (!hash || !parent || more.length > 0) continue;
    const diff = git(gitDir, ['diff-tree', '-r', '--numstat', '--no-renames', '--format=%B%x00', hash]);
    if (diff.status !== 0) continue;
    const [message = '', stat = ''] = diff.stdout.toString('utf8').split('\0');
    const files = stat
      .trim()
      .split('\n')
      .filter((row) => row !== '');
    if (files.length !== 1) continue;
    const [added, deleted, path] = (files[0] as string).split('\t');
    if (added === '-' || path === undefined) continue;
    if (Number(added) > maxLines || Number(deleted) > maxLines || Number(added) + Number(deleted) === 0) continue;
    candidates.push({ commit: hash, parent, message: message.trim(), path, added: Number(added), deleted: Number(deleted) });
  }
  // The files before each edit, in one batch.
  const before = readBlobs(
    gitDir,
    candidates.map((candidate) => `${candidate.parent}:${candidate.path}`),
  );
  const edits: SmallEdit[] = [];
  for (const { parent, ...edit } of candidates) {
    const blob = before.get(`${parent}:${edit.path}`);
    if (blob) edits.push({ ...edit, before: blob });
  }
  return edits;
};
