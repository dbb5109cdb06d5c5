import type { CorsConfig } from '#shared/config/schema.ts';

// CORS as plain functions of the config and the request's headers: which origin is allowed, and
// the headers that let a browser call the router and read its answers (streams included).

/** Response headers a browser lets scripts read without being told (the CORS safelist). */
const SAFELISTED_RESPONSE_HEADERS = new Set([
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
]);

/** What `Access-Control-Allow-Origin` says for this `Origin`: `*`, the origin itself, or nothing (not allowed). */
export const allowedOrigin = (cors: CorsConfig, origin: string | undefined): string | undefined => {
  if (cors.origins.includes('*')) return '*';
  return origin !== undefined && cors.origins.includes(origin) ? origin : undefined;
};

/** `existing` plus `names`, each once (a `Vary` list). */
const addVary = (existing: string | undefined, names: readonly string[]): string => {
  const list = (existing ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  for (const name of names) if (!list.some((present) => present.toLowerCase() === name)) list.push(name);
  return list.join(', ');
};

/**
 * Headers for every response to an allowed origin: the origin, and every header of the response
 * a script could not read otherwise (`x-request-id`, `x-router-*`, `x-ratelimit-*`,
 * `x-token-usage`, `retry-after`...), named, since `*` does not cover every case. The answer
 * depends on `Origin` unless every origin is allowed: `Vary: origin` then, allowed or not.
 */
export const corsHeaders = (
  cors: CorsConfig,
  requestHeaders: Readonly<Record<string, string | undefined>>,
  responseHeaders: Readonly<Record<string, string>>,
): Record<string, string> => {
  const origin = allowedOrigin(cors, requestHeaders.origin);
  const headers: Record<string, string> = {};
  if (origin !== '*') headers.vary = addVary(responseHeaders.vary, ['origin']);
  if (origin === undefined) return headers;
  headers['access-control-allow-origin'] = origin;
  const exposed = Object.keys(responseHeaders)
    .map((name) => name.toLowerCase())
    .filter(
      (name) =>
        !SAFELISTED_RESPONSE_HEADERS.has(name) && !name.startsWith('access-control-') && name !== 'vary' && name !== 'set-cookie',
    );
  if (exposed.length > 0) headers['access-control-expose-headers'] = exposed.join(', ');
  return headers;
};

/**
 * The preflight answer's own headers, for an allowed origin: the path's methods, the request
 * headers allowed (the configured list, else those the browser asks for), and how long to cache.
 */
export const preflightHeaders = (
  cors: CorsConfig,
  requestHeaders: Readonly<Record<string, string | undefined>>,
  methods: readonly string[],
): Record<string, string> => {
  if (allowedOrigin(cors, requestHeaders.origin) === undefined) return {};
  const requested = requestHeaders['access-control-request-headers'];
  const allowHeaders = cors.headers ? cors.headers.join(', ') : requested;
  return {
    'access-control-allow-methods': methods.join(', '),
    ...(allowHeaders ? { 'access-control-allow-headers': allowHeaders } : {}),
    'access-control-max-age': String(cors.maxAgeSeconds),
    // Echoing the requested headers makes the answer depend on them.
    ...(cors.headers ? {} : { vary: 'access-control-request-headers' }),
  };
};
