import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ADMIN_KEY, type Harness, startHarness } from './harness.ts';

// The admin API as an operator uses it: create (secret shown once), list, get, revoke.

let harness: Harness;

beforeAll(async () => {
  // No key caching, so a revocation is visible on the very next request.
  harness = await startHarness({ server: { keyCacheTtlSeconds: 0 } });
});
afterAll(async () => harness.close());

const admin = (path: string, init: RequestInit = {}) =>
  harness.fetch(path, { ...init, key: ADMIN_KEY, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });

test('POST /admin/keys returns the secret once, with everything the key carries', async () => {
  // Act
  const response = await admin('/admin/keys', {
    method: 'POST',
    body: JSON.stringify({
      tenant: 'acme',
      name: 'ci',
      models: ['mock-small'],
      limits: { rpm: 10, tpm: 20000 },
      lagoSubscriptionId: 'sub_1',
    }),
  });

  // Assess
  expect(response.status).toBe(201);
  const created = (await response.json()) as Record<string, unknown>;
  expect(created).toMatchObject({
    id: expect.stringMatching(/^key_[0-9a-f]{20}$/),
    key: expect.stringMatching(/^sk-ir-[A-Za-z0-9_-]{32}$/),
    tenant: 'acme',
    name: 'ci',
    status: 'active',
    models: ['mock-small'],
    limits: { rpm: 10, tpm: 20000 },
    lagoSubscriptionId: 'sub_1',
  });
  const fetched = (await (await admin(`/admin/keys/${created.id}`)).json()) as Record<string, unknown>;
  expect(fetched).not.toHaveProperty('key');
  expect(fetched).not.toHaveProperty('keyHash');
  expect(fetched.hint).toBe(`${String(created.key).slice(0, 10)}...${String(created.key).slice(-4)}`);
});

test('the key is stored only as a hash', async () => {
  // Prepare
  const { key } = await harness.createKey({ tenant: 'hashcheck' });

  // Act: read the raw table through the embedded DynamoDB.
  const { DynamoDBClient, ScanCommand } = await import('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({
    endpoint: harness.router.dynamoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const scan = await client.send(new ScanCommand({ TableName: 'inference-router-local-keys' }));
  client.destroy();

  // Assess
  const raw = JSON.stringify(scan.Items);
  expect(raw).not.toContain(key);
  expect(raw).toContain(createHash('sha256').update(key).digest('hex'));
});

test('GET /admin/keys lists a tenant newest first, without secrets, and pages', async () => {
  // Prepare
  for (const name of ['one', 'two', 'three']) await harness.createKey({ tenant: 'listing', name });

  // Act
  const first = (await (await admin('/admin/keys?tenant=listing&limit=2')).json()) as {
    data: Array<{ name: string }>;
    has_more: boolean;
    next?: string;
  };
  const second = (await (await admin(`/admin/keys?tenant=listing&limit=2&after=${first.next}`)).json()) as {
    data: Array<{ name: string }>;
    has_more: boolean;
  };

  // Assess
  expect(first.data.map((key) => key.name)).toEqual(['three', 'two']);
  expect(first.has_more).toBe(true);
  expect(second.data.map((key) => key.name)).toEqual(['one']);
  expect(JSON.stringify([first, second])).not.toMatch(/sk-ir-[A-Za-z0-9_-]{32}/);
});

test('a revoked key stops working', async () => {
  // Prepare
  const { id, key } = await harness.createKey({ tenant: 'revoking' });
  expect((await harness.fetch('/v1/models', { key })).status).toBe(200);

  // Act
  const revoked = await admin(`/admin/keys/${id}`, { method: 'DELETE' });

  // Assess
  expect(revoked.status).toBe(200);
  expect(await revoked.json()).toMatchObject({ id, status: 'revoked', revokedAt: expect.any(String) });
  const refused = await harness.fetch('/v1/models', { key });
  expect(refused.status).toBe(401);
  expect(await refused.json()).toMatchObject({ error: { code: 'api_key_revoked' } });
});

test('an expired key is refused', async () => {
  const { key } = await harness.createKey({ tenant: 'expiring', expiresAt: new Date(Date.now() - 1000).toISOString() });
  const response = await harness.fetch('/v1/models', { key });
  expect(response.status).toBe(401);
  expect(await response.json()).toMatchObject({ error: { code: 'api_key_expired' } });
});

test('revoking or reading an unknown id: 404', async () => {
  expect((await admin('/admin/keys/key_nope', { method: 'DELETE' })).status).toBe(404);
  expect((await admin('/admin/keys/key_nope')).status).toBe(404);
});

test('bad admin payloads: 400 naming the field', async () => {
  const response = await admin('/admin/keys', { method: 'POST', body: JSON.stringify({ tenant: 'acme', limits: { rpm: -1 } }) });
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({ error: { param: 'limits.rpm', message: expect.stringMatching(/limits\.rpm/) } });
  const missing = await admin('/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'x' }) });
  expect(await missing.json()).toMatchObject({
    error: { param: 'tenant', message: expect.stringMatching(/tenant is required/) },
  });
});

// Regression (issue 14): budgets the schema took but nothing downstream could hold (a 500 for 1e308,
// DynamoDB's ValidationException reported as a 503 for 1e-300, micro-dollars past 2^53 for 1e12).
test.each([
  { field: 'monthlyBudgetUsd', value: 1e308 },
  { field: 'monthlyBudgetUsd', value: 1e-300 },
  { field: 'monthlyBudgetUsd', value: 1e12 },
  { field: 'monthlyTokens', value: 2 ** 53 },
])('an absurd limit ($field: $value) is a 400 naming the field', async ({ field, value }) => {
  // Act
  const response = await admin('/admin/keys', {
    method: 'POST',
    body: JSON.stringify({ tenant: 'acme', limits: { [field]: value } }),
  });

  // Assess
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({ error: { code: 'invalid_request', param: `limits.${field}` } });
});

test('PATCH merges limits field by field: a new rpm keeps the tpm, null removes one field, null limits remove all', async () => {
  // Prepare
  const created = (await (
    await admin('/admin/keys', { method: 'POST', body: JSON.stringify({ tenant: 'acme', limits: { rpm: 10, tpm: 20_000 } }) })
  ).json()) as { id: string };
  const bare = (await (await admin('/admin/keys', { method: 'POST', body: JSON.stringify({ tenant: 'acme' }) })).json()) as {
    id: string;
  };
  const patch = async (id: string, body: unknown) =>
    (await (await admin(`/admin/keys/${id}`, { method: 'PATCH', body: JSON.stringify(body) })).json()) as { limits?: unknown };

  // Act
  const merged = await patch(created.id, { limits: { rpm: 2 } });
  const cleared = await patch(created.id, { limits: { tpm: null } });
  const firstLimits = await patch(bare.id, { limits: { monthlyTokens: 1_000 } });
  const removed = await patch(created.id, { limits: null });

  // Assess
  expect(merged.limits).toEqual({ rpm: 2, tpm: 20_000 });
  expect(cleared.limits).toEqual({ rpm: 2 });
  expect(firstLimits.limits).toEqual({ monthlyTokens: 1_000 });
  expect(removed.limits).toBeUndefined();
});
