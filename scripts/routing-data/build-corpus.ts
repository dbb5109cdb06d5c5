import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Candidate, type ExtractContext, extractors, type Message } from './extract.ts';
import { ensureMirror, listFiles, readFiles } from './git.ts';
import { type Label, type Source, sources } from './sources.ts';
import { seededRng, shuffled } from './text.ts';

// Builds the routing corpus: one JSONL per source of public prompts labelled "strong" or "cheap"
// by the dataset (subset, difficulty) they come from. Every file is read from a bare git mirror
// at the commit pinned in sources.ts, so the same mirrors give byte-identical output.
//
//   node scripts/routing-data/build-corpus.ts [--mirrors DIR] [--out DIR] [--seed S] [--only id,id]

const usage = `Usage: node scripts/routing-data/build-corpus.ts [options]

  --mirrors DIR   bare git mirrors, as <owner>+<name>/repo (default .data/mirrors); a missing one is
                  cloned from https://github.com/<owner>/<name> into it, or the source is skipped
  --out DIR       output folder (default .data/routing-corpus)
  --seed S        sampling seed (default ${'routing-corpus-v1'})
  --only a,b      build only these source ids (manifest.json then lists only them)`;

const MAX_PROMPT_CHARS = 32_000;

const { values } = parseArgs({
  options: {
    mirrors: { type: 'string', default: '.data/mirrors' },
    out: { type: 'string', default: '.data/routing-corpus' },
    seed: { type: 'string', default: 'routing-corpus-v1' },
    only: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log(usage);
  process.exit(0);
}

const mirrors = resolve(values.mirrors);
const out = resolve(values.out);
const seed = values.seed;
const only = values.only ? new Set(values.only.split(',').map((id) => id.trim())) : undefined;

interface Row {
  id: string;
  source: string;
  label: Label;
  messages: Message[];
}

interface SourceReport {
  id: string;
  label: Label;
  repo: string;
  commit: string;
  paths: readonly string[];
  licence: string;
  licenceFile: string;
  selection: string;
  cap: number;
  groupCap: number | null;
  status: 'ok' | 'skipped';
  reason?: string;
  filesRead: number;
  filesMissing: number;
  candidates: number;
  droppedLength: number;
  duplicates: number;
  rows: number;
  groups: Record<string, number>;
}

const promptText = (messages: readonly Message[]): string => messages.map((m) => m.content).join('\n\n');

/** Exact-duplicate key over every message (role and content). */
const promptKey = (messages: readonly Message[]): string => JSON.stringify(messages.map((m) => [m.role, m.content]));

const seenAcrossSources = new Set<string>();

const buildSource = async (source: Source): Promise<{ report: SourceReport; rows: Row[] }> => {
  const report: SourceReport = {
    id: source.id,
    label: source.label,
    repo: source.repo,
    commit: source.commit,
    paths: source.paths,
    licence: source.licence,
    licenceFile: source.licenceFile,
    selection: source.selection,
    cap: source.cap,
    groupCap: source.groupCap ?? null,
    status: 'ok',
    filesRead: 0,
    filesMissing: 0,
    candidates: 0,
    droppedLength: 0,
    duplicates: 0,
    rows: 0,
    groups: {},
  };
  const skip = (reason: string) => {
    console.error(`[skip] ${source.id} (${source.repo}@${source.commit.slice(0, 12)}): ${reason}`);
    return { report: { ...report, status: 'skipped' as const, reason }, rows: [] };
  };

  const extractor = extractors[source.id];
  if (!extractor) return skip('no extractor for this id in extract.ts');
  const mirror = ensureMirror(mirrors, source.repo, source.commit);
  if (!mirror.ok) return skip(mirror.reason);

  const pattern = source.pathPattern ? new RegExp(source.pathPattern) : undefined;
  const paths: string[] = [];
  for (const path of source.paths) {
    const listed = listFiles(mirror.gitDir, source.commit, path.replace(/\/$/, ''));
    if (listed.length === 0) return skip(`${path} does not exist at the pinned commit`);
    paths.push(...listed.filter((p) => !pattern || pattern.test(p)));
  }
  const blobs = readFiles(mirror.gitDir, source.commit, paths);
  const present = paths.filter((p) => blobs.get(p) !== undefined);
  report.filesRead = present.length;
  report.filesMissing = paths.length - present.length;
  if (report.filesMissing > 0) {
    console.error(`[warn] ${source.id}: ${report.filesMissing} file(s) listed at the commit are absent from the mirror`);
  }
  if (present.length === 0) return skip('none of its files could be read from the mirror');

  const ctx: ExtractContext = {
    paths: present,
    bytes: (path) => {
      const blob = blobs.get(path);
      if (!blob) throw new Error(`${source.id}: ${path} was not read`);
      return blob;
    },
    rng: seededRng(`${seed}:${source.id}:extract`),
    gitDir: mirror.gitDir,
    commit: source.commit,
  };
  const candidates: Candidate[] = await extractor(ctx);
  report.candidates = candidates.length;

  // Length filter and exact dedup inside the source, before sampling, so caps fill with unique rows.
  const seen = new Set<string>();
  const pool: Candidate[] = [];
  for (const candidate of candidates) {
    const length = promptText(candidate.messages).length;
    if (length === 0 || length > MAX_PROMPT_CHARS || candidate.messages.some((m) => m.content === '')) {
      report.droppedLength++;
      continue;
    }
    const key = promptKey(candidate.messages);
    if (seen.has(key)) {
      report.duplicates++;
      continue;
    }
    seen.add(key);
    pool.push(candidate);
  }

  const rows: Row[] = [];
  const perGroup = new Map<string, number>();
  for (const candidate of shuffled(seededRng(`${seed}:${source.id}:sample`), pool)) {
    if (rows.length >= source.cap) break;
    const inGroup = perGroup.get(candidate.group) ?? 0;
    if (source.groupCap !== undefined && inGroup >= source.groupCap) continue;
    const key = promptKey(candidate.messages);
    if (seenAcrossSources.has(key)) {
      report.duplicates++;
      continue;
    }
    seenAcrossSources.add(key);
    perGroup.set(candidate.group, inGroup + 1);
    rows.push({ id: `${source.id}:${rows.length}`, source: source.id, label: source.label, messages: candidate.messages });
  }
  report.rows = rows.length;
  report.groups = Object.fromEntries([...perGroup.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { report, rows };
};

const quantile = (sorted: readonly number[], q: number): number =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);

const lengthStats = (rows: readonly Row[]) => {
  const lengths = rows.map((row) => promptText(row.messages).length).sort((a, b) => a - b);
  const share = (test: (n: number) => boolean) =>
    lengths.length === 0 ? 0 : Number((lengths.filter(test).length / lengths.length).toFixed(4));
  return {
    rows: lengths.length,
    p10Chars: quantile(lengths, 0.1),
    medianChars: quantile(lengths, 0.5),
    p90Chars: quantile(lengths, 0.9),
    maxChars: lengths.at(-1) ?? 0,
    shareUnder200: share((n) => n < 200),
    shareOver2000: share((n) => n > 2000),
    shareMultiTurn: Number((rows.filter((row) => row.messages.length > 1).length / Math.max(1, rows.length)).toFixed(4)),
  };
};

mkdirSync(out, { recursive: true });
const selected = sources.filter((source) => !only || only.has(source.id));
const unknown = [...(only ?? [])].filter((id) => !sources.some((source) => source.id === id));
if (unknown.length > 0) {
  console.error(`unknown source id(s): ${unknown.join(', ')}\n\n${usage}`);
  process.exit(2);
}

const reports: SourceReport[] = [];
const allRows: Row[] = [];
for (const source of selected) {
  const { report, rows } = await buildSource(source);
  reports.push(report);
  allRows.push(...rows);
  const file = join(out, `${source.id}.jsonl`);
  if (report.status === 'ok') {
    writeFileSync(file, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
    console.error(`[ok] ${source.id}: ${rows.length} rows (${report.candidates} candidates) -> ${file}`);
  } else {
    // A stale file from an earlier run must not pass for this run's output.
    rmSync(file, { force: true });
  }
}

const byLabel = (label: Label) => allRows.filter((row) => row.label === label);
const manifest = {
  description:
    'Routing corpus: public prompts labelled by the dataset/subset/difficulty they come from (strong = needs a premium model, cheap = a small model does fine). Built by scripts/routing-data/build-corpus.ts.',
  seed,
  maxPromptChars: MAX_PROMPT_CHARS,
  totals: { rows: allRows.length, strong: byLabel('strong').length, cheap: byLabel('cheap').length },
  lengths: { strong: lengthStats(byLabel('strong')), cheap: lengthStats(byLabel('cheap')) },
  skipped: reports.filter((r) => r.status === 'skipped').map((r) => ({ id: r.id, reason: r.reason })),
  sources: reports.map((r) => ({ ...r, lengths: lengthStats(allRows.filter((row) => row.source === r.id)) })),
};
writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.error(
  `[done] ${manifest.totals.rows} rows (strong ${manifest.totals.strong}, cheap ${manifest.totals.cheap}) from ${
    reports.filter((r) => r.status === 'ok').length
  }/${reports.length} sources -> ${out}`,
);
