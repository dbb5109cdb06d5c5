import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { median } from './stats.ts';

// Cold start: each Lambda bundled with the CDK's settings (infra/constructs/bundled-function.ts),
// and the time to import the router bundle in a fresh `node` process, as the Lambda runtime does
// at init. The bundles go under node_modules/.cache (ignored by git), so their externals
// (@aws-sdk/*, @smithy/*, which the nodejs24.x runtime ships) resolve from node_modules.

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
export const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'inference-router-bench');

export interface BundleSize {
  name: string;
  bytes: number;
  gzipBytes: number;
}

export interface ImportTime {
  name: string;
  runs: number;
  /** `await import(entry)`, ms (median). */
  importMs: number;
  importMin: number;
  importMax: number;
  /** Process start to the end of the import (Node's own start-up included), ms (median). */
  sinceStartMs: number;
}

/** The CDK's bundling options (NodejsFunction: esbuild, ESM, minify, node24, externals, banner, define). */
const bundle = async (name: string, tracing: boolean, outDir: string): Promise<string> => {
  const outfile = join(outDir, 'index.mjs');
  await build({
    entryPoints: [join(ROOT, 'functions', name, 'handler.ts')],
    bundle: true,
    format: 'esm',
    target: 'node24',
    platform: 'node',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    define: { ROUTER_TRACING: tracing ? 'true' : 'false' },
    external: ['@aws-sdk/*', '@smithy/*'],
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    outfile,
    logLevel: 'silent',
  });
  return outfile;
};

export const bundleAll = async (): Promise<{ sizes: BundleSize[]; router: string; routerTracing: string }> => {
  const variants = [
    { name: 'router', fn: 'router', tracing: false },
    { name: 'router (tracing on)', fn: 'router', tracing: true },
    { name: 'metering', fn: 'metering', tracing: false },
    { name: 'lago-sync', fn: 'lago-sync', tracing: false },
  ];
  const sizes: BundleSize[] = [];
  const files: string[] = [];
  for (const variant of variants) {
    const dir = join(CACHE_DIR, variant.tracing ? `${variant.fn}-tracing` : variant.fn);
    await mkdir(dir, { recursive: true });
    const file = await bundle(variant.fn, variant.tracing, dir);
    files.push(file);
    sizes.push({ name: variant.name, bytes: (await stat(file)).size, gzipBytes: gzipSync(readFileSync(file)).length });
  }
  return { sizes, router: files[0] as string, routerTracing: files[1] as string };
};

/** Imports `entry` in a fresh process with the awslambda global and the router's environment. */
const importOnce = async (
  entry: string,
  env: NodeJS.ProcessEnv,
  sourceMaps: boolean,
): Promise<{ importMs: number; sinceStartMs: number }> => {
  const script = [
    // The Lambda Node.js runtime provides this global before it imports the handler.
    'globalThis.awslambda = { streamifyResponse: (h) => h, HttpResponseStream: { from: (s) => s } };',
    'const started = performance.now();',
    `await import(${JSON.stringify(pathToFileURL(entry).href)});`,
    'const ended = performance.now();',
    'process.stdout.write(JSON.stringify({ importMs: ended - started, sinceStartMs: ended }));',
  ].join('\n');
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    // The CDK sets NODE_OPTIONS=--enable-source-maps on every function.
    env: sourceMaps ? { ...env, NODE_OPTIONS: '--enable-source-maps' } : env,
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  // The router logs nothing at init; the last line is ours.
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as { importMs: number; sinceStartMs: number };
};

/** What the router's init reads (functions/router/runtime-from-env.ts); no network is used at import. */
export const routerEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'inference-router-bench',
  ROUTER_CONFIG: join(ROOT, 'config', 'example.json'),
  OPENAI_API_KEY: 'sk-bench-not-used',
  ANTHROPIC_API_KEY: 'sk-ant-bench-not-used',
  KEYS_TABLE: 'bench-keys',
  LIMITS_TABLE: 'bench-limits',
  USAGE_TABLE: 'bench-usage',
  EVENT_BUS_NAME: 'bench',
  DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
  EVENTBRIDGE_ENDPOINT: 'http://127.0.0.1:9',
  ADMIN_KEY: 'sk-admin-bench-0123456789',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_SERVICE_NAME: 'inference-router-router',
});

export const timeImports = async (
  entries: ReadonlyArray<{ name: string; file: string; sourceMaps: boolean }>,
  runs: number,
): Promise<ImportTime[]> => {
  const env = routerEnv();
  const samples = entries.map(() => ({ importMs: [] as number[], sinceStartMs: [] as number[] }));
  // Interleaved, after one unrecorded run each (the first read of the files from disk).
  for (const entry of entries) await importOnce(entry.file, env, entry.sourceMaps);
  for (let i = 0; i < runs; i++) {
    for (const [index, entry] of entries.entries()) {
      const result = await importOnce(entry.file, env, entry.sourceMaps);
      samples[index]?.importMs.push(result.importMs);
      samples[index]?.sinceStartMs.push(result.sinceStartMs);
    }
  }
  return entries.map((entry, index) => {
    const { importMs, sinceStartMs } = samples[index] ?? { importMs: [], sinceStartMs: [] };
    return {
      name: entry.name,
      runs,
      importMs: median(importMs),
      importMin: Math.min(...importMs),
      importMax: Math.max(...importMs),
      sinceStartMs: median(sinceStartMs),
    };
  });
};

export const SOURCE_ENTRY = join(ROOT, 'functions', 'router', 'handler.ts');

/** A module importing just the router bundle's externals: how much of the import is the AWS SDK. */
export const SDK_ENTRY = join(CACHE_DIR, 'sdk-only.mjs');

export const writeSdkEntry = async (): Promise<void> => {
  await mkdir(CACHE_DIR, { recursive: true });
  await writeFile(
    SDK_ENTRY,
    ["import '@aws-sdk/client-dynamodb';", "import '@aws-sdk/client-eventbridge';", "import '@aws-sdk/util-dynamodb';", ''].join(
      '\n',
    ),
  );
};
