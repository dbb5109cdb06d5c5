import { describe, expect, test, vi } from 'vitest';
import { jsonResponse } from '#functions/router/http/types.ts';
import { authenticate } from '#functions/router/middlewares/authenticate.ts';
import type { RouteSpec } from '#functions/router/route-spec.ts';
import { hashApiKey } from '#shared/keys/api-key.ts';
import { KeyCache } from '#shared/keys/key-cache.ts';
import type { KeyRecord } from '#shared/keys/key-record.ts';
import type { KeysStore } from '#shared/keys/keys-store.ts';
import { fakeRequest, httpRequest, routerErrorOf, runBefore } from './fake-request.ts';

const NOW = new Date('2025-06-01T12:00:00Z');
const CLIENT_KEY = 'sk-ir-client-key-0000000000000000000000';
const REVOKED_KEY = 'sk-ir-revoked-key-000000000000000000000';
const EXPIRED_KEY = 'sk-ir-expired-key-000000000000000000000';
const FUTURE_KEY = 'sk-ir-future-key-0000000000000000000000';
const ADMIN_KEY = 'admin-secret-key';

const record = (id: string, fields: Partial<KeyRecord> = {}): KeyRecord => ({
  id,
  tenant: 'acme',
  name: 'default',
  status: 'active',
  hint: 'sk-ir-xxxx...xxxx',
  createdAt: '2025-01-01T00:00:00.000Z',
  ...fields,
});

const RECORDS = new Map<string, KeyRecord>([
  [hashApiKey(CLIENT_KEY), record('key_client')],
  [hashApiKey(REVOKED_KEY), record('key_revoked', { status: 'revoked', revokedAt: '2025-05-01T00:00:00.000Z' })],
  [hashApiKey(EXPIRED_KEY), record('key_expired', { expiresAt: NOW.toISOString() })],
  [hashApiKey(FUTURE_KEY), record('key_future', { expiresAt: '2025-06-01T12:00:01.000Z' })],
]);

const setup = (options: { adminKeyHash?: string | undefined } = { adminKeyHash: hashApiKey(ADMIN_KEY) }) => {
  const findByHash = vi.fn(async (hash: string) => RECORDS.get(hash));
  const runtime = {
    keys: { findByHash } as unknown as KeysStore,
    keyCache: new KeyCache({ ttlMs: 30_000 }),
    adminKeyHash: options.adminKeyHash,
  };
  return { middleware: authenticate(runtime), findByHash };
};

const route = (auth: RouteSpec['auth']): RouteSpec => ({
  method: 'GET',
  path: '/x',
  auth,
  handle: async () => jsonResponse(200, {}),
});

const run = async (middleware: ReturnType<typeof authenticate>, auth: RouteSpec['auth'], headers: Record<string, string>) => {
  const { request, state } = fakeRequest(httpRequest({ headers }), NOW);
  state.route = route(auth);
  await runBefore(middleware, request);
  return state;
};

