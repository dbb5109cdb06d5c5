import type { Session } from './types.ts';

/** An answer of the router that is not a success, as the console shows it: never a blank screen. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly param: string | null;
  readonly requestId: string | null;

  constructor(
    message: string,
    details: { status: number; code?: string | null; param?: string | null; requestId?: string | null },
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = details.status;
    this.code = details.code ?? null;
    this.param = details.param ?? null;
    this.requestId = details.requestId ?? null;
  }
}

/**
 * The API's root, from where the console is served: `/console/` sits at the API's root, which may
 * be under a stage (`/prod/console/` -> `/prod/`) or a custom domain's base path.
 */
export const apiBase = (): URL => new URL('../', location.href);

interface ErrorJson {
  error?: { message?: unknown; code?: unknown; param?: unknown };
  message?: unknown;
}

const readError = async (response: Response): Promise<ApiError> => {
  const requestId = response.headers.get('x-request-id');
  const text = await response.text().catch(() => '');
  let json: ErrorJson | undefined;
  try {
    json = JSON.parse(text) as ErrorJson;
  } catch {
    // Not the router's JSON: a gateway, WAF or proxy answered. Show what it said, briefly.
  }
  const message =
    typeof json?.error?.message === 'string'
      ? json.error.message
      : typeof json?.message === 'string'
        ? json.message
        : `${response.status} ${response.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`;
  return new ApiError(message, {
    status: response.status,
    code: typeof json?.error?.code === 'string' ? json.error.code : null,
    param: typeof json?.error?.param === 'string' ? json.error.param : null,
    requestId,
  });
};

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Calls the router's API with one key as a bearer token, exactly as any client would. */
export const request = async <T>(key: string, path: string, options: RequestOptions = {}): Promise<T> => {
  let response: Response;
  try {
    response = await fetch(new URL(path.replace(/^\//, ''), apiBase()), {
      method: options.method ?? 'GET',
      headers: {
        authorization: `Bearer ${key}`,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      ...(options.signal ? { signal: options.signal } : {}),
      cache: 'no-store',
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(`Cannot reach the router (${error instanceof Error ? error.message : String(error)}).`, { status: 0 });
  }
  if (!response.ok) throw await readError(response);
  return (await response.json()) as T;
};

/** The API as the signed-in session sees it. */
export const sessionApi =
  (session: Pick<Session, 'key'>) =>
  <T>(path: string, options?: RequestOptions): Promise<T> =>
    request<T>(session.key, path, options);

export type Api = ReturnType<typeof sessionApi>;

export const query = (params: Record<string, string | number | undefined>): string => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};
