import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CONSOLE_CSP, consoleDir, createConsoleHandler } from '#functions/router/handlers/console.ts';
import { matchRoute } from '#functions/router/middlewares/match-route.ts';
import type { HandlerContext } from '#functions/router/route-spec.ts';
import { routes } from '#functions/router/routes.ts';
import type { RouterRuntime } from '#functions/router/runtime.ts';
import { fakeRequest, httpRequest, routerErrorOf, runBefore } from '../middlewares/fake-request.ts';

// The console's static files as the router serves them: from a folder read once, with the
// headers a browser needs (types, caching, a strict CSP), and nothing outside the built files.

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'console-assets-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><script type="module" src="app-ABCD2345.js"></script>');
  await writeFile(join(dir, 'app-ABCD2345.js'), 'console.log("hi")');
  await writeFile(join(dir, 'app-EFGH6723.css'), 'body{}');
  await writeFile(join(dir, 'favicon.svg'), '<svg/>');
  await writeFile(join(dir, 'notes.md'), '# not served');
  await mkdir(join(dir, 'nested'));
  await writeFile(join(dir, 'nested', 'help-QWER2345.txt'), 'help');
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

/** Matches the path against the real route table, then runs the console handler on it. */
const get = async (path: string, options: { headers?: Record<string, string>; from?: string } = {}) => {
  const { request, state } = fakeRequest(httpRequest({ path, headers: options.headers ?? {} }));
  await runBefore(matchRoute(routes), request);
  const handle = createConsoleHandler(() => options.from ?? dir);
  const context: HandlerContext = { state, runtime: {} as RouterRuntime, signal: new AbortController().signal };
  return { handle, context, response: await handle(context) };
};

describe('GET /console', () => {
  test('serves index.html at /console/ with a strict CSP, nosniff and no-cache', async () => {
    // Act
    const { response } = await get('/console/');

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('app-ABCD2345.js');
    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'content-security-policy': CONSOLE_CSP,
      etag: expect.stringMatching(/^"[\w-]+"$/),
    });
    expect(CONSOLE_CSP).toContain("default-src 'self'");
    expect(CONSOLE_CSP).toContain("connect-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
  });

  test('/console without the slash redirects to console/, relative, so a stage prefix (/prod) is kept', async () => {
    // Act
    const { response } = await get('/console');

    // Assess
    expect(response.statusCode).toBe(308);
    expect(response.headers.location).toBe('console/');
  });

  test.each([
    { path: '/console/app-ABCD2345.js', type: 'text/javascript; charset=utf-8' },
    { path: '/console/app-EFGH6723.css', type: 'text/css; charset=utf-8' },
    { path: '/console/nested/help-QWER2345.txt', type: 'text/plain; charset=utf-8' },
  ])('$path is served as $type and cached for good (its name has its hash)', async ({ path, type }) => {
    // Act
    const { response } = await get(path);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(type);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  test('a file without a hash in its name is revalidated', async () => {
    const { response } = await get('/console/favicon.svg');
    expect(response.headers).toMatchObject({ 'content-type': 'image/svg+xml', 'cache-control': 'no-cache' });
  });

  test.each(['/console/missing.js', '/console/notes.md', '/console/../package.json', '/console/%2e%2e/package.json'])(
    '%s is a 404: only the built files are served',
    async (path) => {
      // Act
      const error = await routerErrorOf(() => get(path));

      // Assess
      expect(error.statusCode).toBe(404);
    },
  );

  test('an unchanged file is a 304 for its etag', async () => {
    // Prepare
    const { response: first } = await get('/console/');

    // Act
    const { response } = await get('/console/', { headers: { 'if-none-match': `W/${first.headers.etag}` } });

    // Assess
    expect(response.statusCode).toBe(304);
    expect(response.body).toBe('');
  });

  test('files are read once, on the first request', async () => {
    // Prepare
    const { handle, context } = await get('/console/');

    // Act: the file changes on disk after the first read.
    await writeFile(join(dir, 'index.html'), 'changed');
    const response = await handle(context);

    // Assess
    expect(response.body).not.toBe('changed');
  });

  test('without built files the answer says so, and a later build is served without a restart', async () => {
    // Prepare
    const empty = join(dir, 'not-built-yet');
    const { request, state } = fakeRequest(httpRequest({ path: '/console/' }));
    await runBefore(matchRoute(routes), request);
    const handle = createConsoleHandler(() => empty);
    const context: HandlerContext = { state, runtime: {} as RouterRuntime, signal: new AbortController().signal };

    // Act
    const error = await routerErrorOf(() => handle(context));
    await mkdir(empty);
    await writeFile(join(empty, 'index.html'), 'built');
    const response = await handle(context);

    // Assess
    expect(error).toMatchObject({ statusCode: 404, code: 'console_not_built' });
    expect(error.clientMessage).toContain('npm run build:console');
    expect(response.body).toBe('built');
  });
});

describe('consoleDir', () => {
  test('is console/dist of the project locally, whatever the working directory', () => {
    expect(consoleDir({})).toBe(resolve(import.meta.dirname, '../../../../../console/dist'));
  });

  test('is console/dist under the Lambda task root in AWS (the bundle folder)', () => {
    expect(consoleDir({ LAMBDA_TASK_ROOT: '/var/task' })).toBe('/var/task/console/dist');
  });

  test('CONSOLE_DIR moves it: relative to the root, or absolute', () => {
    expect(consoleDir({ LAMBDA_TASK_ROOT: '/var/task', CONSOLE_DIR: 'ui' })).toBe('/var/task/ui');
    expect(consoleDir({ CONSOLE_DIR: '/srv/console' })).toBe('/srv/console');
  });
});

test('console files need no key (the page signs in itself) and any depth of path reaches the handler', async () => {
  // Act
  const { request, state } = fakeRequest(httpRequest({ path: '/console/app-ABCD2345.js' }));
  await runBefore(matchRoute(routes), request);

  // Assess
  expect(state.route).toMatchObject({ path: '/console/{path+}', auth: 'none' });
  expect(state.pathParams).toEqual({ path: 'app-ABCD2345.js' });
});
