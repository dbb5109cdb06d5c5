import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

// `npm run build:console` (and `npm ci`, through `prepare`): the operator console, bundled from
// console/src into console/dist, which the router serves at /console. A bundle of its own: the
// router never imports any of it, so its Lambda bundle and cold start do not change.

const ROOT = resolve(import.meta.dirname, '..');
const SOURCE = join(ROOT, 'console/src');
export const CONSOLE_DIST = join(ROOT, 'console/dist');

/** What the issue allows for every console file together, gzipped. */
export const GZIP_BUDGET_BYTES = 200 * 1024;

export interface BuiltFile {
  name: string;
  bytes: number;
  gzipBytes: number;
}

export interface ConsoleBuild {
  dir: string;
  files: BuiltFile[];
  gzipBytes: number;
}

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#2563eb"/><path d="M8 22V10h3l5 7 5-7h3v12h-3v-7l-5 7-5-7v7z" fill="#fff"/></svg>
`;

/** The page: no inline script or style (the CSP allows neither), relative URLs (the API may sit under a stage path). */
const indexHtml = (script: string, style: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>Inference router console</title>
<link rel="icon" href="favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${style}">
<script type="module" src="${script}"></script>
</head>
<body>
<div id="app"></div>
<noscript>The console needs JavaScript.</noscript>
</body>
</html>
`;

export const buildConsole = async (options: { outDir?: string } = {}): Promise<ConsoleBuild> => {
  const outDir = options.outDir ?? CONSOLE_DIST;
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [join(SOURCE, 'main.tsx')],
    outdir: outDir,
    // Content hashes in the names: the router can let browsers keep these files forever.
    entryNames: 'app-[hash]',
    assetNames: 'asset-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    // Browsers of the last few years; no polyfills.
    target: ['chrome111', 'firefox115', 'safari16.4', 'edge111'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const outputs = Object.keys(result.metafile.outputs).map((path) => resolve(ROOT, path));
  const script = outputs.find((path) => path.endsWith('.js'));
  const style = outputs.find((path) => path.endsWith('.css'));
  if (!script || !style) throw new Error(`the console build made no script or stylesheet: ${outputs.join(', ')}`);
  await writeFile(join(outDir, 'index.html'), indexHtml(basename(script), basename(style)));
  await writeFile(join(outDir, 'favicon.svg'), FAVICON);

  const names = [...outputs.map((path) => relative(outDir, path)), 'index.html', 'favicon.svg'].sort();
  const files = await Promise.all(
    names.map(async (name) => {
      const content = await readFile(join(outDir, name));
      return { name, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
    }),
  );
  const gzipBytes = files.reduce((total, file) => total + file.gzipBytes, 0);
  if (gzipBytes > GZIP_BUDGET_BYTES) {
    throw new Error(`the console is ${gzipBytes} bytes gzipped, over its budget of ${GZIP_BUDGET_BYTES}`);
  }
  return { dir: outDir, files, gzipBytes };
};

if (import.meta.main) {
  const built = await buildConsole();
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(`console built in ${relative(process.cwd(), built.dir) || '.'}`);
  for (const file of built.files)
    console.log(`  ${file.name.padEnd(24)} ${kb(file.bytes).padStart(9)}  ${kb(file.gzipBytes).padStart(8)} gzipped`);
  console.log(
    `  ${'total'.padEnd(24)} ${''.padStart(9)}  ${kb(built.gzipBytes).padStart(8)} gzipped (budget ${kb(GZIP_BUDGET_BYTES)})`,
  );
}
