import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

// The project's import graph, read from the sources: every static, re-export and dynamic import,
// type-only ones included (a type cycle is still a cycle for a reader).

export const ROOT = join(import.meta.dirname, '../..');

const SOURCE_DIRS = ['functions', 'shared', 'local', 'infra', 'scripts', 'bench'];
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'";]*?\sfrom\s+'([^']+)'|(?:^|[\s;])import\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

/** package.json `imports` (`#shared/*` -> `./shared/*`). */
const aliases = Object.entries(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { imports: Record<string, string> }).imports,
).map(([from, to]) => [from.replace('*', ''), to.replace('*', '').replace(/^\.\//, '')] as const);

const listSources = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listSources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });

export interface ImportEdge {
  from: string;
  /** A project file (relative to the root) or a package name. */
  to: string;
  local: boolean;
}

const resolveSpecifier = (from: string, specifier: string): ImportEdge => {
  for (const [alias, target] of aliases)
    if (specifier.startsWith(alias)) return { from, to: normalize(target + specifier.slice(alias.length)), local: true };
  if (specifier.startsWith('.')) return { from, to: normalize(join(dirname(from), specifier)), local: true };
  return { from, to: specifier, local: false };
};

export const readImports = (file: string): ImportEdge[] => {
  // Comments may quote imports; they are not dependencies.
  const text = readFileSync(join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|(^|[^:'"`])\/\/.*$/gm, '$1');
  return [...text.matchAll(IMPORT)].map((match) => resolveSpecifier(file, match[1] ?? match[2] ?? match[3] ?? ''));
};

export const sourceFiles = (): string[] => SOURCE_DIRS.flatMap(listSources).map((file) => relative('.', file));

/** Every cycle among project files, each as the list of files on it. */
export const findCycles = (files: readonly string[]): string[][] =>
  stronglyConnected(new Map(files.map((file) => [file, readImports(file).flatMap((edge) => (edge.local ? [edge.to] : []))])));

/**
 * Every cycle among the modules of a layer (`unitOf` names a file's module: its folder, or the
 * file itself at the layer's top), so that imports run downward between folders, not only files.
 */
export const findModuleCycles = (files: readonly string[], unitOf: (file: string) => string | undefined): string[][] => {
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const from = unitOf(file);
    if (from === undefined) continue;
    const targets = edges.get(from) ?? [];
    for (const edge of readImports(file)) {
      const to = edge.local ? unitOf(edge.to) : undefined;
      if (to !== undefined && to !== from) targets.push(to);
    }
    edges.set(from, targets);
  }
  return stronglyConnected(edges);
};

/** Tarjan's strongly connected components of more than one node (or with a self-edge). */
const stronglyConnected = (edges: ReadonlyMap<string, readonly string[]>): string[][] => {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const to of edges.get(node) ?? []) {
      if (!edges.has(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(to) ?? 0));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node) ?? 0, index.get(to) ?? 0));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (;;) {
      const member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1 || (edges.get(node) ?? []).includes(node)) cycles.push(component.sort());
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return cycles;
};
