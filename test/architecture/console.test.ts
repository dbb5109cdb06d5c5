import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, test } from 'vitest';
import { ROOT, readImports, sourceFiles } from './import-graph.ts';

// The operator console is a bundle of its own (console/src -> console/dist): the router serves its
// files and never imports its code, so the router's Lambda bundle and cold start stay as they were.

const consoleSources = (dir = join(ROOT, 'console/src')): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? consoleSources(join(dir, entry.name)) : [relative(ROOT, join(dir, entry.name))],
  );

describe('the console', () => {
  test('no router, shared or local code imports it (only its build script does)', () => {
    const offending = sourceFiles()
      .flatMap(readImports)
      .filter((edge) => edge.local && edge.to.startsWith('console/') && !edge.from.startsWith('scripts/'));
    expect(offending).toEqual([]);
  });

  test('it takes only types from the rest of the project, so no server code lands in its bundle', () => {
    const valueImports = consoleSources()
      .filter((file) => /\.tsx?$/.test(file))
      .flatMap((file) =>
        [...readFileSync(join(ROOT, file), 'utf8').matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gm)]
          .filter(([, , type, specifier = '']) => !type && (specifier.startsWith('#') || specifier.startsWith('../../')))
          .map(([statement]) => `${file}: ${statement}`),
      );
    expect(valueImports).toEqual([]);
  });

  test("the router's Lambda bundle (the stack's esbuild settings) holds none of the console or its libraries", async () => {
    // Act
    const result = await build({
      absWorkingDir: ROOT,
      entryPoints: ['functions/router/handler.ts'],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node24',
      minify: true,
      mainFields: ['module', 'main'],
      define: { ROUTER_TRACING: 'false' },
      external: ['@aws-sdk/*', '@smithy/*'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);

    // Assess: what serves the console is one small file that reads the built assets.
    expect(inputs).toContain('functions/router/handlers/console.ts');
    expect(inputs.filter((input) => /(^|\/)console\/|node_modules\/(preact|uplot)\//.test(input))).toEqual([]);
    expect(result.metafile.inputs['functions/router/handlers/console.ts']?.bytes).toBeLessThan(8_000);
  });
});
