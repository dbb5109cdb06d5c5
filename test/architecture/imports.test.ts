import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { findCycles, findModuleCycles, ROOT, readImports, sourceFiles } from './import-graph.ts';

// The layering ARCHITECTURE.md describes, checked on every run so it stays true: imports run
// downward only (local -> functions -> shared; infra -> shared), a Lambda's app never reaches into
// another's, shared/ knows nothing of middy or Lambda event types, and there are no cycles.

const files = sourceFiles();
const edges = files.flatMap(readImports);
const lambdaOf = (path: string): string | undefined => /^functions\/([^/]+)\//.exec(path)?.[1];

describe('imports', () => {
  test('the sources were found and read', () => {
    // Assess: a parser that saw nothing would pass every rule below.
    expect(files).toContain('functions/router/create-handler.ts');
    expect(edges.filter((edge) => edge.local).length).toBeGreaterThan(300);
  });

  test('Lambda code loads node:http and node:https through shared/net/node-http.ts only (their ES module facades cost ~50 ms of cold start)', () => {
    // Prepare: value imports only; `import type` costs nothing at run time.
    const valueImport = /^import\s+(?!type\s)[^;]*?from\s+'node:https?'/m;
    const lambdaCode = files.filter((file) => /^(shared|functions)\//.test(file) && file !== 'shared/net/node-http.ts');

    // Assess
    expect(lambdaCode.filter((file) => valueImport.test(readFileSync(join(ROOT, file), 'utf8')))).toEqual([]);
    expect(lambdaCode.length).toBeGreaterThan(100);
  });

  test('there is no import cycle, type-only imports included', () => {
    expect(findCycles(files)).toEqual([]);
  });

  test.each(['shared', 'functions/router'])('the folders of %s/ import one another in one direction only', (layer) => {
    // A file directly in the layer is its own module; a file in a sub-folder belongs to that folder.
    const unitOf = (file: string): string | undefined => {
      if (!file.startsWith(`${layer}/`)) return undefined;
      const rest = file.slice(layer.length + 1);
      return `${layer}/${rest.includes('/') ? rest.slice(0, rest.indexOf('/')) : rest}`;
    };
    expect(findModuleCycles(files, unitOf)).toEqual([]);
  });

  test('shared/ imports only shared/ and packages, never middy or Lambda event types', () => {
    const offending = edges.filter(
      (edge) =>
        edge.from.startsWith('shared/') &&
        ((edge.local && !edge.to.startsWith('shared/')) || edge.to.startsWith('@middy/') || edge.to === 'aws-lambda'),
    );
    expect(offending).toEqual([]);
  });

  test('a Lambda app imports shared/ and itself, not another Lambda, local/ or infra/', () => {
    const offending = edges.filter((edge) => {
      const lambda = lambdaOf(edge.from);
      if (lambda === undefined || !edge.local) return false;
      return !(edge.to.startsWith('shared/') || lambdaOf(edge.to) === lambda);
    });
    expect(offending).toEqual([]);
  });

  test('infra/ builds from shared/ only: it bundles the Lambdas, it never imports them', () => {
    const offending = edges.filter(
      (edge) => edge.from.startsWith('infra/') && edge.local && !edge.to.startsWith('infra/') && !edge.to.startsWith('shared/'),
    );
    expect(offending).toEqual([]);
  });

  test('nothing below local/ imports it (it is the npm start stand-in for AWS)', () => {
    const offending = edges.filter(
      (edge) => edge.local && edge.to.startsWith('local/') && !/^(local|bench|scripts)\//.test(edge.from),
    );
    expect(offending).toEqual([]);
  });
});
