import { timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from '#shared/errors.ts';
import { hashApiKey, readPresentedKey } from '#shared/keys/api-key.ts';
import type { RouterRuntime } from '../runtime.ts';
import type { RouterMiddleware } from './router-context.ts';

const sameHash = (a: string, b: string): boolean => timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));

/**
 * Client keys (`auth: 'key'`) are looked up by hash through the instance's key cache; the admin
 * key (`auth: 'admin'`) is compared in constant time. Both accept `Authorization: Bearer` and
 * `x-api-key`.
 */
export const authenticate = (runtime: Pick<RouterRuntime, 'keys' | 'keyCache' | 'adminKeyHash'>): RouterMiddleware => ({
  before: async (request) => {
    const { state } = request.context;
    const mode = state.route?.auth ?? 'none';
    if (mode === 'none') return;
    const presented = readPresentedKey(state.http.headers);
    if (presented === undefined) {
      throw new AuthenticationError(
        'Missing API key. Send it as "Authorization: Bearer <key>" or "x-api-key: <key>".',
        'missing_api_key',
      );
    }
    const hash = hashApiKey(presented);
    if (mode === 'admin') {
      if (runtime.adminKeyHash === undefined)
        throw new AuthenticationError('The admin API is disabled: no admin key is configured.', 'admin_disabled');
      if (!sameHash(hash, runtime.adminKeyHash)) throw new AuthenticationError('Invalid admin key.', 'invalid_admin_key');
      state.principal = { kind: 'admin' };
      return;
    }
    const key = await runtime.keyCache.get(hash, (h) => runtime.keys.findByHash(h));
    if (key === undefined) throw new AuthenticationError('Invalid API key.');
    if (key.status === 'revoked') throw new AuthenticationError('This API key has been revoked.', 'api_key_revoked');
    if (key.expiresAt !== undefined && Date.parse(key.expiresAt) <= state.receivedAt.getTime()) {
      throw new AuthenticationError('This API key has expired.', 'api_key_expired');
    }
    state.principal = { kind: 'key', key };
  },
});
