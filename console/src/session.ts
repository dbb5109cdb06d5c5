import { ApiError, request } from './api.ts';
import type { Session, UsageReport } from './types.ts';

// The signed-in key lives in this tab's session storage only: gone when the tab closes, never
// shared with other tabs, never in local storage or a cookie.

const STORAGE_KEY = 'inference-router.console.session';

export const loadSession = (): Session | undefined => {
  try {
    const value = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Session | null;
    return value && (value.role === 'admin' || value.role === 'tenant') && typeof value.key === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
};

export const saveSession = (session: Session): void => sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));

export const clearSession = (): void => sessionStorage.removeItem(STORAGE_KEY);

/**
 * Which kind of key this is, asked of the API itself: the admin key opens `/admin/*`; a client key
 * reads its own tenant's usage. Nothing on the server is added for the console.
 */
export const signIn = async (key: string): Promise<Session> => {
  try {
    await request(key, '/admin/stats');
    return { role: 'admin', key };
  } catch (error) {
    // Only "not the admin key" means "try it as a tenant key"; anything else (down, 5xx) is the answer.
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
  }
  const usage = await request<UsageReport>(key, '/v1/usage?group_by=none');
  return { role: 'tenant', key, tenant: usage.tenant };
};
