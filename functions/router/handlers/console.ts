import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { NotFoundError } from '#shared/errors.ts';
import type { HttpResponse } from '../http/types.ts';
import type { HandlerContext } from '../route-spec.ts';

// `GET /console` and `GET /console/{path+}`: the operator console's built files (console/dist,
// made by scripts/build-console.ts). The router never imports the console's code: it reads its
// files, on the first console request only, so the router's bundle and cold start stay as they were.

/** Only these are served: text files the build writes; anything else in the folder is ignored. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * No inline script or style, nothing from another origin, and the page calls only this API. Styles
 * set from script (`element.style`, as Preact and uPlot do) are not inline styles and still work.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

interface Asset {
  body: string;
  contentType: string;
  cacheControl: string;
  etag: string;
}

/** Built files carry a content hash in their name (`app-4F2K1Q.js`): they never change, so they may be kept forever. */
const HASHED_NAME = /-[A-Z0-9]{8,}\.\w+$/;

const readAssets = async (dir: string): Promise<Map<string, Asset>> => {
  const assets = new Map<string, Asset>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    const contentType = CONTENT_TYPES[extname(entry.name)];
    if (!entry.isFile() || contentType === undefined) continue;
    const path = join(entry.parentPath, entry.name);
    const body = await readFile(path, 'utf8');
    const name = relative(dir, path).split(sep).join('/');
    assets.set(name, {
      body,
      contentType,
      // index.html names the hashed files: a browser must ask again (a 304 when unchanged) to see a new deploy.
      cacheControl: HASHED_NAME.test(name) ? 'public, max-age=31536000, immutable' : 'no-cache',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    });
  }
  if (!assets.has('index.html')) throw new Error(`no index.html in ${dir}`);
  return assets;
};

/** `If-None-Match` may list several tags, weak ones included (a proxy may have weakened ours). */
const isFresh = (ifNoneMatch: string | undefined, etag: string): boolean =>
  (ifNoneMatch ?? '').split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);

/**
 * The built console's folder: `CONSOLE_DIR` (absolute, or relative to the root), else `console/dist`
 * under the root. The root is the Lambda task root in AWS (the bundle's folder, where the stack copies
 * console/dist to the same relative path) and the project root locally, whatever the working directory.
 */
export const consoleDir = (env: NodeJS.ProcessEnv = process.env): string => {
  const root = env.LAMBDA_TASK_ROOT ?? resolve(import.meta.dirname, '../../..');
  const dir = env.CONSOLE_DIR ?? 'console/dist';
  return isAbsolute(dir) ? dir : resolve(root, dir);
};

/** Serves the console from `dir` (read lazily, once; a failed read is tried again on the next request). */
export const createConsoleHandler = (dir: () => string = consoleDir) => {
  let assets: Promise<Map<string, Asset>> | undefined;
  const load = (): Promise<Map<string, Asset>> => {
    assets ??= readAssets(dir()).catch((error: unknown) => {
      assets = undefined;
      throw new NotFoundError('The console is not installed here (its assets are not built: run npm run build:console).', {
        code: 'console_not_built',
        cause: error,
      });
    });
    return assets;
  };

  return async ({ state }: HandlerContext): Promise<HttpResponse> => {
    const path = state.pathParams.path;
    // `/console` must become `/console/` so the page's relative URLs (its files and the API, which
    // may sit under a stage such as `/prod`) resolve; a relative Location keeps that prefix.
    if (path === undefined && !state.http.path.endsWith('/')) {
      return { statusCode: 308, headers: { location: 'console/', 'cache-control': 'no-cache', ...SECURITY_HEADERS }, body: '' };
    }
    const files = await load();
    const name = path ?? 'index.html';
    const asset = files.get(name);
    if (!asset) throw new NotFoundError(`The console has no file ${name}.`, { code: 'console_file_not_found' });
    const headers = {
      'content-type': asset.contentType,
      'cache-control': asset.cacheControl,
      etag: asset.etag,
      ...SECURITY_HEADERS,
    };
    if (isFresh(state.http.headers['if-none-match'], asset.etag)) return { statusCode: 304, headers, body: '' };
    return { statusCode: 200, headers, body: asset.body };
  };
};

export const serveConsole = createConsoleHandler();