describe('authenticate', () => {
  test('an open route needs no key', async () => {
    // Prepare
    const { middleware, findByHash } = setup();

    // Act
    const state = await run(middleware, 'none', {});

    // Assess
    expect(state.principal).toBeUndefined();
    expect(findByHash).not.toHaveBeenCalled();
  });

  test.each<{ name: string; headers: Record<string, string> }>([
    { name: 'no headers', headers: {} },
    { name: 'an empty x-api-key', headers: { 'x-api-key': '  ' } },
    { name: 'a Basic authorization', headers: { authorization: 'Basic dXNlcjpwYXNz' } },
  ])('$name on a key route is a 401 missing_api_key', async ({ headers }) => {
    // Prepare
    const { middleware } = setup();

    // Act
    const error = await routerErrorOf(() => run(middleware, 'key', headers));

    // Assess
    expect(error.statusCode).toBe(401);
    expect(error.type).toBe('authentication_error');
    expect(error.code).toBe('missing_api_key');
    expect(error.message).toBe('Missing API key. Send it as "Authorization: Bearer <key>" or "x-api-key: <key>".');
  });

  test.each<{ name: string; headers: Record<string, string> }>([
    { name: 'a Bearer token', headers: { authorization: `Bearer ${CLIENT_KEY}` } },
    { name: 'a lowercase bearer token', headers: { authorization: `bearer ${CLIENT_KEY}` } },
    { name: 'an x-api-key', headers: { 'x-api-key': CLIENT_KEY } },
  ])('a valid key sent as $name authenticates the caller', async ({ headers }) => {
    // Prepare
    const { middleware, findByHash } = setup();

    // Act
    const state = await run(middleware, 'key', headers);

    // Assess
    expect(state.principal).toEqual({ kind: 'key', key: RECORDS.get(hashApiKey(CLIENT_KEY)) });
    expect(findByHash).toHaveBeenCalledWith(hashApiKey(CLIENT_KEY));
  });

  test('the key store is read once per key while the cache holds it', async () => {
    // Prepare
    const { middleware, findByHash } = setup();

    // Act
    await run(middleware, 'key', { 'x-api-key': CLIENT_KEY });
    await run(middleware, 'key', { authorization: `Bearer ${CLIENT_KEY}` });

    // Assess
    expect(findByHash).toHaveBeenCalledTimes(1);
  });

  test.each([
    { name: 'an unknown key', key: 'sk-ir-unknown', code: 'invalid_api_key', message: 'Invalid API key.' },
    { name: 'a revoked key', key: REVOKED_KEY, code: 'api_key_revoked', message: 'This API key has been revoked.' },
    { name: 'a key expiring right now', key: EXPIRED_KEY, code: 'api_key_expired', message: 'This API key has expired.' },
    { name: 'the admin key', key: ADMIN_KEY, code: 'invalid_api_key', message: 'Invalid API key.' },
  ])('$name on a key route is a 401 $code', async ({ key, code, message }) => {
    // Prepare
    const { middleware } = setup();

    // Act
    const error = await routerErrorOf(() => run(middleware, 'key', { authorization: `Bearer ${key}` }));

    // Assess
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  test('a key that expires after the request was received still works', async () => {
    // Prepare
    const { middleware } = setup();

    // Act
    const state = await run(middleware, 'key', { 'x-api-key': FUTURE_KEY });

    // Assess
    expect(state.principal).toEqual({ kind: 'key', key: RECORDS.get(hashApiKey(FUTURE_KEY)) });
  });

  test.each<{ name: string; headers: Record<string, string> }>([
    { name: 'a Bearer token', headers: { authorization: `Bearer ${ADMIN_KEY}` } },
    { name: 'an x-api-key', headers: { 'x-api-key': ADMIN_KEY } },
  ])('the admin key sent as $name opens an admin route without a store lookup', async ({ headers }) => {
    // Prepare
    const { middleware, findByHash } = setup();

    // Act
    const state = await run(middleware, 'admin', headers);

    // Assess
    expect(state.principal).toEqual({ kind: 'admin' });
    expect(findByHash).not.toHaveBeenCalled();
  });

  test.each([
    { name: 'a wrong key', key: 'admin-secret-kez' },
    { name: 'a valid client key', key: CLIENT_KEY },
    { name: 'the admin key with a suffix', key: `${ADMIN_KEY}x` },
  ])('$name on an admin route is a 401 invalid_admin_key', async ({ key }) => {
    // Prepare
    const { middleware } = setup();

    // Act
    const error = await routerErrorOf(() => run(middleware, 'admin', { 'x-api-key': key }));

    // Assess
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe('invalid_admin_key');
    expect(error.message).toBe('Invalid admin key.');
  });

  test('without an admin key configured, the admin API is disabled', async () => {
    // Prepare
    const { middleware } = setup({ adminKeyHash: undefined });

    // Act
    const error = await routerErrorOf(() => run(middleware, 'admin', { 'x-api-key': ADMIN_KEY }));

    // Assess
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe('admin_disabled');
  });

  test('without an admin key configured, a missing key is still reported as missing', async () => {
    // Prepare
    const { middleware } = setup({ adminKeyHash: undefined });

    // Act
    const error = await routerErrorOf(() => run(middleware, 'admin', {}));

    // Assess
    expect(error.code).toBe('missing_api_key');
  });
});
